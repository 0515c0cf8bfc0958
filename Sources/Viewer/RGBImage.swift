/// An 8-bit RGB image, row-major and interleaved (`r, g, b` per pixel),
/// `pixels.count == 3 * width * height`, row 0 at the top.
///
/// This is the main 3D view's buffer (filled by the renderer each frame) and the format of
/// screenshots.
public struct RGBImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == 3 * width * height, "rgb image size mismatch")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A uniform image of colour `color` (alpha ignored).
    public init(width: Int, height: Int, color: ViewerColor = .black) {
        var p = [UInt8](repeating: 0, count: 3 * width * height)
        for i in 0..<(width * height) {
            p[3 * i] = color.r
            p[3 * i + 1] = color.g
            p[3 * i + 2] = color.b
        }
        self.init(width: width, height: height, pixels: p)
    }

    /// The colour at pixel (`x`, `y`).
    public func pixel(_ x: Int, _ y: Int) -> ViewerColor {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel out of range")
        let i = 3 * (y * width + x)
        return ViewerColor(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// The image as a binary PPM (P6) file, for quick checks (PNG writing lives in Rendering).
    public func ppmData() -> [UInt8] {
        Array("P6\n\(width) \(height)\n255\n".utf8) + pixels
    }
}
