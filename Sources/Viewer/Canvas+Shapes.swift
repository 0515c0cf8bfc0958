import Foundation

/// Rectangles, lines, circles and polylines.
extension Canvas {
    /// Fills `rect` with `color`, blending when `color.a < 255`.
    public mutating func fillRect(_ rect: ViewerRect, _ color: ViewerColor) {
        let r = rect.intersection(activeClip)
        guard !r.isEmpty, color.a > 0 else { return }
        let w = width
        pixels.withUnsafeMutableBufferPointer { buf in
            if color.a == 255 {
                let p = color.packed
                for y in r.y..<r.maxY {
                    let row = y * w
                    for x in r.x..<r.maxX { buf[row + x] = p }
                }
            } else {
                for y in r.y..<r.maxY {
                    let row = y * w
                    for x in r.x..<r.maxX { buf[row + x] = Canvas.blend(buf[row + x], color) }
                }
            }
        }
    }

    /// A one-pixel outline of `rect`.
    public mutating func strokeRect(_ rect: ViewerRect, _ color: ViewerColor) {
        guard !rect.isEmpty else { return }
        fillRect(ViewerRect(x: rect.x, y: rect.y, width: rect.width, height: 1), color)
        fillRect(ViewerRect(x: rect.x, y: rect.maxY - 1, width: rect.width, height: 1), color)
        fillRect(ViewerRect(x: rect.x, y: rect.y + 1, width: 1, height: rect.height - 2), color)
        fillRect(ViewerRect(x: rect.maxX - 1, y: rect.y + 1, width: 1, height: rect.height - 2), color)
    }

    /// A translucent panel: background `background` plus a one-pixel border.
    public mutating func drawPanel(_ rect: ViewerRect, background: ViewerColor = .panel,
                                   border: ViewerColor = ViewerColor(255, 255, 255, 60)) {
        fillRect(rect, background)
        strokeRect(rect, border)
    }

    /// A line from (`x0`, `y0`) to (`x1`, `y1`) in pixel coordinates (pixel centres at
    /// integer + 0.5), `thickness` pixels wide (1 or more), clipped to the canvas and clip rect.
    /// Each pixel is written once per call even where a thick line overlaps itself, so
    /// translucent lines blend evenly.
    public mutating func drawLine(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double,
                                  _ color: ViewerColor, thickness: Int = 1) {
        guard x0.isFinite, y0.isFinite, x1.isFinite, y1.isFinite, color.a > 0 else { return }
        let c = activeClip
        let pad = Double(thickness)
        // clip the segment to the (padded) clip rectangle (Liang-Barsky)
        guard let (ax, ay, bx, by) = Canvas.clipSegment(
            x0, y0, x1, y1,
            minX: Double(c.x) - pad, minY: Double(c.y) - pad,
            maxX: Double(c.maxX) + pad, maxY: Double(c.maxY) + pad) else { return }
        // step along the major axis, one pixel per step
        let dx = bx - ax, dy = by - ay
        let steps = Int(Swift.max(Swift.abs(dx), Swift.abs(dy)).rounded(.up))
        let half = (thickness - 1) / 2
        var lastX = Int.min, lastY = Int.min
        for s in 0...Swift.max(steps, 0) {
            let t = steps == 0 ? 0 : Double(s) / Double(steps)
            let px = Int((ax + dx * t).rounded(.down)), py = Int((ay + dy * t).rounded(.down))
            if px == lastX && py == lastY { continue }
            lastX = px
            lastY = py
            if thickness <= 1 {
                plot(px, py, color)
            } else if Swift.abs(dx) >= Swift.abs(dy) {
                // mostly horizontal: a vertical run per column
                for o in -half..<(thickness - half) { plot(px, py + o, color) }
            } else {
                for o in -half..<(thickness - half) { plot(px + o, py, color) }
            }
        }
    }

    /// Connected line segments through `points` (pixel coordinates). Any sequence works, so
    /// `world.lazy.map { transform.pixel($0) }` draws without building an array.
    public mutating func drawPolyline<S: Sequence>(_ points: S, _ color: ViewerColor, thickness: Int = 1)
        where S.Element == SIMD2<Double> {
        var prev: SIMD2<Double>? = nil
        var count = 0
        for p in points {
            if let a = prev { drawLine(a.x, a.y, p.x, p.y, color, thickness: thickness) }
            prev = p
            count += 1
        }
        if count == 1, let p = prev { plot(Int(p.x.rounded(.down)), Int(p.y.rounded(.down)), color) }
    }

    /// A filled disc of radius `radius` pixels centred at (`cx`, `cy`): pixels whose centre lies
    /// within the radius.
    public mutating func fillCircle(_ cx: Double, _ cy: Double, radius: Double, _ color: ViewerColor) {
        guard cx.isFinite, cy.isFinite, radius.isFinite, radius > 0 else { return }
        let c = activeClip
        let y0 = Swift.max(c.y, Int((cy - radius).rounded(.down)))
        let y1 = Swift.min(c.maxY - 1, Int((cy + radius).rounded(.up)))
        guard y0 <= y1 else { return }
        let r2 = radius * radius
        for y in y0...y1 {
            let dy = Double(y) + 0.5 - cy
            let span = r2 - dy * dy
            if span < 0 { continue }
            let hw = span.squareRoot()
            // pixel x whose centre x + 0.5 is in [cx - hw, cx + hw]
            let xa = Swift.max(c.x, Int((cx - hw - 0.5).rounded(.up)))
            let xb = Swift.min(c.maxX - 1, Int((cx + hw - 0.5).rounded(.down)))
            if xa > xb { continue }
            fillRect(ViewerRect(x: xa, y: y, width: xb - xa + 1, height: 1), color)
        }
    }

    /// A circle outline of radius `radius` pixels.
    public mutating func strokeCircle(_ cx: Double, _ cy: Double, radius: Double, _ color: ViewerColor) {
        guard radius.isFinite, radius > 0 else { return }
        let n = Swift.max(12, Int(radius * 1.5))
        var pts: [SIMD2<Double>] = []
        pts.reserveCapacity(n + 1)
        for i in 0...n {
            let a = 2 * Double.pi * Double(i) / Double(n)
            pts.append(SIMD2(cx + radius * cos(a), cy + radius * sin(a)))
        }
        drawPolyline(pts, color)
    }

    /// Liang-Barsky clipping of a segment to a rectangle; nil when fully outside.
    static func clipSegment(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double,
                            minX: Double, minY: Double, maxX: Double, maxY: Double)
        -> (Double, Double, Double, Double)? {
        let dx = x1 - x0, dy = y1 - y0
        var t0 = 0.0, t1 = 1.0
        for (p, q) in [(-dx, x0 - minX), (dx, maxX - x0), (-dy, y0 - minY), (dy, maxY - y0)] {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let r = q / p
                if p < 0 {
                    if r > t1 { return nil }
                    if r > t0 { t0 = r }
                } else {
                    if r < t0 { return nil }
                    if r < t1 { t1 = r }
                }
            }
        }
        return (x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy)
    }
}
