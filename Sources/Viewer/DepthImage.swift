/// A depth image in metres along the optical axis, row-major, `metres.count == width * height`,
/// row 0 at the top. Non-finite or non-positive values mean "no return".
public struct DepthImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var metres: [Float]

    public init(width: Int, height: Int, metres: [Float]) {
        precondition(width >= 0 && height >= 0 && metres.count == width * height, "depth image size mismatch")
        self.width = width
        self.height = height
        self.metres = metres
    }
}
