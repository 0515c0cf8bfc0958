import Foundation
import Geometry

/// Draws a `ViewerFrame` plus the viewer's overlay state into a `Canvas`: the main 3D view with
/// projected paths, the top-down map, camera insets, HUD, timeline and help.
///
/// Holds the main-view scratch buffer so a frame allocates no image memory once warmed up.
///
/// ```swift
/// var composer = ViewerComposer(width: 960, height: 540)
/// var canvas = Canvas(width: 960, height: 540)
/// composer.compose(frame, camera: cam, overlay: ViewerOverlayState(), into: &canvas)
/// ```
public struct ViewerComposer: Sendable {
    public let layout: ViewerLayout
    /// The main view's render target, sized to `layout.mainView`.
    public private(set) var viewBuffer: RGBImage

    public init(width: Int, height: Int) {
        layout = ViewerLayout(width: width, height: height)
        viewBuffer = RGBImage(width: layout.mainView.width, height: layout.mainView.height)
    }

    /// The map transform used for `frame` (its region, or 16 m around the robot).
    public func mapTransform(for frame: ViewerFrame) -> MapTransform {
        if let r = frame.mapRegion {
            return MapTransform(center: r.center, side: r.side, rect: layout.map.inset(by: 2))
        }
        let p = frame.robotPose.position
        return MapTransform(center: SIMD2(p.x, p.y), side: 16, rect: layout.map.inset(by: 2))
    }

    /// Draws everything for one frame.
    public mutating func compose(_ frame: ViewerFrame, camera: ViewCamera, overlay: ViewerOverlayState,
                                 into canvas: inout Canvas) {
        precondition(canvas.width == layout.width && canvas.height == layout.height, "canvas does not match layout")
        canvas.clip = canvas.bounds
        drawMainView(frame, camera: camera, into: &canvas)
        drawPaths3D(frame, camera: camera, into: &canvas)
        drawMap(frame, into: &canvas)
        drawInsets(frame, into: &canvas)
        drawHUD(frame, overlay: overlay, into: &canvas)
        if let head = overlay.playhead { drawTimeline(head, into: &canvas) }
        if !frame.status.isEmpty {
            let s = layout.textScale
            let w = BitmapFont.width(of: frame.status, scale: s)
            let y = overlay.playhead == nil ? layout.timeline.y : layout.timeline.y - 14 * s
            canvas.drawShadowedText(frame.status, x: (layout.width - w) / 2, y: y, scale: s)
        }
        if overlay.showHelp { drawHelp(overlay.mode, extra: overlay.extraHelp, into: &canvas) }
    }

    // MARK: main view

    mutating func drawMainView(_ frame: ViewerFrame, camera: ViewCamera, into canvas: inout Canvas) {
        let r = layout.mainView
        switch frame.view {
        case let .image(img):
            canvas.drawImage(img, in: r)
        case let .render(renderer):
            renderer(camera, &viewBuffer)
            canvas.drawImage(viewBuffer, in: r)
        case .horizon:
            drawHorizon(frame, camera: camera, into: &canvas)
        }
    }

    /// Sky above and ground below the horizon of a roll-free camera, plus a 2 m ground grid
    /// and obstacle posts, so the view is readable before a renderer is attached.
    func drawHorizon(_ frame: ViewerFrame, camera: ViewCamera, into canvas: inout Canvas) {
        let r = layout.mainView
        let proj = camera.projection(width: r.width, height: r.height)
        let pitch = camera.pose.orientation.eulerAngles.pitch
        let horizon = Int((proj.cy - proj.fy * tan(pitch)).rounded())
        let split = Swift.min(Swift.max(horizon, 0), r.height)
        canvas.fillRect(ViewerRect(x: r.x, y: r.y, width: r.width, height: split), .sky)
        canvas.fillRect(ViewerRect(x: r.x, y: r.y + split, width: r.width, height: r.height - split), .ground)
        // ground grid around the robot
        let c = frame.robotPose.position
        let cx = (c.x / 2).rounded() * 2, cy = (c.y / 2).rounded() * 2
        let line = ViewerColor(60, 100, 50, 160)
        for k in -10...10 {
            let o = Double(k) * 2
            draw3D([Vec3(cx + o, cy - 20, 0), Vec3(cx + o, cy + 20, 0)], proj: proj, camera: camera, line, into: &canvas)
            draw3D([Vec3(cx - 20, cy + o, 0), Vec3(cx + 20, cy + o, 0)], proj: proj, camera: camera, line, into: &canvas)
        }
        // obstacles within 15 m as posts (trunk edges across the line of sight)
        let eye = camera.pose.position
        for ob in frame.obstacles {
            switch ob {
            case let .circle(center, radius):
                let d = SIMD2(center.x - eye.x, center.y - eye.y)
                let dist = (d.x * d.x + d.y * d.y).squareRoot()
                guard dist < 15, dist > 1e-6 else { continue }
                let side = SIMD2(-d.y, d.x) / dist * radius
                for s in [-1.0, 1.0] {
                    let p = Vec3(center.x + s * side.x, center.y + s * side.y, 0)
                    draw3D([p, p + Vec3(0, 0, 3)], proj: proj, camera: camera, ViewerColor(110, 80, 50), into: &canvas, thickness: 2)
                }
            case let .rect(lo, hi):
                let pts = [Vec3(lo.x, lo.y, 0), Vec3(hi.x, lo.y, 0), Vec3(hi.x, hi.y, 0), Vec3(lo.x, hi.y, 0), Vec3(lo.x, lo.y, 0)]
                draw3D(pts, proj: proj, camera: camera, ViewerColor(120, 120, 130), into: &canvas, thickness: 2)
            }
        }
    }

