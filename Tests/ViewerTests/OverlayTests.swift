import Geometry
import TestSupport
import Testing
@testable import Viewer

/// Method overlays: rejected (greyed) candidates, per-step coloured plans, the goal marker and
/// the extra HUD lines.
@Suite struct OverlayTests {
    @Test func candidateStylesAndDrawOrder() {
        let rejected = CandidatePath(points: [], collisionProbability: 0, isRejected: true)
        let admitted = CandidatePath(points: [], collisionProbability: 0)
        let chosen = CandidatePath(points: [], collisionProbability: 1, isChosen: true)
        #expect(rejected.style.color == .rejected && rejected.style.thickness == 1)
        #expect(admitted.style.color == ViewerColor.riskLow.withAlpha(170) && admitted.style.thickness == 1)
        #expect(chosen.style.color == .riskHigh && chosen.style.thickness == 3)
        // rejected underneath, chosen on top, whatever the input order
        #expect(CandidatePath.drawOrder([chosen, admitted, rejected, admitted]) == [2, 1, 3, 0])
        // a chosen path that is also marked rejected is still drawn last
        var odd = chosen
        odd.isRejected = true
        #expect(CandidatePath.drawOrder([odd, rejected]) == [1, 0])
        // backward-compatible init: not rejected, no per-point probabilities
        let old = CandidatePath(points: [Vec3(0, 0, 0)], collisionProbability: 0.3, isChosen: true)
        #expect(!old.isRejected && old.pointProbabilities == nil)
    }

    @Test func segmentColoursFollowThePerStepProbabilities() {
        let pts = [Vec3(0, 0, 0), Vec3(1, 0, 0), Vec3(2, 0, 0)]
        let plan = CandidatePath(points: pts, collisionProbability: 1, isChosen: true, pointProbabilities: [0, 0, 1])
        #expect(plan.segmentColor(0) == .riskLow, "segment 0 -> 1 takes point 1's probability 0")
        #expect(plan.segmentColor(1) == .riskHigh)
        // without per-point values every segment has the path colour; rejected stay grey
        let flat = CandidatePath(points: pts, collisionProbability: 0.5)
        #expect(flat.segmentColor(0) == ViewerColor.riskMid.withAlpha(170))
        let grey = CandidatePath(points: pts, collisionProbability: 0, isRejected: true, pointProbabilities: [0, 1, 1])
        #expect(grey.segmentColor(1) == .rejected)
    }

    /// A 640x360 frame with a black main view, a fixed 12 m map centred at the origin.
    func frame(_ candidates: [CandidatePath], goal: Vec3? = nil) -> ViewerFrame {
        ViewerFrame(robotPose: Pose(position: Vec3(0, 0, 1)), candidates: candidates,
                    view: .image(RGBImage(width: 4, height: 4, color: .black)), mapRegion: (SIMD2(0, 0), 12), goal: goal)
    }

    func compose(_ f: ViewerFrame) -> (Canvas, MapTransform) {
        var composer = ViewerComposer(width: 640, height: 360)
        var canvas = Canvas(width: 640, height: 360)
        composer.compose(f, camera: CameraRig.firstPersonCamera(robot: f.robotPose, fov: 1.4), overlay: ViewerOverlayState(), into: &canvas)
        return (canvas, composer.mapTransform(for: f))
    }

    @Test func rejectedCandidatesAreGreyOnTheMapAndUnderTheOthers() {
        // a rejected path west and a rejected path north; an admitted (green) path also north
        let west = CandidatePath(points: [Vec3(0, 0, 1), Vec3(-5, 0, 1)], collisionProbability: 0, isRejected: true)
        let northRejected = CandidatePath(points: [Vec3(0, 0, 1), Vec3(0, 5, 1)], collisionProbability: 1, isRejected: true)
        let northAdmitted = CandidatePath(points: [Vec3(0, 0, 1), Vec3(0, 5, 1)], collisionProbability: 0)
        let (canvas, t) = compose(frame([northAdmitted, west, northRejected]))
        let w = t.pixel(SIMD2(-3, 0)), n = t.pixel(SIMD2(0, 3))
        let wc = canvas.pixel(Int(w.x), Int(w.y)), nc = canvas.pixel(Int(n.x), Int(n.y))
        // grey (over the bluish map background): near-equal channels, brighter than the background
        let spread = Int(max(wc.r, wc.g, wc.b)) - Int(min(wc.r, wc.g, wc.b))
        #expect(spread < 12 && wc.r > 60, "rejected path grey, got \(wc)")
        // the admitted path is drawn over the rejected one although it came first
        #expect(nc.g > 120 && nc.r < 100, "admitted path on top and green, got \(nc)")
    }

