import Diagnostics
import Foundation
import Geometry
import Recording
import Runtime
import Testing
import TestSupport
import Viewer
import Rendering
import World
@testable import App

/// The fly loop end to end: pilot input, the dummy-driver window, the headless demo.
@Suite(.serialized) struct FlyAppTests {
    @Test func pilotInputMovesTheSimulatedRobot() throws {
        var config = FlyConfig()
        config.worlds = ["Worlds/forest-7.json"]
        var sim = try FlySimulation(config: config, viewSize: nil)
        let start = sim.env.state.observation.robot
        // hover: stays put
        try sim.advance(by: 1.0, pilot: .hover, autopilot: false)
        let hover = sim.env.state.observation.robot
        #expect((hover.position - start.position).length < 0.05)
        // forward at 0.8 m/s for 2 s: moves along the heading, not sideways
        try sim.advance(by: 2.0, pilot: PilotInput(forward: 0.8), autopilot: false)
        let moved = sim.env.state.observation.robot
        let d = moved.position - hover.position
        let heading = Vec3(cos(start.yaw), sin(start.yaw), 0)
        let left = Vec3(-sin(start.yaw), cos(start.yaw), 0)
        #expect(d.dot(heading) > 0.8)
        #expect(abs(d.dot(left)) < 0.2)
        // yaw input turns it
        try sim.advance(by: 1.0, pilot: PilotInput(yawRate: 1.0), autopilot: false)
        #expect(wrapAngle(sim.env.state.observation.robot.yaw - moved.yaw) > 0.5)
        // climb input raises it
        let before = sim.env.state.observation.robot.position.z
        try sim.advance(by: 1.0, pilot: PilotInput(climbRate: 0.5), autopilot: false)
        #expect(sim.env.state.observation.robot.position.z - before > 0.25)
    }

    @Test func prefetchingTheAutopilotChangesNothing() throws {
        func run(prefetch: Bool) throws -> [Pose] {
            var config = FlyConfig()
            config.worlds = ["Worlds/forest-7.json"]
            var sim = try FlySimulation(config: config, viewSize: nil)
            sim.prefetch = prefetch
            var poses: [Pose] = []
            for _ in 0..<90 {
                try sim.advance(by: 1.0 / 60, pilot: nil, autopilot: true)
                poses.append(sim.env.state.observation.robot.pose)
            }
            return poses
        }
        let a = try run(prefetch: true), b = try run(prefetch: false)
        #expect(a == b)
        #expect(a.last!.position != a.first!.position)
    }

    @Test func shownPoseInterpolatesBetweenTicks() throws {
        var config = FlyConfig()
        config.worlds = ["Worlds/forest-7.json"]
        config.policy = "straight"
        var sim = try FlySimulation(config: config, viewSize: nil)
        try sim.advance(by: 1.0 / 60, pilot: nil, autopilot: true)
        // one tick ran (the env is at 0.25 s) but the frame shows 1/60 s
        #expect(abs(sim.env.state.observation.robot.time - 0.25) < 1e-9)
        let f = sim.frame()
        #expect(abs(f.simTime - 1.0 / 60) < 1e-12)
        let p0 = sim.previous.position, p1 = sim.env.state.observation.robot.position
        let span = sim.env.state.observation.robot.time - sim.previous.time
        let expected = p0 + (1.0 / 60 / span) * (p1 - p0)
        #expect((f.robotPose.position - expected).length < 1e-9)
    }

