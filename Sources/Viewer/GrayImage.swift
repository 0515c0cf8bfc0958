/// An 8-bit grayscale image, row-major, `pixels.count == width * height`, row 0 at the top.
public struct GrayImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height, "gray image size mismatch")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A uniform image of value `value`.
    public init(width: Int, height: Int, value: UInt8 = 0) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: value, count: width * height))
    }
}