    /// Draws a world polyline projected through `proj` from `camera`.
    func draw3D(_ pts: [Vec3], proj: PinholeProjection, camera: ViewCamera, _ color: ViewerColor,
                into canvas: inout Canvas, thickness: Int = 1) {
        let ox = Double(layout.mainView.x), oy = Double(layout.mainView.y)
        proj.forEachProjectedSegment(pts, cameraPose: camera.pose) { a, b in
            canvas.drawLine(a.x + ox, a.y + oy, b.x + ox, b.y + oy, color, thickness: thickness)
        }
    }

    /// A goal marker: a ring of `radius` on the ground and a 1.5 m pole at its centre.
    func drawGoal3D(_ goal: Vec3, radius: Double, proj: PinholeProjection, camera: ViewCamera, into canvas: inout Canvas) {
        let n = 24
        let ring = (0...n).map { k -> Vec3 in
            let a = 2 * Double.pi * Double(k) / Double(n)
            return Vec3(goal.x + radius * cos(a), goal.y + radius * sin(a), 0.02)
        }
        draw3D(ring, proj: proj, camera: camera, .goal, into: &canvas, thickness: 2)
        draw3D([Vec3(goal.x, goal.y, 0), Vec3(goal.x, goal.y, 1.5)], proj: proj, camera: camera, .goal, into: &canvas, thickness: 2)
    }

    /// Trail and candidate paths projected into the main view, plus a robot marker.
    func drawPaths3D(_ frame: ViewerFrame, camera: ViewCamera, into canvas: inout Canvas) {
        let r = layout.mainView
        let proj = camera.projection(width: r.width, height: r.height)
        canvas.clip = r
        defer { canvas.clip = canvas.bounds }
        if frame.trail.count >= 2 {
            draw3D(frame.trail, proj: proj, camera: camera, ViewerColor(0, 220, 255, 200), into: &canvas, thickness: 2)
        }
        if let goal = frame.goal { drawGoal3D(goal, radius: frame.goalRadius, proj: proj, camera: camera, into: &canvas) }
        // rejected candidates underneath, the chosen one on top
        for i in CandidatePath.drawOrder(frame.candidates) {
            let c = frame.candidates[i]
            let style = c.style
            if c.pointProbabilities == nil || c.isRejected {
                draw3D(c.points, proj: proj, camera: camera, style.color, into: &canvas, thickness: style.thickness)
                continue
            }
            // per-step colours and a dot at every predicted pose
            let ox = Double(r.x), oy = Double(r.y)
            for k in 0..<Swift.max(0, c.points.count - 1) {
                draw3D([c.points[k], c.points[k + 1]], proj: proj, camera: camera, c.segmentColor(k), into: &canvas,
                       thickness: style.thickness)
            }
            for (k, p) in c.points.enumerated().dropFirst() {
                guard let q = proj.project(world: p, cameraPose: camera.pose) else { continue }
                let color = c.segmentColor(k - 1)
                canvas.fillCircle(q.x + ox, q.y + oy, radius: 4, ViewerColor(20, 20, 20, 200))
                canvas.fillCircle(q.x + ox, q.y + oy, radius: 3, color.withAlpha(255))
            }
        }
        // other vehicles: trails, then markers
        let ox = Double(r.x), oy = Double(r.y)
        for v in frame.vehicles where v.trail.count >= 2 {
            draw3D(v.trail, proj: proj, camera: camera, ViewerVehicle.trailColor, into: &canvas, thickness: 2)
        }
        for v in frame.vehicles {
            drawMarker3D(at: v.pose.position, v.markerColor, proj: proj, camera: camera, origin: (ox, oy), into: &canvas)
        }
        // robot marker (not in first person, where the robot is the camera)
        drawMarker3D(at: frame.robotPose.position, Self.robotColor, proj: proj, camera: camera, origin: (ox, oy), into: &canvas)
    }

