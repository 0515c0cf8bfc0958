import Autonomy
import Diagnostics
import Foundation
import Geometry
import Runtime
import Viewer
import World

/// The HInt experiment's deploying-robot controller (`HIntDriver`: MPPI through D_r and the
/// shared perception P, or one of the baselines) as an autopilot for `swiftlet fly --hint`.
/// The goal (world x, y) is set by `FlySimulation` at the start of every episode. After each
/// `act` it describes the chosen plan for the viewer: the predicted poses coloured by the
/// collision model's per-step probabilities.
public final class HIntPolicy: Policy, @unchecked Sendable {
    public let driver: HIntDriver
    /// Goal in world coordinates (m).
    public var goal: SIMD2<Double> = .zero
    var rng = RNG(seed: 0)

    public init(driver: HIntDriver) {
        self.driver = driver
    }

    public var name: String { driver.method.label }
    public var isPrivileged: Bool { false }

    public func reset(seed: UInt64) {
        driver.reset()
        rng = RNG(seed: seed, stream: 0x504C_414E)
    }

    public func act(_ observation: Observation, model: EnvModel) -> Double {
        observation.frames.withUnsafeBufferPointer { driver.act(frame: $0, robot: observation.robot, goal: goal, rng: &rng) }
    }

    /// The last plan as a world path from `robot` (the state `act` planned from), nil before
    /// the first plan.
    public func plannedPath(from robot: RobotObservation) -> CandidatePath? {
        HIntPolicy.plannedPath(poses: driver.predictedPoses, probabilities: driver.predictedCollisionProbabilities, from: robot.pose)
    }

    /// Relative poses `[H][3]` (dx forward, dy left in the body frame at `start`, m; dyaw, rad)
    /// and their per-step collision probabilities `[H]` as a chosen candidate path: the start,
    /// then one world point per step at the start's height; the path's probability is the
    /// largest step's. nil when there are no poses or the counts disagree.
    public static func plannedPath(poses: [Float], probabilities: [Float], from start: Pose) -> CandidatePath? {
        let h = poses.count / 3
        guard h > 0, poses.count == 3 * h, probabilities.count == h else { return nil }
        let yaw = start.orientation.yaw, c = cos(yaw), s = sin(yaw)
        let o = start.position
        var points = [o]
        for k in 0..<h {
            let dx = Double(poses[3 * k]), dy = Double(poses[3 * k + 1])
            points.append(Vec3(o.x + c * dx - s * dy, o.y + s * dx + c * dy, o.z))
        }
        let p = probabilities.map { Double($0) }
        return CandidatePath(points: points, collisionProbability: p.max() ?? 0, isChosen: true, pointProbabilities: [0] + p)
    }

    /// HUD lines: the plan's predicted collision probabilities and the command (the method is
    /// the HUD's autopilot label).
    public func hudLines(command: Double) -> [HUDLine] {
        HIntPolicy.hudLines(probabilities: driver.predictedCollisionProbabilities, command: command, limit: driver.yawRateLimit)
    }

    /// "P(COLL) max 0.62 @ step 5  mean 0.21" (an alert from a maximum of 0.5 up) and
    /// "CMD   45.0 deg/s (limit 60)".
    public static func hudLines(probabilities: [Float], command: Double, limit: Double) -> [HUDLine] {
        var lines: [HUDLine] = []
        if let m = probabilities.max(), let k = probabilities.firstIndex(of: m) {
            let mean = probabilities.reduce(0, +) / Float(probabilities.count)
            lines.append(HUDLine(String(format: "P(COLL) max %.2f @ step %d  mean %.2f", m, k + 1, mean), isAlert: m >= 0.5))
        }
        lines.append(HUDLine(String(format: "CMD %6.1f deg/s (limit %.0f)", command * 180 / .pi, limit * 180 / .pi)))
        return lines
    }
}

/// `swiftlet fly --hint DIR`: the fly config and policy registry for driving the HInt
/// experiment's deploying robot (jackal) to goals with a trained model directory.
public enum HIntFly {
    /// Loads the models in `modelsDirectory` (`swiftlet experiment hint` writes `OUT/models`)
    /// and sets up the experiment's evaluation (`experiment`, the config the models were trained
    /// and evaluated with): the deploying robot at its speed, 4 Hz control, one gray frame of the
    /// perception model's size, the yaw-rate limit, and the experiment's own goal episodes
    /// (`GoalEpisodes`: its held-out worlds with their interior starts, start seeds and goals),
    /// from episode `firstEpisode` on. `worlds` builds the held-out worlds from their specs
    /// (`WorldSet.scenes`; the fuzz harness passes ones it built once).
    public static func setup(modelsDirectory: String, method: HIntMethod, yawLimitDegrees: Double, samples: Int? = nil,
                             experiment: HIntExperimentConfig = HIntExperimentConfig(), firstEpisode: Int = 0,
                             base: FlyConfig = FlyConfig(), registry: PolicyRegistry = .standard,
                             worlds: ([String]) throws -> [Scene] = { try WorldSet.scenes($0) }) throws -> (config: FlyConfig, registry: PolicyRegistry) {
        guard yawLimitDegrees > 0, yawLimitDegrees.isFinite else {
            throw InputError("--yaw-limit", "must be a positive number of deg/s, got \(yawLimitDegrees)")
        }
        if let samples, samples < 1 { throw InputError("--hint-samples", "must be >= 1, got \(samples)") }
        guard firstEpisode >= 0 else { throw InputError("--seed", "the first episode must be >= 0, got \(firstEpisode)") }
        let models = try HIntExperiment.load(modelsDirectory)
        let deploying = HIntExperiment.deploying
        let ps = experiment.settings(deploying)
        let perception = models.perception.config
        guard perception.width == experiment.imageWidth && perception.height == experiment.imageHeight else {
            throw InputError(modelsDirectory, "the perception model sees \(perception.width)x\(perception.height) images, the experiment config \(experiment.imageWidth)x\(experiment.imageHeight): pass the config the models were trained with (--hint-config)")
        }
        let scenes = HIntExperiment.evaluationScenes(experiment, try worlds(experiment.evalSpecs))
        var config = base
        config.robot = (experiment.robotsDirectory as NSString).appendingPathComponent(deploying.robotFile!)
        config.goalEpisodes = GoalEpisodes(scenes: scenes, names: experiment.evalSpecs, firstEpisode: firstEpisode) { model, e in
            let s = HIntExperiment.setup(model, episode: e, config: experiment)
            return (s.seed, s.goal)
        }
        config.env = experiment.evaluationEnv(yawLimitDegrees: yawLimitDegrees, base: config.env)
        config.goalDistance = experiment.goalDistance
        config.goalRadius = experiment.goalRadius
        let n = samples ?? experiment.samples
        let assumed = radians(ps.maxYawRateDegrees)
        let spec = PolicySpec(name: method.label, isPrivileged: false) {
            HIntPolicy(driver: HIntDriver(method: method, models: models, deploying: deploying, yawRateLimit: radians(yawLimitDegrees),
                                          assumedYawRate: assumed, speed: ps.speed, dt: 1 / HIntCollector.controlRate, samples: n))
        }
        var r = registry
        r.register(spec)
        config.policy = spec.name
        return (config, r)
    }
}
