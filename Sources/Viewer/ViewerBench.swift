import Diagnostics
import Foundation
import Geometry

/// `swiftlet bench viewer`: frames per second of compositing a busy 960x540 frame (3D view
/// blit, map with 150 obstacles, trail, 16 candidate paths in map and 3D, camera insets, HUD,
/// help), of the 3D view's RGB blit alone, and of compose + upload + present through SDL's
/// dummy driver.
public enum ViewerBench {
    public static let suite = BenchSuite(name: "viewer", summary: "viewer canvas compositing at 960x540") { opts in
        let seconds = 2.0 * opts.timeScale
        let frame = sampleFrame()
        var composer = ViewerComposer(width: 960, height: 540)
        var canvas = Canvas(width: 960, height: 540)
        var rig = CameraRig()
        let camera = rig.update(robot: frame.robotPose, dt: 1.0 / 60)
        let overlay = ViewerOverlayState(fps: 60)
        let fps = Stopwatch.rate(seconds: seconds, batch: 1) {
            composer.compose(frame, camera: camera, overlay: overlay, into: &canvas)
        }
        var records = [BenchRecord(suite: "viewer", metric: "compose_960x540", value: fps, unit: "frames/s",
                                   extra: ["obstacles": "150", "candidates": "16"])]
        var horizon = frame
        horizon.view = .horizon
        let fpsHorizon = Stopwatch.rate(seconds: seconds, batch: 1) {
            composer.compose(horizon, camera: camera, overlay: overlay, into: &canvas)
        }
        records.append(BenchRecord(suite: "viewer", metric: "compose_horizon_960x540", value: fpsHorizon, unit: "frames/s"))
        let filtered = filterFrame(frame)
        let fpsFilter = Stopwatch.rate(seconds: seconds, batch: 1) {
            composer.compose(filtered, camera: camera, overlay: overlay, into: &canvas)
        }
        records.append(BenchRecord(suite: "viewer", metric: "compose_filter_960x540", value: fpsFilter, unit: "frames/s",
                                   extra: ["candidates": "\(filtered.candidates.count)", "hud_extra": "\(filtered.hudExtra.count)"]))
        // the 3D view's unscaled RGB-to-ARGB blit alone, per CPU-second of this thread (what
        // `Canvas.packRGB` costs whatever the host's load)
        var rng = RNG(seed: 3)
        let view = RGBImage(width: 960, height: 540, pixels: (0..<(960 * 540 * 3)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        let blit = Stopwatch.rates(seconds: seconds / 2) { canvas.drawImage(view, in: canvas.bounds) }
        records.append(BenchRecord(suite: "viewer", metric: "blit_rgb_960x540_cpu", value: blit.perCPUSecond,
                                   unit: "blits/cpu-s", extra: ["blits": "\(blit.calls)"]))
        // through SDL (dummy driver) when on the main thread, where the window may live
        if Thread.isMainThread {
            let windowFPS: Double? = MainActor.assumeIsolated {
                guard case let .success(w) = SDLWindow.open(title: "bench", width: 960, height: 540, driver: "dummy",
                                                            gamepad: false) else { return nil }
                defer { w.close() }
                return Stopwatch.rate(seconds: seconds, batch: 1) {
                    composer.compose(frame, camera: camera, overlay: overlay, into: &canvas)
                    w.present(canvas)
                }
            }
            if let windowFPS {
                records.append(BenchRecord(suite: "viewer", metric: "compose_present_dummy_960x540", value: windowFPS,
                                           unit: "frames/s"))
            }
        }
        return records
    }

    /// `frame` with the method overlays of `fly --ldm` / `fly --hint`: 64 safety-filter
    /// candidates of 10 steps (every other one rejected, grey), an executed one, a per-step
    /// coloured 8-step plan, a goal and four extra HUD lines. Deterministic.
    public static func filterFrame(_ frame: ViewerFrame) -> ViewerFrame {
        var f = frame
        let here = frame.robotPose.position
        var candidates = (0..<64).map { k in
            let yaw = Double(k) * 0.098
            let pts = (0...10).map { j in here + Vec3(cos(yaw), sin(yaw), 0) * (Double(j * j) * 0.04) }
            return CandidatePath(points: pts, collisionProbability: Double(k % 8) / 16, isRejected: k % 2 == 1)
        }
        candidates[0].isChosen = true
        let plan = (0...8).map { j in here + Vec3(Double(j) * 0.12, Double(j * j) * 0.01, 0) }
        candidates.append(CandidatePath(points: plan, collisionProbability: 0.8, isChosen: true,
                                        pointProbabilities: (0...8).map { Double($0) / 10 }))
        f.candidates = candidates
        f.goal = here + Vec3(6, 1, 0)
        f.goalRadius = 0.75
        f.hudExtra = [HUDLine("ldm p5  G 3.12 <= 4.05  admitted 611/1024"), HUDLine("DATA |v| 1.14/1.0 m/s  tilt 8/15 deg", isAlert: true),
                      HUDLine("log p 0.9 >= -0.1"), HUDLine("STEP 20/30  OOD 0  FALLBACK 17  GOAL 5%")]
        return f
    }

    /// A busy synthetic frame: a sky/ground 3D view, a forest of 150 trees, a 600-point trail,
    /// 16 candidate paths, 160x120 camera insets. Deterministic.
    public static func sampleFrame() -> ViewerFrame {
        var rng = RNG(seed: 7)
        let obstacles: [MapObstacle] = (0..<150).map { _ in
            .circle(center: SIMD2(rng.uniform(-20, 20), rng.uniform(-20, 20)), radius: rng.uniform(0.15, 0.5))
        }
        let trail = (0..<600).map { i in
            let t = Double(i) * 0.02
            return Vec3(-8 + t * 0.7, sin(t * 0.5) * 2, 1 + 0.1 * sin(t))
        }
        let here = trail.last!
        let candidates = (0..<16).map { k in
            let yaw = (Double(k) - 7.5) * 0.08
            let pts = (0...20).map { j in here + Vec3(cos(yaw), sin(yaw), 0) * (Double(j) * 0.15) }
            return CandidatePath(points: pts, collisionProbability: Double(k) / 15, isChosen: k == 6)
        }
        var view = RGBImage(width: 960, height: 540, color: .sky)
        for y in 270..<540 {
            for x in 0..<960 {
                let i = 3 * (y * 960 + x)
                view.pixels[i] = ViewerColor.ground.r
                view.pixels[i + 1] = ViewerColor.ground.g
                view.pixels[i + 2] = ViewerColor.ground.b
            }
        }
        var mono = GrayImage(width: 160, height: 120)
        var depth = DepthImage(width: 160, height: 120, metres: [Float](repeating: 0, count: 160 * 120))
        for i in 0..<(160 * 120) {
            let x = i % 160, y = i / 160
            mono.pixels[i] = UInt8((x + y) % 256)
            depth.metres[i] = Float(x) / 16 + 0.2
        }
        return ViewerFrame(simTime: 12, robotPose: Pose(position: here, orientation: Quaternion(roll: 0, pitch: 0, yaw: 0.2)),
                           speed: 1.4, altitude: here.z, yawRate: 0.1, modeLabel: "privileged planner", collisions: 1,
                           trail: trail, obstacles: obstacles, candidates: candidates, monocular: mono, depth: depth,
                           view: .image(view), status: "forest-01 seed 7")
    }
}