    /// The followed robot's marker colour (the other vehicles use `ViewerVehicle.markerColor`).
    static let robotColor = ViewerColor(240, 120, 20)

    /// A vehicle marker in the main view at world `position`: a white disc sized by distance with
    /// a `color` centre; nothing within 0.3 m of the camera (first person) or behind it.
    func drawMarker3D(at position: Vec3, _ color: ViewerColor, proj: PinholeProjection, camera: ViewCamera,
                      origin: (x: Double, y: Double), into canvas: inout Canvas) {
        let d = (position - camera.pose.position).length
        guard d > 0.3, let p = proj.project(world: position, cameraPose: camera.pose) else { return }
        let rad = Swift.max(3, Swift.min(14, proj.fx * 0.1 / d))
        canvas.fillCircle(p.x + origin.x, p.y + origin.y, radius: rad, ViewerColor(250, 250, 250, 220))
        canvas.fillCircle(p.x + origin.x, p.y + origin.y, radius: rad * 0.5, color)
    }

    /// A vehicle on the map at `pose`: a heading line of `length` px and `thickness`, a white
    /// disc and a `color` centre.
    func drawMapMarker(_ pose: Pose, _ color: ViewerColor, length: Double, thickness: Int, _ t: MapTransform,
                       into canvas: inout Canvas) {
        let p = t.pixel(pose.position), yaw = pose.orientation.yaw
        canvas.drawLine(p.x, p.y, p.x + cos(yaw) * length, p.y - sin(yaw) * length, .white, thickness: thickness)
        canvas.fillCircle(p.x, p.y, radius: 4, .white)
        canvas.fillCircle(p.x, p.y, radius: 2.5, color)
    }

    // MARK: map

