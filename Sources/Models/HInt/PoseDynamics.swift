import Diagnostics
import Foundation
import Geometry
import Neural

/// Architecture of an HInt per-robot dynamics model D_r (METHODS.md section 2): from the robot's
/// current state and an action sequence to the future poses relative to the current pose.
public struct PoseDynamicsConfig: Codable, Sendable, Equatable {
    /// Length of the state vector (e.g. forward speed and yaw rate now).
    public var stateDim: Int = 2
    /// Components per action.
    public var actionDim: Int = 2
    /// Prediction horizon H (HInt: 8).
    public var horizon: Int = 8
    /// Hidden layer widths (ReLU).
    public var hidden: [Int] = [128, 128]
    /// Inputs are multiplied by these before the network (state then action components).
    public var stateScale: [Float] = [1, 1]
    public var actionScale: [Float] = [1, 1]

    public init(stateDim: Int = 2, actionDim: Int = 2, horizon: Int = 8, hidden: [Int] = [128, 128],
                stateScale: [Float]? = nil, actionScale: [Float]? = nil) {
        self.stateDim = stateDim; self.actionDim = actionDim; self.horizon = horizon; self.hidden = hidden
        self.stateScale = stateScale ?? [Float](repeating: 1, count: stateDim)
        self.actionScale = actionScale ?? [Float](repeating: 1, count: actionDim)
    }

    /// Most weights a valid config may need (2^26 floats; the HInt network has 20 k).
    public static let maxParameters = 1 << 26

    /// Network input width: state plus the flattened action sequence.
    public var inputs: Int { stateDim + horizon * actionDim }
    /// Network output width: `horizon` poses (dx, dy, dyaw).
    public var outputs: Int { horizon * 3 }

    /// Why this configuration cannot be built, or nil.
    public var validationProblem: String? {
        let most = SettingsRangeCheck.maxCount
        if stateDim < 0 || actionDim <= 0 || horizon <= 0 || stateDim > most || actionDim > most || horizon > most {
            return "stateDim \(stateDim), actionDim \(actionDim), horizon \(horizon) invalid"
        }
        if hidden.isEmpty || hidden.contains(where: { $0 <= 0 }) { return "hidden \(hidden) must be non-empty and positive" }
        if Checkpoint.mlpWeights(inputs: inputs, hidden: hidden, outputs: outputs, limit: Self.maxParameters) == nil {
            return "hidden \(hidden) on \(inputs) inputs needs more than \(Self.maxParameters) weights"
        }
        if stateScale.count != stateDim || actionScale.count != actionDim {
            return "stateScale/actionScale have \(stateScale.count)/\(actionScale.count) entries for \(stateDim)/\(actionDim)"
        }
        return nil
    }
}

/// HInt per-robot dynamics D_r: an MLP mapping [state, actions (H x A)] to the relative poses
/// p_{t+1..t+H} = (dx, dy, dyaw) in the frame of the current pose (metres, radians), trained with
/// MSE on the robot's own logs (no images). Parameters `dyn.fc0..`, `dyn.out`.
public struct PoseDynamics: Sendable {
    public static let architecture = "hint-dynamics-v1"
    public let config: PoseDynamicsConfig
    public var parameters: Parameters
    let layers: [Dense]

    public init(config: PoseDynamicsConfig = PoseDynamicsConfig(), rng: inout RNG) {
        precondition(config.validationProblem == nil, "invalid PoseDynamicsConfig: \(config.validationProblem!)")
        self.config = config
        var width = config.inputs
        var layers: [Dense] = []
        for (i, h) in config.hidden.enumerated() {
            layers.append(Dense("dyn.fc\(i)", width, h, activation: .relu))
            width = h
        }
        layers.append(Dense("dyn.out", width, config.outputs))
        self.layers = layers
        var p = Parameters()
        for l in layers { l.initialize(&p, rng: &rng) }
        parameters = p
    }

    /// Number of scalar weights.
    public var parameterCount: Int { parameters.scalarCount }

    /// The scaled network input [N, stateDim + H * A] from states [N, S] and actions [N, H * A].
    func input(_ states: Var, _ actions: Var) -> Var {
        let g = states.graph, c = config, n = states.shape[0]
        var scale = c.stateScale
        for _ in 0..<c.horizon { scale += c.actionScale }
        let x = g.concat([g.reshape(states, [n, c.stateDim]), g.reshape(actions, [n, c.horizon * c.actionDim])], axis: 1)
        return scale.allSatisfy({ $0 == 1 }) ? x : g.mul(x, g.input(Tensor(shape: [c.inputs], data: scale)))
    }

