import Diagnostics
import Foundation
import Geometry
import Physics
import Rendering
import Runtime
import World

/// Gathers one platform's HInt data set in the given worlds.
///
/// Robots run in the Runtime `Env` (4 Hz control, single gray frame, the robot file's camera
/// mount; ground robots stop on contact, which ends the episode as a collision) under random
/// exploration: piecewise-constant yaw-rate commands, each held 1-4 steps, uniform in
/// +-`maxYawRateDegrees` (the env clamps to the same limit; the car's steering limit caps
/// it further). The hand-held camera walks smooth random paths: speed drawn per episode
/// (0.6-1.4 x `speed`), turn rate relaxing (0.3 s time constant) towards piecewise-constant
/// random targets; every tenth of a step a 0.15 m sphere around the camera is tested against
/// the world and the first contact ends the path, labelled as a collision.
///
/// Episode k resets with `RNG.mix(seed, k)` and draws its world from a stream of `seed`, so
/// the data set is a pure function of its arguments.
public enum HIntCollector {
    public static let controlRate = 4.0

    /// Collects about `steps` control steps (whole episodes) for `platform`.
    public static func collect(platform: HIntPlatform, settings: HIntPlatformSettings, scenes: [Scene],
                               robotsDirectory: String, steps: Int, episodeSteps: Int, seed: UInt64,
                               imageWidth: Int = 96, imageHeight: Int = 72, progress: Diagnostics.Progress? = nil) throws -> HIntDataset {
        precondition(!scenes.isEmpty && steps > 0 && episodeSteps > 0)
        var envSettings = EnvSettings()
        envSettings.controlRate = controlRate
        envSettings.frameStack = 1
        envSettings.imageWidth = imageWidth
        envSettings.imageHeight = imageHeight
        envSettings.forwardSpeed = settings.speed
        envSettings.maxYawRate = radians(settings.maxYawRateDegrees)
        envSettings.maxEpisodeTime = Double(episodeSteps + 1) / controlRate
        envSettings.spawnYawJitter = 1.0
        let robotName = platform.robotFile ?? "jackal.urdf"
        let robot = try URDFLoader.load(path: (robotsDirectory as NSString).appendingPathComponent(robotName))
        let models = try scenes.map { try EnvModel(scene: $0, robot: robot, settings: envSettings, domain: .sim) }

        var ds = HIntDataset(platform: platform, height: imageHeight, width: imageWidth)
        ds.metadata = ["seed": "\(seed)", "worlds": scenes.map(\.name).joined(separator: ","), "speed": "\(settings.speed)",
                       "maxYawRateDegrees": "\(settings.maxYawRateDegrees)", "controlRate": "\(controlRate)",
                       "robot": platform.robotFile ?? "none (hand-held camera)", "actionUnit": "rad/s yaw rate"]
        ds.metadata["cameraHeight"] = "\(cameraHeight(platform: platform, settings: settings, model: models[0], seed: seed))"
        var worldRNG = RNG(seed: seed, stream: 0x4849_6E74)
        var k: UInt64 = 0
        while ds.sampleCount < steps {
            let w = worldRNG.int(below: scenes.count)
            let episodeSeed = RNG.mix(seed, k)
            let before = ds.sampleCount
            if platform == .handheld {
                handheldEpisode(model: models[w], settings: settings, seed: episodeSeed, episodeSteps: episodeSteps, world: w, into: &ds)
            } else {
                robotEpisode(model: models[w], seed: episodeSeed, episodeSteps: episodeSteps, world: w, into: &ds)
            }
            progress?.advance(by: ds.sampleCount - before)
            k += 1
        }
        return ds
    }

    /// Height of the camera above the ground, m: the hand-held camera's setting; for a robot the
    /// camera mount (robot file) on the body at its reset pose (the quadrotor's fixed altitude).
    static func cameraHeight(platform: HIntPlatform, settings: HIntPlatformSettings, model: EnvModel, seed: UInt64) -> Double {
        guard platform.hasActions else { return settings.cameraHeight }
        var env = Env(model: model)
        let r = env.reset(seed: seed).robot
        return r.position.z + r.attitude.rotate(model.camera.mount.position).z
    }

    /// Measured state: forward speed along the heading and yaw rate.
    static func state(_ r: RobotObservation) -> SIMD2<Float> {
        let yaw = r.yaw
        return SIMD2(Float(r.velocity.x * cos(yaw) + r.velocity.y * sin(yaw)), Float(r.bodyRate.z))
    }