    func drawMap(_ frame: ViewerFrame, into canvas: inout Canvas) {
        let box = layout.map
        canvas.drawPanel(box, background: ViewerColor(15, 20, 28, 200))
        let t = mapTransform(for: frame)
        canvas.clip = box.inset(by: 1)
        defer { canvas.clip = canvas.bounds }
        // 1 m grid, heavier every 5 m
        let half = t.side / 2
        let g0x = Int((t.center.x - half).rounded(.down)), g1x = Int((t.center.x + half).rounded(.up))
        let g0y = Int((t.center.y - half).rounded(.down)), g1y = Int((t.center.y + half).rounded(.up))
        if t.scale >= 4 {
            for gx in g0x...g1x {
                let a = t.pixel(SIMD2(Double(gx), t.center.y - half)), b = t.pixel(SIMD2(Double(gx), t.center.y + half))
                canvas.drawLine(a.x, a.y, b.x, b.y, ViewerColor(255, 255, 255, gx % 5 == 0 ? 40 : 16))
            }
            for gy in g0y...g1y {
                let a = t.pixel(SIMD2(t.center.x - half, Double(gy))), b = t.pixel(SIMD2(t.center.x + half, Double(gy)))
                canvas.drawLine(a.x, a.y, b.x, b.y, ViewerColor(255, 255, 255, gy % 5 == 0 ? 40 : 16))
            }
        }
        // obstacles
        for ob in frame.obstacles {
            switch ob {
            case let .circle(center, radius):
                let p = t.pixel(center)
                canvas.fillCircle(p.x, p.y, radius: Swift.max(1.5, radius * t.scale), .obstacle)
            case let .rect(lo, hi):
                let a = t.pixel(SIMD2(lo.x, hi.y)), b = t.pixel(SIMD2(hi.x, lo.y))
                let x0 = Int(a.x.rounded()), y0 = Int(a.y.rounded())
                canvas.fillRect(ViewerRect(x: x0, y: y0, width: Swift.max(1, Int(b.x.rounded()) - x0),
                                           height: Swift.max(1, Int(b.y.rounded()) - y0)), .obstacle)
            }
        }
        // trail
        if frame.trail.count >= 2 {
            canvas.drawPolyline(frame.trail.lazy.map { t.pixel($0) }, ViewerColor(0, 220, 255, 220))
        }
        // goal
        if let goal = frame.goal {
            let g = t.pixel(goal)
            canvas.strokeCircle(g.x, g.y, radius: Swift.max(4, frame.goalRadius * t.scale), .goal)
            canvas.drawLine(g.x - 5, g.y, g.x + 5, g.y, .goal, thickness: 2)
            canvas.drawLine(g.x, g.y - 5, g.x, g.y + 5, .goal, thickness: 2)
        }
        // candidates: rejected underneath in grey, chosen last and thicker
        for i in CandidatePath.drawOrder(frame.candidates) {
            let c = frame.candidates[i]
            let thickness = c.isChosen ? 2 : 1
            if c.pointProbabilities == nil || c.isRejected {
                let color = c.isRejected || c.isChosen ? c.style.color : c.style.color.withAlpha(200)
                canvas.drawPolyline(c.points.lazy.map { t.pixel($0) }, color, thickness: thickness)
                continue
            }
            for k in 0..<Swift.max(0, c.points.count - 1) {
                let a = t.pixel(c.points[k]), b = t.pixel(c.points[k + 1])
                canvas.drawLine(a.x, a.y, b.x, b.y, c.segmentColor(k), thickness: thickness)
            }
            for (k, p) in c.points.enumerated().dropFirst() {
                let q = t.pixel(p)
                canvas.fillCircle(q.x, q.y, radius: 2.5, c.segmentColor(k - 1).withAlpha(255))
            }
        }
        // other vehicles: trails, then markers with heading
        for v in frame.vehicles where v.trail.count >= 2 {
            canvas.drawPolyline(v.trail.lazy.map { t.pixel($0) }, ViewerVehicle.trailColor)
        }
        for v in frame.vehicles {
            drawMapMarker(v.pose, v.markerColor, length: Swift.max(6, 0.4 * t.scale), thickness: 1, t, into: &canvas)
        }
        // robot with heading
        drawMapMarker(frame.robotPose, Self.robotColor, length: Swift.max(8, 0.5 * t.scale), thickness: 2, t, into: &canvas)
        canvas.clip = canvas.bounds
        canvas.drawShadowedText(String(format: "MAP %.0f m", t.side), x: box.x + 4, y: box.maxY - 11)
    }

    // MARK: insets

    func drawInsets(_ frame: ViewerFrame, into canvas: inout Canvas) {
        if let mono = frame.monocular {
            let r = layout.monocularInset
            canvas.drawImage(mono, in: r)
            canvas.strokeRect(r.inset(by: -1), ViewerColor(255, 255, 255, 120))
            canvas.drawShadowedText("CAMERA", x: r.x + 3, y: r.y + 3)
        }
        if let depth = frame.depth {
            let r = layout.depthInset
            canvas.drawDepth(depth, in: r, near: frame.depthRange.lowerBound, far: frame.depthRange.upperBound)
            canvas.strokeRect(r.inset(by: -1), ViewerColor(255, 255, 255, 120))
            canvas.drawShadowedText(String(format: "DEPTH %.0f-%.0f m", frame.depthRange.lowerBound,
                                           frame.depthRange.upperBound), x: r.x + 3, y: r.y + 3)
        }
    }

    // MARK: HUD

    /// The HUD's text lines (exposed for tests).
    public static func hudLines(_ frame: ViewerFrame, overlay: ViewerOverlayState) -> [String] {
        let pilot: String
        switch overlay.mode {
        case .fly: pilot = overlay.autopilot ? "AUTO: \(frame.modeLabel)" : "MANUAL\(overlay.gamepadConnected ? " (pad)" : "")"
        case .replay: pilot = "REPLAY: \(frame.modeLabel)"
        }
        // the measured display rate; none exists before two frames (e.g. one frame composed
        // after a headless run), which then says so or shows the caller's rate instead
        let rate = frame.rateLabel ?? (overlay.fps > 0 ? String(format: "FPS %.0f", overlay.fps) : "FPS --")
        return [
            String(format: "SPEED %6.2f m/s", frame.speed),
            String(format: "ALT   %6.2f m", frame.altitude),
            String(format: "YAW   %6.1f deg/s", frame.yawRate * 180 / .pi),
            pilot,
            "COLLISIONS \(frame.collisions)",
            String(format: "SIM x%g  T %.1f s", overlay.simSpeed.factor, frame.simTime),
            "\(rate)  CAM \(overlay.cameraMode.rawValue)",
            "F1 help",
        ] + frame.hudExtra.map(\.text)
    }