    /// Relative poses [N, H * 3] (per step dx, dy, dyaw) on the autodiff graph.
    public func poses(states: Var, actions: Var) -> Var {
        var x = input(states, actions)
        for l in layers { x = l(x) }
        return x
    }

    /// Relative poses [N, H, 3] for states [N, S] and actions [N, H, A] (reference path).
    public func predict(states: Tensor, actions: Tensor) -> Tensor {
        let g = Graph(parameters: parameters, recording: false)
        let n = states.shape[0]
        return g.value(poses(states: g.input(states), actions: g.input(actions))).reshaped([n, config.horizon, 3])
    }

    /// Writes `<path>` (safetensors) and its JSON sidecar; the config is stored in the metadata.
    public func save(to path: String, datasetHash: String = "", notes: [String: String] = [:]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var extra = notes
        extra["model_config"] = String(decoding: try encoder.encode(config), as: UTF8.self)
        try Checkpoint.save(parameters, metadata: CheckpointMetadata(architecture: Self.architecture, datasetHash: datasetHash,
                                                                     extra: extra), to: path)
    }

    /// Rebuilds a dynamics model from a checkpoint alone; `InputError` naming the file on any mismatch.
    public static func load(_ path: String) throws -> PoseDynamics {
        let (params, meta) = try Checkpoint.load(path)
        guard let meta, meta.architecture == architecture else {
            throw InputError(path, at: "architecture", "'\(meta?.architecture ?? "no metadata")' is not \(architecture)")
        }
        guard let json = meta.extra["model_config"],
              let config = try? JSONDecoder().decode(PoseDynamicsConfig.self, from: Data(json.utf8)) else {
            throw InputError(path, at: "model_config", "missing or invalid in the metadata")
        }
        if let problem = config.validationProblem { throw InputError(path, at: "model_config", problem) }
        try Checkpoint.requireWeights(Checkpoint.mlpWeights(inputs: config.inputs, hidden: config.hidden, outputs: config.outputs),
                                      in: params, source: path, at: "model_config")
        var rng = RNG(seed: 0)
        var model = PoseDynamics(config: config, rng: &rng)
        var ordered = Parameters()
        for (name, t) in zip(model.parameters.names, model.parameters.tensors) {
            guard let got = params[name] else { throw InputError(path, at: name, "tensor missing") }
            guard got.shape == t.shape else { throw InputError(path, at: name, "shape \(got.shape), expected \(t.shape)") }
            ordered[name] = got
        }
        if let extra = params.names.first(where: { !model.parameters.contains($0) }) {
            throw InputError(path, at: extra, "tensor is not a parameter of this architecture")
        }
        model.parameters = ordered
        return model
    }
}

/// MSE training of `PoseDynamics` with Adam (lr 1e-3 default) and optional gradient clipping.
public final class PoseDynamicsTrainer {
    public private(set) var model: PoseDynamics
    private var optimizer: Adam
    private let graph = Graph()
    public let clip: Float

    public init(_ model: PoseDynamics, learningRate: Float = 1e-3, weightDecay: Float = 0, gradientClip: Float = 10) {
        self.model = model
        optimizer = Adam(learningRate: learningRate, weightDecay: weightDecay)
        clip = gradientClip
    }

    /// One step on states [N, S], actions [N, H, A], target poses [N, H, 3]; returns the MSE
    /// before the update.
    @discardableResult
    public func step(states: Tensor, actions: Tensor, poses: Tensor) -> Float {
        graph.reset()
        graph.setParameters(model.parameters)
        let n = states.shape[0]
        let pred = model.poses(states: graph.input(states), actions: graph.input(actions))
        let loss = graph.mse(pred, graph.input(poses.reshaped([n, model.config.outputs])))
        graph.backward(loss)
        var grads = graph.gradients()
        if clip > 0 { Gradients.clip(&grads, maxNorm: clip) }
        let value = graph.value(loss).scalar
        graph.reset()
        optimizer.step(&model.parameters, gradients: grads)
        return value
    }
}
