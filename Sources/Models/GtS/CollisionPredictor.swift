import Diagnostics
import Geometry
import Neural

/// The GtS action-conditioned collision predictor (METHODS.md section 1): from the current
/// stacked camera frames and a candidate action sequence, the probability of having collided by
/// each future step.
///
/// ```
/// images [N, height, width, frames] (NHWC, pixels scaled (x - 128) / 128)
///   -> trunk.conv0..3 (ReLU) -> flatten -> trunk.fc0 256 (ReLU) -> trunk.fc1 128 (ReLU) = z
/// actions [N, horizon, actionDim] -> * actionScale -> action.fc 16 (ReLU) per step
///   -> lstm (hidden 128, h0 = c0 = z) -> head.fc0 16 (ReLU) -> head.fc1 1 = logit [N, horizon]
/// sigmoid(logit[i, h]) = P(collided at or before step h + 1 | image, actions)
/// ```
///
/// Parameter names are grouped by prefix: `trunk.` (convolutions and the 256/128 dense layers,
/// frozen in GtS's real phase), `action.`, `lstm.` and `head.` (trained on real data). A plain
/// `Sendable` value: the weights live in `parameters`.
public struct CollisionPredictor: Sendable {
    /// Prefix of the perception part (convolutions and the dense layers after them).
    public static let trunkPrefix = "trunk."
    /// What GtS's real phase freezes: the convolutional trunk and the 256/128 dense layers.
    public static let realPhaseFrozen = [trunkPrefix]
    /// Architecture identifier written into checkpoints.
    public static let architecture = "gts-collision-v1"

    /// The architecture.
    public let config: CollisionPredictorConfig
    /// Named weights (see the type's documentation for the names).
    public var parameters: Parameters

    let convs: [Conv2d]
    let dense: [Dense]
    let actionLayer: Dense
    let lstm: LSTM
    let headHidden: Dense
    let headOut: Dense

    /// A freshly initialised predictor (He-uniform for ReLU layers, Glorot otherwise, orthogonal
    /// recurrent weights, LSTM forget bias 1). `config` must be valid (`validationProblem == nil`).
    public init(config: CollisionPredictorConfig = CollisionPredictorConfig(), rng: inout RNG) {
        self.init(structure: config)
        var p = Parameters()
        for l in convs { l.initialize(&p, rng: &rng) }
        for l in dense { l.initialize(&p, rng: &rng) }
        actionLayer.initialize(&p, rng: &rng)
        lstm.initialize(&p, rng: &rng)
        headHidden.initialize(&p, rng: &rng)
        headOut.initialize(&p, rng: &rng)
        parameters = p
    }

    /// A predictor with given weights; throws `InputError` (source `source`) when a tensor is
    /// missing, extra or of the wrong shape for `config`.
    public init(config: CollisionPredictorConfig, parameters: Parameters, source: String = "parameters") throws {
        if let problem = config.validationProblem { throw InputError(source, at: "config", problem) }
        // the fresh network (and its weights) is built only when the given tensors hold at least
        // as many weights as it needs: a config alone must not size an allocation
        try Checkpoint.requireWeights(config.parameterCount, in: parameters, source: source, at: "config")
        var rng = RNG(seed: 0)
        let fresh = CollisionPredictor(config: config, rng: &rng)
        var ordered = Parameters()
        for (name, t) in zip(fresh.parameters.names, fresh.parameters.tensors) {
            guard let got = parameters[name] else { throw InputError(source, at: name, "tensor missing for this architecture") }
            guard got.shape == t.shape else {
                throw InputError(source, at: name, "shape \(got.shape), architecture expects \(t.shape)")
            }
            ordered[name] = got
        }
        if let extra = parameters.names.first(where: { !fresh.parameters.contains($0) }) {
            throw InputError(source, at: extra, "tensor is not a parameter of this architecture")
        }
        self = fresh
        self.parameters = ordered
    }

    private init(structure config: CollisionPredictorConfig) {
        precondition(config.validationProblem == nil, "invalid CollisionPredictorConfig: \(config.validationProblem!)")
        self.config = config
        var channels = config.frames
        var convs: [Conv2d] = []
        for (i, c) in config.convs.enumerated() {
            convs.append(Conv2d("trunk.conv\(i)", channels, c.filters, kernel: c.kernel, stride: c.stride,
                                padding: c.padding, activation: .relu))
            channels = c.filters
        }
        var width = config.flattened
        var dense: [Dense] = []
        for (i, d) in config.dense.enumerated() {
            dense.append(Dense("trunk.fc\(i)", width, d, activation: .relu))
            width = d
        }
        self.convs = convs
        self.dense = dense
        actionLayer = Dense("action.fc", config.actionDim, config.actionEmbedding, activation: .relu)
        lstm = LSTM("lstm", inputs: config.actionEmbedding, hidden: config.hidden)
        headHidden = Dense("head.fc0", config.hidden, config.headHidden, activation: .relu)
        headOut = Dense("head.fc1", config.headHidden, 1)
        parameters = Parameters()
    }

