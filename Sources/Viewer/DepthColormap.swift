/// False colours for depth images: near is warm (red-yellow), far is cool (blue-purple),
/// "no return" is black. A 256-entry table built once.
public enum DepthColormap {
    /// Packed `0xFFRRGGBB` colours for t = i / 255, i in 0..<256 (t = 0 near, 1 far).
    public static let table: [UInt32] = (0..<256).map { i in
        let t = Double(i) / 255
        // piecewise-linear ramp through red, yellow, green, cyan, blue, dark purple
        let stops: [(Double, ViewerColor)] = [
            (0.0, ViewerColor(230, 30, 30)), (0.2, ViewerColor(250, 200, 40)), (0.4, ViewerColor(60, 200, 70)),
            (0.6, ViewerColor(40, 190, 220)), (0.8, ViewerColor(40, 70, 220)), (1.0, ViewerColor(50, 20, 90)),
        ]
        var k = 0
        while k < stops.count - 2 && t > stops[k + 1].0 { k += 1 }
        let (t0, c0) = stops[k], (t1, c1) = stops[k + 1]
        return ViewerColor.mix(c0, c1, (t - t0) / (t1 - t0)).packed
    }

    /// The colour of depth `d` metres for a display range `near...far`.
    @inlinable public static func color(depth d: Float, near: Float, far: Float) -> ViewerColor {
        ViewerColor(packed: packed(depth: d, near: near, far: far))
    }

    /// Packed colour of depth `d` (black for non-finite or non-positive depth).
    @inlinable public static func packed(depth d: Float, near: Float, far: Float) -> UInt32 {
        guard d.isFinite, d > 0 else { return 0xFF00_0000 }
        let t = (d - near) / Swift.max(far - near, 1e-6)
        let i = Int((Swift.min(Swift.max(t, 0), 1) * 255).rounded())
        return table[i]
    }
}
