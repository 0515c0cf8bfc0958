import Geometry
import TestSupport
import Testing
@testable import Viewer

@Suite struct MapAndComposerTests {
    @Test func mapTransformPlacesWorldPoints() {
        // 10 m square region centred at (5, 5) drawn into a 200 px square at (100, 50)
        let t = MapTransform(center: SIMD2(5, 5), side: 10, rect: ViewerRect(x: 100, y: 50, width: 200, height: 200))
        #expect(t.scale == 20)
        #expect(t.pixel(SIMD2(5, 5)) == SIMD2(200, 150))
        #expect(t.pixel(SIMD2(0, 0)) == SIMD2(100, 250), "world origin at the bottom-left corner")
        #expect(t.pixel(Vec3(10, 10, 3)) == SIMD2(300, 50), "+y is up, z ignored")
        #expect(t.pixel(SIMD2(7, 5)) == SIMD2(240, 150))
    }

    /// A frame with a fixed map region and one obstacle.
    func frame(obstacleAt p: SIMD2<Double>) -> ViewerFrame {
        ViewerFrame(robotPose: Pose(position: Vec3(0, 0, 1)), obstacles: [.circle(center: p, radius: 0.5)],
                    view: .image(RGBImage(width: 8, height: 8, color: .sky)), mapRegion: (SIMD2(0, 0), 20))
    }

    @Test func composedMapShowsObstacleAtExpectedPixel() {
        var composer = ViewerComposer(width: 960, height: 540)
        var canvas = Canvas(width: 960, height: 540)
        let f = frame(obstacleAt: SIMD2(5, -3))
        let cam = CameraRig.orbitCamera(target: .zero, yaw: 0, pitch: 0.3, distance: 5, fov: radians(80))
        composer.compose(f, camera: cam, overlay: ViewerOverlayState(), into: &canvas)
        let t = composer.mapTransform(for: f)
        let p = t.pixel(SIMD2(5, -3))
        #expect(canvas.layout(composer).map.contains(Int(p.x), Int(p.y)))
        #expect(canvas.pixel(Int(p.x), Int(p.y)) == .obstacle)
        // the mirrored position (no obstacle there) is map background, not obstacle red
        let q = t.pixel(SIMD2(-5, 3))
        #expect(canvas.pixel(Int(q.x), Int(q.y)) != .obstacle)
        // the provided 3D view shows where no overlay is (centre-bottom of the window)
        #expect(canvas.pixel(480, 300) == .sky)
    }

    @Test func helpOverlayListsAModesOwnKeysAndGrowsToFitThem() {
        let extra = ["CAMERA", ",  .       severity", "V          rung"]
        let base = ViewerComposer.helpLines(.fly), lines = ViewerComposer.helpLines(.fly, extra: extra)
        #expect(lines.count == base.count + 3)
        let sticks = try! #require(lines.firstIndex { $0.contains("sticks fly") })
        let f1 = try! #require(lines.firstIndex { $0.hasPrefix("F1") })
        #expect(Array(lines[(sticks + 1)..<(sticks + 4)]) == extra && f1 > sticks + 3)
        // the panel fits 16 lines; with 18 it reaches below its usual bottom edge
        var composer = ViewerComposer(width: 960, height: 540)
        let f = frame(obstacleAt: SIMD2(5, -3))
        let cam = CameraRig.orbitCamera(target: .zero, yaw: 0, pitch: 0.3, distance: 5, fov: radians(80))
        func belowPanel(_ extra: [String]) -> ViewerColor {
            var canvas = Canvas(width: 960, height: 540)
            var o = ViewerOverlayState(showHelp: true)
            o.extraHelp = extra
            composer.compose(f, camera: cam, overlay: o, into: &canvas)
            let help = canvas.layout(composer).help
            return canvas.pixel(help.x + help.width / 2, help.y + help.height + 4)
        }
        #expect(belowPanel([]) == .sky)
        #expect(belowPanel(extra) != .sky)
    }

    @Test func rectangleObstaclesAndCandidatesAreDrawn() {
        var composer = ViewerComposer(width: 640, height: 360)
        var canvas = Canvas(width: 640, height: 360)
        let safe = CandidatePath(points: [Vec3(0, 0, 1), Vec3(0, 4, 1)], collisionProbability: 0, isChosen: true)
        let risky = CandidatePath(points: [Vec3(0, 0, 1), Vec3(-4, 0, 1)], collisionProbability: 1)
        let f = ViewerFrame(robotPose: Pose(position: Vec3(0, 0, 1)), obstacles: [.rect(min: SIMD2(3, 3), max: SIMD2(5, 5))],
                            candidates: [safe, risky], view: .image(RGBImage(width: 4, height: 4, color: .black)),
                            mapRegion: (SIMD2(0, 0), 12))
        composer.compose(f, camera: CameraRig.firstPersonCamera(robot: f.robotPose, fov: 1.4),
                         overlay: ViewerOverlayState(), into: &canvas)
        let t = composer.mapTransform(for: f)
        let box = t.pixel(SIMD2(4, 4))
        #expect(canvas.pixel(Int(box.x), Int(box.y)) == .obstacle)
        let g = t.pixel(SIMD2(0, 3)), r = t.pixel(SIMD2(-3, 0))
        let gc = canvas.pixel(Int(g.x), Int(g.y)), rc = canvas.pixel(Int(r.x), Int(r.y))
        #expect(gc.g > 150 && gc.r < 100, "safe path green, got \(gc)")
        #expect(rc.r > 150 && rc.g < 100, "risky path red, got \(rc)")
    }

