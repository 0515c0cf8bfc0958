import Foundation
import Geometry
import Models
import Planning
import Runtime

/// The GtS policy: model-predictive control with the learned collision predictor.
///
/// Every control step: the frame stack becomes the network input ((x - 128) / 128, NHWC), the
/// trunk runs once, `CEMPlanner` scores its candidate yaw-rate sequences in batches through
/// `CollisionCost` (mean_h P(collision by h) + yaw penalty), and the first action of the plan is
/// flown; the plan is shifted for the next tick's warm start. Camera only: not privileged.
public struct LearnedMPCPolicy: Policy {
    public struct Settings: Sendable, Equatable {
        /// METHODS.md section 1: 4096 uniform, then 1024 from a Gaussian with the centred full
        /// covariance, 128 elites, 3 iterations; fly the mean.
        public var cem: CEMPlanner.Settings = {
            var s = CEMPlanner.Settings()
            s.covariance = .full
            return s
        }()
        public var yawWeight: Float = 0.01
        /// Threads inside one batch evaluation (1 when episodes already run in parallel).
        public var workers = 1
        public init() {}
    }

    public let predictor: CollisionPredictor
    public let settings: Settings
    public let name: String
    var cost: CollisionCost?
    var planner: CEMPlanner?
    var input: [Float]
    var rng = RNG(seed: 0)

    public init(predictor: CollisionPredictor, name: String, settings: Settings = Settings()) {
        self.predictor = predictor
        self.name = name
        self.settings = settings
        input = [Float](repeating: 0, count: predictor.config.observationSize)
    }

    public var isPrivileged: Bool { false }

    /// The candidates the last `act` scored (nil before the first call): what the viewer draws.
    /// Costs are mean_h P(collision by h) + the small yaw penalty.
    public var lastBatch: CandidateBatch? { planner?.lastBatch }

    public mutating func reset(seed: UInt64) {
        rng = RNG(seed: seed, stream: 0x4C4D_5043)
        planner?.reset()
    }

    public mutating func act(_ observation: Observation, model: EnvModel) -> Double {
        let c = predictor.config
        precondition(Self.mismatch(c, model.settings) == nil, Self.mismatch(c, model.settings) ?? "")
        if planner == nil {
            let m = Float(model.settings.maxYawRate)
            let space = ActionSpace(horizon: c.horizon, lower: [-m], upper: [m])
            planner = CEMPlanner(space: space, settings: settings.cem)
            cost = CollisionCost(predictor, maxBatch: planner!.maxBatch, yawWeight: settings.yawWeight, workers: settings.workers)
        }
        observation.frames.withUnsafeBufferPointer { f in
            input.withUnsafeMutableBufferPointer { CollisionPredictor.observation(fromStack: f, config: c, into: $0) }
        }
        cost!.setObservation(input)
        planner!.plan(&cost!, rng: &rng)
        let a = Double(planner!.nominal[0])
        planner!.shift()
        return a
    }

    /// Why a model cannot fly an environment with `settings` (image size, stack, action space), or nil.
    public static func mismatch(_ c: CollisionPredictorConfig, _ s: EnvSettings) -> String? {
        if c.height != s.imageHeight || c.width != s.imageWidth || c.frames != s.frameStack {
            return "the model expects \(c.frames) frames of \(c.width)x\(c.height), the environment gives \(s.frameStack) of \(s.imageWidth)x\(s.imageHeight)"
        }
        if c.actionDim != 1 { return "the model's action has \(c.actionDim) components; the GtS action space has 1 (yaw rate)" }
        return nil
    }

    /// A `PolicySpec` for a checkpoint file (`.safetensors` + JSON sidecar, see docs/models.md).
    public static func spec(checkpoint path: String, settings: Settings = Settings()) throws -> PolicySpec {
        let predictor = try CollisionPredictor.load(path)
        let name = URL(fileURLWithPath: path).lastPathComponent
        return PolicySpec(name: name, isPrivileged: false, validate: { env in mismatch(predictor.config, env) }) {
            LearnedMPCPolicy(predictor: predictor, name: name, settings: settings)
        }
    }
}
