import Foundation
import Geometry
import Models
import Planning
import Runtime

/// One method's closed-loop controller for the deploying robot: each tick it reads the image,
/// the measured state and the goal, plans with MPPI (`MPPIPlanner`, METHODS.md settings,
/// warm-started by shifting the mean) and returns the yaw-rate command.
public final class HIntDriver {
    public let method: HIntMethod
    /// Yaw-rate limit of the deploying robot, rad/s (the action box for every method but the
    /// hierarchy and its D_r ablation, whose waypoint search assumes `assumedYawRate`).
    public let yawRateLimit: Double
    public let speed: Double
    public let dt: Double
    var planner: MPPIPlanner
    var hint: HIntCost?
    var kinematic: HIntBaselineCost?
    var action: HIntBaselineCost?
    let imageConfig: CollisionPredictorConfig
    var image: [Float]
    /// Waypoint the hierarchy's tracker steers to (index into its planned poses).
    public var lookahead = 1
    /// Relative poses `[H][3]` the last plan expects (for display), and their collision probabilities.
    public private(set) var predictedPoses: [Float] = []
    /// Per-step collision probabilities `[H]` the method's collision model predicts for
    /// `predictedPoses` (the plan's nominal actions for the action-conditioned baselines), for display.
    public private(set) var predictedCollisionProbabilities: [Float] = []

    /// `assumedYawRate`: the turn rate the hierarchy's perception-only planner believes in, rad/s.
    public init(method: HIntMethod, models: HIntModels, deploying: HIntPlatform, yawRateLimit: Double, assumedYawRate: Double,
                speed: Double, dt: Double, samples: Int) {
        self.method = method
        self.yawRateLimit = yawRateLimit
        self.speed = speed
        self.dt = dt
        let h = HIntTraining.horizon
        var settings = MPPIPlanner.Settings()
        settings.samples = samples
        let box = Float(method.tracksWaypoints ? assumedYawRate : yawRateLimit)
        planner = MPPIPlanner(space: ActionSpace(horizon: h, lower: [-box], upper: [box]), settings: settings)
        let scale = Float(1 / Double.pi)
        switch method {
        case .hint, .hierarchyDynamics:
            hint = HIntCost(dynamics: models.dynamics[deploying]!, perception: models.perception, maxBatch: samples)
            imageConfig = models.perception.config
        case .hierarchy:
            kinematic = HIntBaselineCost(model: models.perception, input: .unicyclePoses, maxBatch: samples, speed: Float(speed), dt: Float(dt), scale: scale)
            imageConfig = models.perception.config
        case .hintUnicycle:
            kinematic = HIntBaselineCost(model: models.perception, input: .unicyclePoses, maxBatch: samples, speed: Float(speed), dt: Float(dt),
                                         scale: scale, limit: Float(yawRateLimit))
            imageConfig = models.perception.config
        case .singleSource:
            action = HIntBaselineCost(model: models.singleSource, input: .actions, maxBatch: samples, speed: Float(speed), dt: Float(dt), scale: scale)
            imageConfig = models.singleSource.config
        case .pooled:
            action = HIntBaselineCost(model: models.pooled, input: .actions, maxBatch: samples, speed: Float(speed), dt: Float(dt), scale: scale)
            imageConfig = models.pooled.config
        }
        image = [Float](repeating: 0, count: imageConfig.observationSize)
    }

    /// Starts a new episode (plan back to straight ahead).
    public func reset() { planner.reset() }

    /// The yaw-rate command for this tick. `frame`: the newest gray image; `goal`: world (x, y).
    public func act(frame: UnsafeBufferPointer<UInt8>, robot: RobotObservation, goal: SIMD2<Double>, rng: inout RNG) -> Double {
        image.withUnsafeMutableBufferPointer { CollisionPredictor.observation(fromStack: frame, config: imageConfig, into: $0) }
        let yaw = robot.yaw
        let dx = goal.x - robot.position.x, dy = goal.y - robot.position.y
        let g = SIMD2<Float>(Float(cos(yaw) * dx + sin(yaw) * dy), Float(-sin(yaw) * dx + cos(yaw) * dy))
        let state = HIntCollector.state(robot)
        var command: Double
        switch method {
        case .hint:
            hint!.setObservation(image: image, state: [state.x, state.y], goal: g)
            planner.plan(&hint!, rng: &rng)
            command = Double(planner.nominal[0])
            predictedPoses = hint!.dynamics.evaluate(planner.nominal, count: 1)
        case .hierarchyDynamics:
            hint!.setObservation(image: image, state: [state.x, state.y], goal: g)
            planner.plan(&hint!, rng: &rng)
            predictedPoses = hint!.dynamics.evaluate(planner.nominal, count: 1)
            command = pursuit(predictedPoses)
        case .hintUnicycle:
            kinematic!.evaluator.encode(image)
            kinematic!.goal = g
            planner.plan(&kinematic!, rng: &rng)
            command = Double(planner.nominal[0])
            predictedPoses = unicyclePoses(planner.nominal, limit: Float(yawRateLimit))
        case .hierarchy:
            kinematic!.evaluator.encode(image)
            kinematic!.goal = g
            planner.plan(&kinematic!, rng: &rng)
            predictedPoses = unicyclePoses(planner.nominal, limit: .infinity)
            command = pursuit(predictedPoses)
        case .singleSource, .pooled:
            action!.evaluator.encode(image)
            action!.goal = g
            planner.plan(&action!, rng: &rng)
            command = Double(planner.nominal[0])
            predictedPoses = unicyclePoses(planner.nominal, limit: .infinity)
        }
        predictedCollisionProbabilities = planProbabilities()
        planner.shift()
        return clamp(command, -yawRateLimit, yawRateLimit)
    }
}

extension HIntDriver {
    /// Ideal-unicycle poses `[H][3]` of one yaw-rate sequence (turn rates clamped to +-`limit`).
    func unicyclePoses(_ actions: [Float], limit: Float) -> [Float] {
        let h = HIntTraining.horizon
        var poses = [Float](repeating: 0, count: 3 * h)
        actions.withUnsafeBufferPointer { a in
            poses.withUnsafeMutableBufferPointer {
                HIntKinematics.rollout(a.baseAddress!, horizon: h, speed: Float(speed), dt: Float(dt), limit: limit, into: $0.baseAddress!)
            }
        }
        return poses
    }

    /// The hierarchy's low-level tracker: pure pursuit to the plan's pose `lookahead` (exact for
    /// arcs), yaw rate = 2 v y / d^2 in rad/s (the robot clamps it to its limit).
    func pursuit(_ poses: [Float]) -> Double {
        let wx = Double(poses[3 * lookahead]), wy = Double(poses[3 * lookahead + 1])
        let l2 = wx * wx + wy * wy
        return l2 > 1e-9 ? 2 * speed * wy / l2 : 0
    }

    /// The collision model's per-step probabilities for the plan just made (before `shift`).
    func planProbabilities() -> [Float] {
        switch method {
        case .hint, .hierarchyDynamics: hint!.perception.evaluate(predictedPoses, count: 1)
        case .hierarchy, .hintUnicycle: kinematic!.evaluator.evaluate(predictedPoses, count: 1)
        case .singleSource, .pooled: action!.evaluator.evaluate(planner.nominal, count: 1)
        }
    }
}