    @Test func rendererClosureFillsTheMainViewAtItsResolution() {
        var composer = ViewerComposer(width: 320, height: 180)
        var canvas = Canvas(width: 320, height: 180)
        let f = ViewerFrame(view: .render { _, img in
            // top half blue, bottom half green, at whatever size the viewer asks
            for y in 0..<img.height { for x in 0..<img.width {
                let i = 3 * (y * img.width + x)
                img.pixels[i] = 0; img.pixels[i + 1] = y < img.height / 2 ? 0 : 255; img.pixels[i + 2] = y < img.height / 2 ? 255 : 0
            } }
        })
        composer.compose(f, camera: ViewCamera(pose: Pose(position: Vec3(-50, 0, 0))), overlay: ViewerOverlayState(), into: &canvas)
        #expect(composer.viewBuffer.width == 320 && composer.viewBuffer.height == 180)
        #expect(canvas.pixel(200, 85) == .blue)
        #expect(canvas.pixel(200, 120) == .green)
    }

    @Test func horizonFallbackPutsSkyAboveGround() {
        var composer = ViewerComposer(width: 320, height: 180)
        var canvas = Canvas(width: 320, height: 180)
        let cam = ViewCamera(pose: Pose(position: Vec3(0, 0, 1)))
        composer.compose(ViewerFrame(robotPose: Pose(position: Vec3(0, 0, 1))), camera: cam,
                         overlay: ViewerOverlayState(), into: &canvas)
        // (210, y) lies between the HUD and the map
        #expect(canvas.pixel(210, 60) == .sky)
        #expect(canvas.pixel(210, 120) != .sky)
    }

    @Test func hudAndHelpTextMentionTheState() {
        let f = ViewerFrame(speed: 1.25, altitude: 0.8, yawRate: .pi / 2, modeLabel: "privileged planner", collisions: 3)
        var o = ViewerOverlayState(autopilot: true, simSpeed: SimSpeed(factor: 2), fps: 59.6)
        let lines = ViewerComposer.hudLines(f, overlay: o)
        #expect(lines.contains { $0.contains("1.25") && $0.contains("m/s") })
        #expect(lines.contains { $0.contains("0.80") })
        #expect(lines.contains { $0.contains("90.0") })
        #expect(lines.contains("AUTO: privileged planner"))
        #expect(lines.contains("COLLISIONS 3"))
        #expect(lines.contains { $0.contains("x2") })
        #expect(lines.contains { $0.contains("FPS 60") && $0.contains("chase") })
        o.autopilot = false
        #expect(ViewerComposer.hudLines(f, overlay: o).contains("MANUAL"))
        #expect(ViewerComposer.helpLines(.fly).contains { $0.contains("autopilot") })
        #expect(ViewerComposer.helpLines(.replay).contains { $0.contains("play / pause") })
        // every HUD line fits the HUD panel
        let layout = ViewerLayout(width: 960, height: 540)
        for l in lines { #expect(BitmapFont.width(of: l, scale: layout.textScale) + 12 <= layout.hud.width, "\(l)") }
    }

    @Test func timelineFractionFromClicks() {
        let layout = ViewerLayout(width: 960, height: 540)
        let bar = layout.timelineBar
        #expect(layout.timelineFraction(atX: bar.x) == 0)
        #expect(layout.timelineFraction(atX: bar.maxX - 1) == 1)
        #expect(layout.timelineFraction(atX: 0) == 0)
        #expect(abs(layout.timelineFraction(atX: bar.x + (bar.width - 1) / 2) - 0.5) < 0.01)
        #expect(layout.timeline.contains(bar.x, bar.y))
    }

    @Test func pacerFollowsSimulatedTime() {
        var p = FramePacer()
        #expect(p.delay(simTime: 0, factor: 1, now: 100) == 0)
        #expect(isClose(p.delay(simTime: 0.5, factor: 1, now: 100.1), 0.4, abs: 1e-9))
        // at 2x, half a simulated second is a quarter of a wall second
        #expect(p.delay(simTime: 0.5, factor: 2, now: 100.2) == 0, "factor change restarts")
        #expect(isClose(p.delay(simTime: 1.0, factor: 2, now: 100.2), 0.25, abs: 1e-9))
        // far behind: resynchronise instead of bursting
        #expect(p.delay(simTime: 1.1, factor: 2, now: 105) == 0)
        #expect(isClose(p.delay(simTime: 1.2, factor: 2, now: 105), 0.05, abs: 1e-9))
    }

    @Test func frameRateMeter() {
        var m = FrameRateMeter()
        #expect(m.fps == 0)
        for i in 0..<100 { m.tick(now: Double(i) / 50) }
        #expect(isClose(m.fps, 50, abs: 1e-9))
    }

    @Test func displayProbe() {
        #expect(DisplayStatus.probe(environment: [:]) != .available(driver: nil))
        if case .available = DisplayStatus.probe(environment: [:]) { Issue.record("no display expected") }
        #expect(DisplayStatus.probe(environment: ["DISPLAY": ":0"]) == .available(driver: nil))
        #expect(DisplayStatus.probe(environment: ["WAYLAND_DISPLAY": "wayland-0"]) == .available(driver: nil))
        #expect(DisplayStatus.probe(environment: ["SDL_VIDEODRIVER": "dummy"]) == .available(driver: "dummy"))
        #expect(DisplayStatus.isHeadlessDriver("offscreen") && !DisplayStatus.isHeadlessDriver("x11"))
    }
}

extension Canvas {
    /// The composer's layout (test convenience).
    func layout(_ c: ViewerComposer) -> ViewerLayout { c.layout }
}
