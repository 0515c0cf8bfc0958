/// A software drawing surface: `width` x `height` pixels packed as `0xAARRGGBB` (alpha always
/// 255 in storage), row-major, row 0 at the top. This is what the SDL window uploads each frame
/// (pixel format ARGB8888) and what headless runs screenshot.
///
/// Drawing clips to the canvas and to `clip`; colours with alpha < 255 blend over what is there.
/// Shapes live in `Canvas+Shapes.swift`, images in `Canvas+Images.swift`, text in
/// `Canvas+Text.swift`.
///
/// ```swift
/// var c = Canvas(width: 320, height: 240)
/// c.fill(.sky)
/// c.fillRect(ViewerRect(x: 10, y: 10, width: 50, height: 20), .panel)
/// c.drawText("ALT 1.2 m", x: 14, y: 16, color: .white)
/// ```
public struct Canvas: Sendable {
    public let width: Int
    public let height: Int
    /// Packed `0xFFRRGGBB` pixels, `width * height` of them.
    public var pixels: [UInt32]
    /// Drawing is limited to this rectangle (the whole canvas by default).
    public var clip: ViewerRect

    public init(width: Int, height: Int, color: ViewerColor = .black) {
        precondition(width > 0 && height > 0, "canvas must be non-empty")
        self.width = width
        self.height = height
        pixels = [UInt32](repeating: color.packed, count: width * height)
        clip = ViewerRect(x: 0, y: 0, width: width, height: height)
    }

    /// The whole canvas as a rectangle.
    @inlinable public var bounds: ViewerRect { ViewerRect(x: 0, y: 0, width: width, height: height) }

    /// The effective clip (clip intersected with bounds).
    @inlinable var activeClip: ViewerRect { clip.intersection(bounds) }

    /// The colour at pixel (`x`, `y`).
    public func pixel(_ x: Int, _ y: Int) -> ViewerColor {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel out of range")
        return ViewerColor(packed: pixels[y * width + x])
    }

    /// Fills the whole canvas (ignoring the clip) with an opaque colour.
    public mutating func fill(_ color: ViewerColor) {
        let p = color.packed
        pixels.withUnsafeMutableBufferPointer { buf in
            for i in buf.indices { buf[i] = p }
        }
    }

    /// Blends `color` over pixel (`x`, `y`) if it is inside the clip.
    @inlinable public mutating func plot(_ x: Int, _ y: Int, _ color: ViewerColor) {
        let c = activeClip
        guard c.contains(x, y) else { return }
        let i = y * width + x
        pixels[i] = Canvas.blend(pixels[i], color)
    }

    /// `src` over `dst` with straight alpha, 8-bit fixed point.
    @inlinable @inline(__always)
    static func blend(_ dst: UInt32, _ src: ViewerColor) -> UInt32 {
        let a = UInt32(src.a)
        if a == 255 { return src.packed }
        if a == 0 { return dst }
        let ia = 255 - a
        let dr = (dst >> 16) & 0xFF, dg = (dst >> 8) & 0xFF, db = dst & 0xFF
        let r = (UInt32(src.r) * a + dr * ia + 127) / 255
        let g = (UInt32(src.g) * a + dg * ia + 127) / 255
        let b = (UInt32(src.b) * a + db * ia + 127) / 255
        return 0xFF00_0000 | r << 16 | g << 8 | b
    }

    /// The canvas as interleaved RGB bytes (3 per pixel, row-major): a screenshot.
    public func rgbImage() -> RGBImage {
        var out = [UInt8](repeating: 0, count: 3 * width * height)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<src.count {
                    let p = src[i]
                    dst[3 * i] = UInt8(truncatingIfNeeded: p >> 16)
                    dst[3 * i + 1] = UInt8(truncatingIfNeeded: p >> 8)
                    dst[3 * i + 2] = UInt8(truncatingIfNeeded: p)
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