    /// Number of scalar weights.
    public var parameterCount: Int { parameters.scalarCount }

    /// The perception part: images [N, height, width, frames] -> z [N, hidden] (`.shared`: the
    /// LSTM's initial h and c) or [N, 2 hidden] (`.split`: h then c).
    public func encode(images: Var) -> Var {
        let c = config
        precondition(images.shape.count == 4 && Array(images.shape[1...]) == [c.height, c.width, c.frames],
                     "images \(images.shape), expected [N, \(c.height), \(c.width), \(c.frames)]")
        var x = images
        for l in convs { x = l(x) }
        x = x.graph.flatten(x)
        for l in dense { x = l(x) }
        return x
    }

    /// Per-step collision logits [N, horizon] from images [N, height, width, frames] and actions
    /// [N, horizon, actionDim] (or [N, horizon * actionDim]), on the autodiff graph.
    public func logits(images: Var, actions: Var) -> Var {
        let g = images.graph, c = config
        let n = images.shape[0]
        precondition(actions.shape[0] == n && Tensor.count(Array(actions.shape.dropFirst())) == c.sequenceSize,
                     "actions \(actions.shape), expected [\(n), \(c.horizon), \(c.actionDim)]")
        let z = encode(images: images)
        var a = g.reshape(actions, [n * c.horizon, c.actionDim])
        if c.actionScale.contains(where: { $0 != 1 }) {
            a = g.mul(a, g.input(Tensor(shape: [c.actionDim], data: c.actionScale)))
        }
        let embedded = g.reshape(actionLayer(a), [n, c.horizon, c.actionEmbedding])
        var state = LSTM.State(h: z, c: z)
        if c.initialState == .split {
            state = LSTM.State(h: g.slice(z, axis: 1, start: 0, length: c.hidden),
                               c: g.slice(z, axis: 1, start: c.hidden, length: c.hidden))
        }
        var hs: [Var] = []
        hs.reserveCapacity(c.horizon)
        for h in 0..<c.horizon {
            let x = g.reshape(g.slice(embedded, axis: 1, start: h, length: 1), [n, c.actionEmbedding])
            state = lstm.step(x, state)
            hs.append(state.h)
        }
        let stacked = g.stack(hs, axis: 1)                    // [N, H, hidden]
        return g.reshape(headOut(headHidden(stacked)), [n, c.horizon])
    }

    /// Collision probabilities [N, horizon] through the autodiff graph (reference path; the
    /// planner uses `CollisionBatchEvaluator`).
    public func probabilities(images: Tensor, actions: Tensor) -> Tensor {
        let g = Graph(parameters: parameters, recording: false)
        return g.value(g.sigmoid(logits(images: g.input(images), actions: g.input(actions))))
    }

    /// Scales 8-bit gray pixels to the network's input range: (x - 128) / 128.
    @inlinable public static func normalize(_ pixel: UInt8) -> Float { (Float(pixel) - 128) / 128 }

    /// Converts a frame stack stored frame by frame (`[frames][height][width]` gray bytes, oldest
    /// first, as collection logs store it) into the network's NHWC input (`[height][width]
    /// [frames]`, scaled (x - 128) / 128), writing `observationSize` floats into `out`.
    public static func observation(fromStack stack: UnsafeBufferPointer<UInt8>, config c: CollisionPredictorConfig,
                                   into out: UnsafeMutableBufferPointer<Float>) {
        let plane = c.height * c.width
        precondition(stack.count == plane * c.frames && out.count >= plane * c.frames,
                     "frame stack of \(stack.count) bytes for \(c.frames) frames of \(c.height)x\(c.width)")
        for f in 0..<c.frames {
            for p in 0..<plane { out[p * c.frames + f] = normalize(stack[f * plane + p]) }
        }
    }

    /// `observation(fromStack:config:into:)` returning a new array.
    public static func observation(fromStack stack: [UInt8], config: CollisionPredictorConfig) -> [Float] {
        var out = [Float](repeating: 0, count: config.observationSize)
        stack.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { observation(fromStack: s, config: config, into: $0) } }
        return out
    }
}
