/// An sRGB colour with 8-bit channels and straight (non-premultiplied) alpha.
///
/// The canvas stores pixels packed as `0xAARRGGBB` (`packed`); alpha 255 is opaque.
public struct ViewerColor: Sendable, Equatable, Hashable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8
    public var a: UInt8

    @inlinable public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) {
        self.r = r
        self.g = g
        self.b = b
        self.a = a
    }

    /// The colour packed as `0xAARRGGBB` with alpha forced to 255 (the canvas pixel format).
    @inlinable public var packed: UInt32 {
        0xFF00_0000 | UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)
    }

    /// Unpacks a canvas pixel (`0x..RRGGBB`); alpha is 255.
    @inlinable public init(packed p: UInt32) {
        self.init(UInt8(truncatingIfNeeded: p >> 16), UInt8(truncatingIfNeeded: p >> 8), UInt8(truncatingIfNeeded: p))
    }

    /// The same colour with alpha `a` (0...255).
    @inlinable public func withAlpha(_ a: UInt8) -> ViewerColor { ViewerColor(r, g, b, a) }

    /// Linear interpolation between two colours, `t` in 0...1 (clamped).
    public static func mix(_ c0: ViewerColor, _ c1: ViewerColor, _ t: Double) -> ViewerColor {
        let s = Swift.min(Swift.max(t.isFinite ? t : 0, 0), 1)
        func lerp(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * s).rounded()) }
        return ViewerColor(lerp(c0.r, c1.r), lerp(c0.g, c1.g), lerp(c0.b, c1.b), lerp(c0.a, c1.a))
    }

    /// Green (p = 0) through yellow (0.5) to red (p = 1): the colour of a planner candidate by
    /// its predicted collision probability `p` (clamped to 0...1).
    public static func collisionRisk(_ p: Double) -> ViewerColor {
        let s = Swift.min(Swift.max(p.isFinite ? p : 1, 0), 1)
        return s < 0.5 ? mix(.riskLow, .riskMid, s * 2) : mix(.riskMid, .riskHigh, (s - 0.5) * 2)
    }

    public static let black = ViewerColor(0, 0, 0)
    public static let white = ViewerColor(255, 255, 255)
    public static let gray = ViewerColor(128, 128, 128)
    public static let red = ViewerColor(255, 0, 0)
    public static let green = ViewerColor(0, 255, 0)
    public static let blue = ViewerColor(0, 0, 255)
    public static let yellow = ViewerColor(255, 255, 0)
    public static let cyan = ViewerColor(0, 255, 255)
    public static let sky = ViewerColor(135, 190, 235)
    public static let ground = ViewerColor(90, 140, 70)
    public static let riskLow = ViewerColor(40, 200, 60)
    public static let riskMid = ViewerColor(240, 210, 40)
    public static let riskHigh = ViewerColor(230, 40, 30)
    /// Obstacles on the top-down map.
    public static let obstacle = ViewerColor(200, 40, 40)
    /// Candidates a safety filter rejected (translucent grey).
    public static let rejected = ViewerColor(150, 150, 150, 120)
    /// HUD lines that need attention (a filter fallback, out of distribution).
    public static let alert = ViewerColor(255, 110, 90)
    /// The goal marker.
    public static let goal = ViewerColor(80, 170, 255)
    /// Panel backgrounds (translucent).
    public static let panel = ViewerColor(10, 14, 20, 170)
}