    /// A world with one tall red box straight ahead of the spawn.
    static func boxWorld(_ path: String) throws {
        let materials = [Material(name: "ground", albedo: SIMD3(0.35, 0.45, 0.25)),
                         Material(name: "red", albedo: SIMD3(0.9, 0.1, 0.1))]
        let scene = Scene(name: "box-ahead", groundMaterial: 0, materials: materials,
                          obstacles: [Obstacle(.box(Box(center: Vec3(4, 0, 0.6), halfExtents: Vec3(0.3, 0.6, 0.6))), material: 1)],
                          spawns: [Spawn(position: .zero, yaw: 0)], goals: [],
                          boundsMin: Vec3(-20, -20, 0), boundsMax: Vec3(20, 20, 5))
        try SceneWriter.json(scene).write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Flying straight from the spawn of `boxWorld` (written into `dir`), heading fixed.
    static func boxFlight(_ dir: TempDir) throws -> FlyConfig {
        try boxWorld(dir.file("box.json"))
        var config = FlyConfig()
        config.worlds = [dir.file("box.json")]
        config.policy = "straight"
        config.env.spawnYawJitter = 0
        return config
    }

    @MainActor @Test func dummyWindowScreenshotShowsSkyGroundAndTheBox() throws {
        let dir = TempDir("app-fly")
        defer { dir.remove() }
        let config = try Self.boxFlight(dir)
        let options = ViewerOptions.dummyWindow(width: 960, height: 540, frames: 4)
        let shot = dir.file("shot.png")
        let outcome = try FlyApp.fly(config, options: options, screenshot: shot)
        #expect(outcome.report.usedWindow)
        #expect(outcome.report.frames == 4)
        let image = try #require(outcome.report.lastFrame)
        #expect(image.width == 960 && image.height == 540)
        let png = try #require(FileManager.default.contents(atPath: shot))
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        // sky at the top centre: blue dominates
        let sky = image.pixel(480, 20)
        #expect(Int(sky.b) > Int(sky.r) + 20)
        // ground near the bottom, beside the status line: green-brown, not blue
        let ground = image.pixel(700, 470)
        #expect(Int(ground.g) > Int(ground.b))
        // the red box straight ahead, on the image's vertical centre line just below the horizon
        func isRed(_ c: ViewerColor) -> Bool { Int(c.r) > Int(c.g) + 30 && Int(c.r) > Int(c.b) + 30 }
        #expect(isRed(image.pixel(480, 170)))
        // and not beside it or below it: 4 m ahead and 1.2 m wide and tall
        #expect(!isRed(image.pixel(250, 170)))
        #expect(!isRed(image.pixel(480, 300)))
        // the map (top right) shows it as a red footprint right of the robot (+x is right)
        #expect(isRed(image.pixel(894, 121)))
    }

    /// `fly --camera top` starts on the orbit camera nearly straight above the robot: every
    /// frame takes the renderer's fallback (the nadir in view) and the top of the view is ground,
    /// not sky; chase frames never take the fallback and see the sky.
    @MainActor @Test func topCameraStartsOnTheFallbackView() throws {
        let dir = TempDir("app-top")
        defer { dir.remove() }
        let config = try Self.boxFlight(dir)
        func run(_ camera: String) throws -> FlyApp.Outcome {
            var options = ViewerOptions.dummyWindow(width: 320, height: 180, frames: 3)
            options.camera = try ViewerCameraChoice.named(camera)
            return try FlyApp.fly(config, options: options)
        }
        let top = try run("top"), chase = try run("chase")
        #expect(top.report.frames == 3 && top.tiltedFrames == 3 && top.fallbackFrames == 3 && top.levelFrames == 0)
        #expect(chase.fallbackFrames == 0 && chase.levelFrames == 3)
        // looking down: no sky anywhere in the top row, unlike the chase view
        let shot = try #require(top.report.lastFrame), behind = try #require(chase.report.lastFrame)
        func isSky(_ c: ViewerColor) -> Bool { Int(c.b) > Int(c.r) + 20 }
        #expect(!isSky(shot.pixel(160, 6)))
        #expect(isSky(behind.pixel(160, 6)))
    }

    @Test func cameraNamesAndTheirErrors() throws {
        #expect(try ViewerCameraChoice.named("chase") == ViewerCameraChoice(mode: .chase))
        #expect(try ViewerCameraChoice.named("first-person").mode == .firstPerson)
        let top = try ViewerCameraChoice.named("top")
        #expect(top.mode == .orbit && top.orbitPitch == CameraRig.maxOrbitPitch && top.orbitDistance == 12)
        #expect(ViewerCameraChoice.names.allSatisfy { (try? ViewerCameraChoice.named($0)) != nil })
        #expect(throws: InputError.self) { try ViewerCameraChoice.named("overhead") }
        do {
            _ = try ViewerCameraChoice.named("overhead")
        } catch {
            #expect("\(error)".contains("--camera") && "\(error)".contains("overhead") && "\(error)".contains("first-person"))
        }
    }

    @MainActor @Test func headlessDemoWritesAScreenshotAndAValidLog() throws {
        let dir = TempDir("app-demo")
        defer { dir.remove() }
        var config = FlyConfig()
        config.worlds = ["Worlds/forest-7.json"]
        let result = try FlyApp.headlessDemo(config, ticks: 8, outDir: dir.path)
        #expect(result.ticks == 8)
        #expect(result.distance > 0.5)
        let png = try #require(FileManager.default.contents(atPath: result.screenshot))
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(png.count > 960 * 540 * 3)
        let reader = try MCAPReader(path: result.log, validateCRCs: true)
        #expect(reader.isTerminated)
        let log = try EpisodeLog.load(reader)
        #expect(log.poses.count == 9 && log.commands.count == 8)
        #expect(try ReplayVerifier.verify(log, source: result.log).steps == 8)
    }

    @MainActor @Test func replayWindowPlaysALogUnderTheDummyDriver() throws {
        let dir = TempDir("app-replay")
        defer { dir.remove() }
        var config = FlyConfig()
        config.worlds = ["Worlds/forest-7.json"]
        config.policy = "straight"
        config.record = dir.file("ep.mcap")
        var sim = try FlySimulation(config: config, viewSize: nil)
        for _ in 0..<6 { try sim.tick(nil) }
        try sim.finish()
        let log = try EpisodeLog.load(path: dir.file("ep.mcap"))
        let options = ViewerOptions.dummyWindow(width: 960, height: 540, frames: 20)
        let report = try ReplayTool.window(log, path: dir.file("ep.mcap"), options: options)
        #expect(report.usedWindow && report.frames == 20)
        let image = try #require(report.lastFrame)
        // the timeline's progress bar (replay only) is drawn in the bottom strip
        var bar = 0
        for y in 500..<540 { for x in 0..<960 where image.pixel(x, y) == ViewerColor(80, 170, 255) { bar += 1 } }
        #expect(bar > 50)
    }

    @Test func nextWorldLoadsTheNextSpecAndStartsANewEpisode() throws {
        var config = FlyConfig()
        config.worlds = ["Worlds/forest-7.json", "hallway:3"]
        var sim = try FlySimulation(config: config, viewSize: nil)
        try sim.restart(nextWorld: true)
        #expect(sim.world == "hallway:3")
        #expect(sim.episodeIndex == 1 && sim.seed == 1)
        #expect(sim.env.model.scene.origin.family == "hallway")
        try sim.restart(nextWorld: true)
        #expect(sim.world == "Worlds/forest-7.json")
    }

    @Test func levelledCameraKeepsTheViewDirectionAtTheImageCentre() throws {
        let scene = try SceneLoader.resolve("forest:2")
        let view = ViewRenderer(scene: scene, width: 320, height: 180)
        let pose = Pose(position: Vec3(1, 2, 1.1), orientation: Quaternion(roll: 0, pitch: 0.26, yaw: 0.7))
        let pitched = ViewCamera(pose: pose)
        let level = view.levelled(pitched)
        #expect(Renderer.isLevel(level.pose))
        #expect(level.principalOffset.y < -20)   // looking down: horizon above the centre
        // a point straight along the pitched view axis lands on the image centre (within the rounding)
        let ahead = pose.transform(Vec3(5, 0, 0))
        let px = try #require(level.projection(width: 320, height: 180).project(world: ahead, cameraPose: level.pose))
        #expect(abs(px.x - 160) < 1e-9 && abs(px.y - 90) <= 0.5)
        // rolled or steep cameras are left alone
        let steep = ViewCamera(pose: Pose(position: .zero, orientation: Quaternion(roll: 0, pitch: 1.0, yaw: 0)))
        #expect(view.levelled(steep) == steep)
        let rolled = ViewCamera(pose: Pose(position: .zero, orientation: Quaternion(roll: 0.1, pitch: 0.1, yaw: 0)))
        #expect(view.levelled(rolled) == rolled)
    }

    @Test func levelViewIsTheKeptRowsOfTheTallerImageOnAnyThreadCount() throws {
        // the window path (only the kept rows, column blocks over threads) against the
        // definition: the whole level image 2k rows taller, rendered in one piece, then cropped
        let scene = try SceneLoader.resolve("forest:2")
        let w = 200, h = 112
        let one = ViewRenderer(scene: scene, width: w, height: h, threads: 1)
        let two = ViewRenderer(scene: scene, width: w, height: h, threads: 2)
        let three = ViewRenderer(scene: scene, width: w, height: h, threads: 3)
        var rng = RNG(seed: 5)
        var shifted = 0
        for k in 0..<8 {
            // looking down (chase) and up, up to the levelling limit; one level camera
            let pitch = k == 0 ? 0 : rng.uniform(-0.45, 0.45)
            let pose = Pose(position: Vec3(rng.uniform(-8, 8), rng.uniform(-8, 8), rng.uniform(0.5, 3)),
                            orientation: Quaternion(roll: 0, pitch: pitch, yaw: rng.uniform(-.pi, .pi)))
            let camera = one.levelled(ViewCamera(pose: pose))
            let shift = Int(camera.principalOffset.y.rounded()), k2 = 2 * abs(shift)
            if shift != 0 { shifted += 1 }
            let tall = CameraIntrinsics(width: w, height: h + k2, fovDegrees: degrees(camera.horizontalFOV), maxRange: one.maxRange)
            var full = [UInt8](repeating: 0, count: 3 * tall.pixelCount)
            var scratch = RenderScratch(renderer: one.renderer, camera: tall)
            var noise = RNG(seed: 0)
            one.renderer.render(camera: tall, pose: camera.pose, rng: &noise, depth: nil, gray: nil, rgb: &full, scratch: &scratch)
            let first = shift < 0 ? k2 : 0
            let expected = Array(full[(3 * w * first)..<(3 * w * (first + h))])
            for view in [one, two, three] {
                var image = RGBImage(width: 1, height: 1)
                view.render(ViewCamera(pose: pose), into: &image)
                #expect(image.width == w && image.height == h)
                #expect(image.pixels == expected, "pitch \(pitch), \(view.threads) thread(s)")
            }
        }
        #expect(shifted >= 6)
        #expect(one.levelFrames == 8 && two.levelFrames == 8 && one.tiltedFrames == 0)
    }

    @Test func logPathsNumberLaterEpisodes() {
        #expect(FlySimulation.logPath("a/b.mcap", episode: 0) == "a/b.mcap")
        #expect(FlySimulation.logPath("a/b.mcap", episode: 2) == "a/b-2.mcap")
        #expect(RecordingObserver.episodePath("x/run.mcap", "lane1-ep3") == "x/run-lane1-ep3.mcap")
    }
}