    /// The HUD panel for `lineCount` lines, `longest` characters at most: the layout's panel,
    /// taller for extra lines and wider for long ones (up to the map's left edge).
    public func hudRect(lineCount: Int, longest: Int) -> ViewerRect {
        let r = layout.hud, s = layout.textScale
        let height = Swift.max(r.height, lineCount * BitmapFont.lineHeight * s + 10)
        let width = Swift.min(Swift.max(r.width, longest * BitmapFont.advance * s + 12), Swift.max(r.width, layout.map.x - 2 * r.x))
        return ViewerRect(x: r.x, y: r.y, width: width, height: height)
    }

    func drawHUD(_ frame: ViewerFrame, overlay: ViewerOverlayState, into canvas: inout Canvas) {
        let lines = ViewerComposer.hudLines(frame, overlay: overlay)
        let r = hudRect(lineCount: lines.count, longest: lines.map(\.count).max() ?? 0)
        canvas.drawPanel(r)
        let s = layout.textScale
        let base = lines.count - frame.hudExtra.count
        canvas.clip = r
        defer { canvas.clip = canvas.bounds }
        for (i, line) in lines.enumerated() {
            let alert = (i == 4 && frame.collisions > 0) || (i >= base && frame.hudExtra[i - base].isAlert)
            canvas.drawText(line, x: r.x + 6, y: r.y + 6 + i * BitmapFont.lineHeight * s, color: alert ? .alert : .white, scale: s)
        }
    }

    // MARK: timeline

    func drawTimeline(_ head: Playhead, into canvas: inout Canvas) {
        let r = layout.timeline
        canvas.drawPanel(r)
        let label = String(format: "%@ %6.2f/%.2f s x%g", head.isPlaying ? ">" : "||", head.time - head.startTime,
                           head.duration, head.speed)
        canvas.drawText(label, x: r.x + 6, y: r.y + 8, color: .white)
        let bar = layout.timelineBar
        canvas.fillRect(bar, ViewerColor(255, 255, 255, 50))
        let filled = Int((head.fraction * Double(bar.width)).rounded())
        canvas.fillRect(ViewerRect(x: bar.x, y: bar.y, width: filled, height: bar.height), ViewerColor(80, 170, 255))
        let kx = bar.x + Swift.min(filled, bar.width - 1)
        canvas.fillRect(ViewerRect(x: kx - 2, y: bar.y - 4, width: 5, height: bar.height + 8), .white)
    }

    // MARK: help

    /// The help overlay's lines for `mode`; `extra` (a fly mode's own keys) goes after the mode's
    /// controls, before the keys every mode shares.
    public static func helpLines(_ mode: ViewerMode, extra: [String] = []) -> [String] {
        let common = ["Tab        camera: chase/orbit/first", "drag, IJKL orbit camera, wheel zoom", "C          screenshot",
                      "F1         this help", "Esc, Q     quit"]
        switch mode {
        case .fly:
            return ["CONTROLS", "W/S, Up/Dn forward / back", "A/D        left / right", "Left/Right yaw",
                    "Space/Shft climb / descend", "P          autopilot on/off", "R          reset",
                    "N          next world", "[ ]        simulation speed", "pad        sticks fly"] + extra + common
        case .replay:
            return ["REPLAY", "Space      play / pause", "Left/Right step one frame", "Home/End   start / end",
                    "+/- or [ ] playback speed", "click bar  scrub"] + extra + common
        }
    }

    func drawHelp(_ mode: ViewerMode, extra: [String], into canvas: inout Canvas) {
        let lines = ViewerComposer.helpLines(mode, extra: extra)
        // the layout's panel fits 16 lines; grow it about its centre for more, within the window
        var r = layout.help
        let s = layout.textScale
        let needed = lines.count * BitmapFont.lineHeight * s + 20
        if needed > r.height {
            let grown = Swift.min(needed, Swift.max(r.height, canvas.bounds.height - 8))
            r = ViewerRect(x: r.x, y: Swift.max(0, r.y + (r.height - grown) / 2), width: r.width, height: grown)
        }
        canvas.drawPanel(r, background: ViewerColor(5, 8, 12, 215))
        canvas.clip = r
        defer { canvas.clip = canvas.bounds }
        for (i, line) in lines.enumerated() {
            canvas.drawText(line, x: r.x + 12, y: r.y + 10 + i * BitmapFont.lineHeight * s,
                            color: i == 0 ? ViewerColor(120, 200, 255) : .white, scale: s)
        }
    }
}