    @Test func goalMarkerOnTheMap() {
        let (canvas, t) = compose(frame([], goal: Vec3(3, -2, 0)))
        let g = t.pixel(SIMD2(3, -2))
        let c = canvas.pixel(Int(g.x), Int(g.y))
        #expect(c == ViewerColor.goal, "goal cross at its map pixel, got \(c)")
        let (plain, _) = compose(frame([]))
        #expect(plain.pixel(Int(g.x), Int(g.y)) != ViewerColor.goal)
    }

    @Test func perStepPlanDotsAreColouredByProbability() {
        // a plan north: first step clear, second step predicted collision
        let plan = CandidatePath(points: [Vec3(0, 0, 1), Vec3(0, 2, 1), Vec3(0, 4, 1)], collisionProbability: 1, isChosen: true,
                                 pointProbabilities: [0, 0, 1])
        let (canvas, t) = compose(frame([plan]))
        let a = t.pixel(SIMD2(0, 2)), b = t.pixel(SIMD2(0, 4))
        let ac = canvas.pixel(Int(a.x), Int(a.y)), bc = canvas.pixel(Int(b.x), Int(b.y))
        #expect(ac == .riskLow, "step 1 dot green, got \(ac)")
        #expect(bc == .riskHigh, "step 2 dot red, got \(bc)")
    }

    @Test func hudExtraLinesAndRate() {
        var f = ViewerFrame(modeLabel: "MPC")
        f.hudExtra = [HUDLine("ldm p5  G 3.12 <= 4.05  admitted 611/1024"), HUDLine("log p -9.0 < -7.0  OOD", isAlert: true)]
        let overlay = ViewerOverlayState(fps: 0)
        let lines = ViewerComposer.hudLines(f, overlay: overlay)
        #expect(lines.suffix(2) == ["ldm p5  G 3.12 <= 4.05  admitted 611/1024", "log p -9.0 < -7.0  OOD"])
        // no measured rate yet: say so instead of "FPS 0"
        #expect(lines.contains { $0.hasPrefix("FPS --") })
        #expect(!lines.contains { $0.contains("FPS 0") })
        f.rateLabel = "TICKS/S 180 (headless)"
        #expect(ViewerComposer.hudLines(f, overlay: overlay).contains { $0.hasPrefix("TICKS/S 180 (headless)") })
        #expect(ViewerComposer.hudLines(ViewerFrame(), overlay: ViewerOverlayState(fps: 42.4)).contains { $0.hasPrefix("FPS 42") })
        // the panel grows to hold the extra lines and the longest one, up to the map
        let composer = ViewerComposer(width: 960, height: 540)
        let all = ViewerComposer.hudLines(f, overlay: overlay)
        let r = composer.hudRect(lineCount: all.count, longest: all.map(\.count).max()!)
        let s = composer.layout.textScale
        #expect(r.height >= all.count * BitmapFont.lineHeight * s + 10 && r.height > composer.layout.hud.height)
        for l in all { #expect(BitmapFont.width(of: l, scale: s) + 12 <= r.width, "\(l)") }
        #expect(r.maxX <= composer.layout.map.x)
        #expect(composer.hudRect(lineCount: 8, longest: 10) == composer.layout.hud, "standard lines: the standard panel")
    }

    @Test func alertLinesAreDrawnInTheAlertColour() {
        var f = ViewerFrame(view: .image(RGBImage(width: 4, height: 4, color: .black)))
        f.hudExtra = [HUDLine("MMMMMMMMMM", isAlert: true), HUDLine("MMMMMMMMMM")]
        var composer = ViewerComposer(width: 640, height: 360)
        var canvas = Canvas(width: 640, height: 360)
        composer.compose(f, camera: CameraRig.firstPersonCamera(robot: f.robotPose, fov: 1.4), overlay: ViewerOverlayState(), into: &canvas)
        let r = composer.layout.hud, s = composer.layout.textScale
        func colours(line i: Int) -> Set<ViewerColor> {
            var set = Set<ViewerColor>()
            let y0 = r.y + 6 + i * BitmapFont.lineHeight * s
            for y in y0..<(y0 + BitmapFont.glyphHeight * s) {
                for x in (r.x + 6)..<(r.x + 6 + 10 * BitmapFont.advance * s) { set.insert(canvas.pixel(x, y)) }
            }
            return set
        }
        #expect(colours(line: 8).contains(.alert))
        #expect(!colours(line: 9).contains(.alert) && colours(line: 9).contains(.white))
    }
}