    static func robotEpisode(model: EnvModel, seed: UInt64, episodeSteps: Int, world: Int, into ds: inout HIntDataset) {
        var env = Env(model: model)
        var obs = env.reset(seed: seed)
        var rng = RNG(seed: seed, stream: 0x4578_706C)
        let maxRate = model.settings.maxYawRate
        let start = ds.records
        var action = 0.0, hold = 0
        var collision: Int? = nil
        var t = 0
        while t < episodeSteps {
            if hold == 0 { action = rng.uniform(-maxRate, maxRate); hold = 1 + rng.int(below: 4) }
            hold -= 1
            obs.frames.withUnsafeBufferPointer { ds.append(frame: $0, pose: pose(obs.robot), state: state(obs.robot), action: Float(action)) }
            let r = env.step(.yawRate(action))
            obs = r.observation
            if r.collided { collision = t }
            t += 1
            if r.done { break }
        }
        obs.frames.withUnsafeBufferPointer { ds.append(frame: $0, pose: pose(obs.robot), state: state(obs.robot), action: 0) }
        ds.episodes.append(HIntEpisode(start: start, steps: t, collisionStep: collision, world: world))
    }

    static func pose(_ r: RobotObservation) -> SIMD3<Double> { SIMD3(r.position.x, r.position.y, r.yaw) }

    /// The hand-held camera's collision probe: a sphere of this radius around the lens, m.
    public static let handheldRadius = 0.15
    /// Integration substeps per control step of a hand-held path.
    public static let handheldSubsteps = 10

    static func handheldEpisode(model: EnvModel, settings: HIntPlatformSettings, seed: UInt64, episodeSteps: Int, world: Int,
                                into ds: inout HIntDataset) {
        let path = handheldPath(scene: model.scene, settings: settings, seed: seed, steps: episodeSteps)
        var rng = RNG(seed: seed, stream: 0x5365_6E73)
        var scratch = RenderScratch(renderer: model.renderer, camera: model.camera.intrinsics)
        var gray = [UInt8](repeating: 0, count: model.pixelCount)
        let start = ds.records
        for (i, p) in path.poses.enumerated() {
            let camera = Pose(position: Vec3(p.x, p.y, settings.cameraHeight), orientation: Quaternion(roll: 0, pitch: 0, yaw: p.z))
            gray.withUnsafeMutableBufferPointer { g in
                model.renderer.render(camera: model.camera.intrinsics, pose: camera, angularRate: Vec3(0, 0, Double(path.states[i].y)),
                                      rng: &rng, depth: nil, gray: g.baseAddress!, rgb: nil, scratch: &scratch)
            }
            gray.withUnsafeBufferPointer { ds.append(frame: $0, pose: p, state: path.states[i], action: path.targets[i]) }
        }
        ds.episodes.append(HIntEpisode(start: start, steps: path.poses.count - 1, collisionStep: path.collisionStep, world: world))
    }

    /// A smooth random hand-held path: poses (x, y, yaw) per control step, measured (speed,
    /// turn rate), the turn-rate targets, and the step that touched an obstacle (or nil).
    public static func handheldPath(scene: Scene, settings: HIntPlatformSettings, seed: UInt64, steps: Int)
        -> (poses: [SIMD3<Double>], states: [SIMD2<Float>], targets: [Float], collisionStep: Int?) {
        var rng = RNG(seed: seed, stream: 0x4861_6E64)
        let spawns = scene.spawns
        let spawn = spawns.isEmpty ? Spawn(position: .zero, yaw: 0) : spawns[rng.int(below: spawns.count)]
        var x = spawn.position.x, y = spawn.position.y, yaw = wrapAngle(spawn.yaw + rng.uniform(-1, 1))
        let v = settings.speed * rng.uniform(0.6, 1.4)
        let maxRate = radians(settings.maxYawRateDegrees)
        let dt = 1 / controlRate / Double(handheldSubsteps), tau = 0.3
        var rate = 0.0, target = 0.0, hold = 0
        var poses: [SIMD3<Double>] = [SIMD3(x, y, yaw)], states: [SIMD2<Float>] = [SIMD2(Float(v), 0)], targets: [Float] = []
        let probe = CollisionShape.sphere(radius: handheldRadius)
        func free(_ x: Double, _ y: Double) -> Bool {
            let p = Vec3(x, y, settings.cameraHeight)
            return scene.inBounds(p) && scene.firstOverlap(probe, at: Pose(position: p, orientation: .identity)) == nil
        }
        var collision: Int? = nil
        for t in 0..<steps {
            if hold == 0 { target = rng.uniform(-maxRate, maxRate); hold = 1 + rng.int(below: 4) }
            hold -= 1
            targets.append(Float(target))
            for _ in 0..<handheldSubsteps {
                rate += (target - rate) * dt / tau
                let nyaw = yaw + rate * dt
                let nx = x + v * dt * cos(0.5 * (yaw + nyaw)), ny = y + v * dt * sin(0.5 * (yaw + nyaw))
                if !free(nx, ny) { collision = t; break }
                x = nx; y = ny; yaw = nyaw
            }
            poses.append(SIMD3(x, y, wrapAngle(yaw)))
            states.append(SIMD2(collision == nil ? Float(v) : 0, collision == nil ? Float(rate) : 0))
            if collision != nil { break }
        }
        targets.append(0)
        return (poses, states, targets, collision)
    }
}
