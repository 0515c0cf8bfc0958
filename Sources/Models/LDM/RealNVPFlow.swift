import Diagnostics
import Foundation
import Geometry
import Neural

/// A RealNVP normalizing flow p(x) over D-dimensional rows (D >= 2), trained by maximum
/// likelihood with the Neural engine's autodiff and Adam.
///
/// x is first standardised per coordinate (data mean and std, kept with the model), then passed
/// through `couplings` affine coupling layers with alternating binary masks m (layer l keeps the
/// coordinates i with (i + l) even):
///
///     y = m * x + (1 - m) * (x * exp(s(m * x)) + t(m * x)),   s = b tanh(raw / b)
///
/// where (raw, t) come from an MLP of the kept coordinates and b = `scaleBound` bounds every
/// log-scale to (-b, b). The log-determinant of each layer is exactly sum_i (1 - m_i) s_i, the
/// base density is a standard normal, so
///
///     log p(x) = log N(z; 0, I) + sum_layers logdet - sum_i log std_i.
///
/// The last layer of every coupling MLP starts at zero, so an untrained flow is the identity
/// (a Gaussian fitted to the data's mean and std). Saved as a safetensors checkpoint (weights
/// plus "norm.mean" / "norm.std") with the structure in its metadata.
public struct RealNVPFlow: DensityModel {
    /// Architecture and training settings.
    public struct Settings: Sendable, Equatable, Codable {
        /// Affine coupling layers (alternating masks).
        public var couplings = 6
        /// Width of each coupling MLP's hidden layers.
        public var hidden = 64
        /// Hidden layers per coupling MLP.
        public var hiddenLayers = 2
        /// Bound b on every log-scale (|s| < b).
        public var scaleBound: Float = 2
        /// Adam learning rate.
        public var learningRate: Float = 1e-3
        /// Rows per minibatch.
        public var batchSize = 256
        /// Optimiser steps.
        public var steps = 2000
        /// Global gradient-norm clip.
        public var gradientClip: Float = 10

        public init() {}
    }

    public let dimension: Int
    public let settings: Settings
    /// Coupling-network weights ("c<l>.fc<j>.weight/bias").
    public let parameters: Parameters
    /// Per-coordinate data mean and std used to standardise inputs.
    public let mean: [Float]
    public let std: [Float]
    /// Mean training negative log-likelihood over the last 100 steps (nats per sample).
    public let finalLoss: Float

    /// An untrained (identity) flow with standardisation `mean`/`std` and weights from `rng`.
    public init(dimension: Int, settings: Settings, mean: [Float], std: [Float], rng: inout RNG) {
        precondition(dimension >= 2, "RealNVPFlow needs at least two coordinates to couple")
        precondition(mean.count == dimension && std.count == dimension && std.allSatisfy { $0 > 0 }, "RealNVPFlow needs D means and positive stds")
        var p = Parameters()
        for l in RealNVPFlow.layers(dimension: dimension, settings: settings) { l.initialize(&p, rng: &rng) }
        self.init(dimension: dimension, settings: settings, parameters: p, mean: mean, std: std, finalLoss: .nan)
    }

    init(dimension: Int, settings: Settings, parameters: Parameters, mean: [Float], std: [Float], finalLoss: Float) {
        self.dimension = dimension
        self.settings = settings
        self.parameters = parameters
        self.mean = mean
        self.std = std
        self.finalLoss = finalLoss
    }

    /// The Dense layers of every coupling MLP (coupling-major).
    static func layers(dimension d: Int, settings s: Settings) -> [Dense] {
        var out: [Dense] = []
        for c in 0..<s.couplings {
            var inputs = d
            for j in 0..<s.hiddenLayers {
                out.append(Dense("c\(c).fc\(j)", inputs, s.hidden, activation: .relu))
                inputs = s.hidden
            }
            out.append(Dense("c\(c).fc\(s.hiddenLayers)", inputs, 2 * d, weightInit: .zeros))
        }
        return out
    }

    /// Mask of coupling `l`: 1 for kept coordinates.
    func mask(_ l: Int) -> Tensor {
        Tensor(shape: [dimension], data: (0..<dimension).map { ($0 + l) % 2 == 0 ? 1 : 0 })
    }

    /// The flow on `g`: standardised rows `x` [N, D] -> (z [N, D], log-det [N] of the couplings).
    func forward(_ x: Var, on g: Graph) -> (z: Var, logDet: Var) {
        let d = dimension, s = settings
        let net = RealNVPFlow.layers(dimension: d, settings: s)
        var y = x
        var logDet: Var?
        let per = s.hiddenLayers + 1
        for c in 0..<s.couplings {
            let m = g.input(mask(c))
            let inv = g.input(Tensor(shape: [d], data: mask(c).data.map { 1 - $0 }))
            let kept = y * m
            var h = kept
            for j in 0..<per { h = net[c * per + j](h) }
            let raw = g.slice(h, axis: 1, start: 0, length: d)
            let t = g.slice(h, axis: 1, start: d, length: d)
            let scale = g.scale(g.tanh(g.scale(raw, 1 / s.scaleBound)), s.scaleBound) * inv
            y = kept + (y * scale.exp() + t) * inv
            let ld = g.sum(scale, axis: 1)
            logDet = logDet.map { $0 + ld } ?? ld
        }
        return (y, logDet!)
    }

    /// log p of standardised rows `x` on `g` ([N]), including the standardisation's Jacobian.
    func logProb(_ x: Var, on g: Graph) -> Var {
        let (z, ld) = forward(x, on: g)
        let logStd = std.reduce(Float(0)) { $0 + logf($1) }
        let constant = -0.5 * Float(dimension) * logf(2 * .pi) - logStd
        return g.scale(g.sum(z.square(), axis: 1), -0.5) + ld + constant
    }

    /// Standardised copy of rows `x` into `dst`.
    @inline(__always) func standardise(_ x: UnsafeBufferPointer<Float>, count: Int, into dst: UnsafeMutableBufferPointer<Float>) {
        let d = dimension
        for n in 0..<count { for i in 0..<d { dst[n * d + i] = (x[n * d + i] - mean[i]) / std[i] } }
    }

    public func logDensity(_ x: UnsafeBufferPointer<Float>, count: Int, into out: UnsafeMutableBufferPointer<Float>,
                           workspace: DensityWorkspace) {
        precondition(x.count >= count * dimension && out.count >= count, "logDensity buffers too small")
        guard count > 0 else { return }
        let g = workspace.inferenceGraph()
        g.setParameters(parameters)
        let input = g.input(shape: [count, dimension]) { dst in standardise(x, count: count, into: dst) }
        let lp = logProb(input, on: g)
        g.withValue(lp) { v in for n in 0..<count { out[n] = v[n] } }
        g.reset()
    }

    public func logDensity(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>,
                           workspace: DensityWorkspace) {
        precondition(x.count >= count * dimension && out.count >= count, "logDensity buffers too small")
        guard count > 0 else { return }
        let d = dimension
        workspace.reserveFloats(count * d)
        workspace.reserveFloats2(count)
        // computed in Float32 (the network's precision)
        for i in 0..<(count * d) { workspace.floats[i] = Float(x[i]) }
        workspace.floats.withUnsafeBufferPointer { xf in
            workspace.floats2.withUnsafeMutableBufferPointer { of in
                logDensity(UnsafeBufferPointer(rebasing: xf[0..<(count * d)]), count: count,
                           into: UnsafeMutableBufferPointer(rebasing: of[0..<count]), workspace: workspace)
            }
        }
        for n in 0..<count { out[n] = Double(workspace.floats2[n]) }
    }

    /// The map to the base space and its exact log-determinant, per row of `x` (`[N, D]`, raw
    /// coordinates): z is `[N, D]`, logDet `[N]` = log |det dz/dx| including the standardisation.
    public func transform(_ x: [Float]) -> (z: [Float], logDet: [Float]) {
        let n = x.count / dimension
        let g = Graph(parameters: parameters, recording: false)
        let input = g.input(shape: [n, dimension]) { dst in x.withUnsafeBufferPointer { standardise($0, count: n, into: dst) } }
        let (z, ld) = forward(input, on: g)
        let logStd = std.reduce(Float(0)) { $0 + logf($1) }
        return (g.value(z).data, g.value(ld).data.map { $0 - logStd })
    }

    // MARK: training

    /// Trains a flow on rows `data` (`[N, dimension]`) by maximum likelihood: standardises with
    /// the data's mean and std, then `settings.steps` Adam steps on shuffled minibatches drawn
    /// with `rng`. Deterministic for a given `rng` state.
    public static func fit(_ data: [Float], dimension d: Int, settings: Settings = Settings(),
                           rng: inout RNG, progress: ((Int, Float) -> Void)? = nil) throws -> RealNVPFlow {
        guard d >= 2, data.count % d == 0 else {
            throw InputError("RealNVPFlow.fit", "needs D >= 2 and a multiple of D values; got D \(d), \(data.count) values")
        }
        let n = data.count / d
        guard n >= 2 else { throw InputError("RealNVPFlow.fit", "needs at least 2 rows, got \(n)") }
        if let bad = data.firstIndex(where: { !$0.isFinite }) {
            throw InputError("RealNVPFlow.fit", at: "row \(bad / d)", "non-finite value \(data[bad])")
        }
        let (mean, std) = ColumnStandardisation.meanAndStd(data, dimension: d, minStd: 1e-6)

        // small GEMMs: OpenBLAS threads only add overhead (docs/neural.md)
        if BLAS.threads != 1 { BLAS.setThreads(1) }
        var flow = RealNVPFlow(dimension: d, settings: settings, mean: mean, std: std, rng: &rng)
        var params = flow.parameters
        var adam = Adam(learningRate: settings.learningRate)
        let g = Graph(parameters: params)
        let batch = min(settings.batchSize, n)
        var order: [[Int]] = []
        var recent: [Float] = []
        for step in 0..<settings.steps {
            if order.isEmpty { order = Minibatches.shuffled(count: n, size: batch, rng: &rng, dropLast: true).reversed() }
            let idx = order.removeLast()
            g.setParameters(params)
            let x = g.input(shape: [idx.count, d]) { dst in
                for (k, r) in idx.enumerated() { for i in 0..<d { dst[k * d + i] = (data[r * d + i] - mean[i]) / std[i] } }
            }
            let loss = -flow.logProb(x, on: g).mean()
            let value = g.withValue(loss) { $0[0] }
            g.backward(loss)
            var grads = g.gradients()
            Gradients.clip(&grads, maxNorm: settings.gradientClip)
            adam.step(&params, gradients: grads)
            g.reset()
            recent.append(value)
            if recent.count > 100 { recent.removeFirst() }
            progress?(step, value)
        }
        flow = RealNVPFlow(dimension: d, settings: settings, parameters: params, mean: mean, std: std,
                           finalLoss: recent.reduce(0, +) / Float(max(recent.count, 1)))
        return flow
    }

    // MARK: files

    /// Architecture string stored in checkpoints.
    var architecture: String {
        "realnvp-v1 d\(dimension) couplings\(settings.couplings) hidden\(settings.hidden)x\(settings.hiddenLayers) bound\(settings.scaleBound)"
    }

    public func save(to path: String) throws {
        var p = parameters
        p["norm.mean"] = Tensor(shape: [dimension], data: mean)
        p["norm.std"] = Tensor(shape: [dimension], data: std)
        let meta = CheckpointMetadata(
            architecture: architecture,
            trainingConfig: ["learningRate": "\(settings.learningRate)", "batchSize": "\(settings.batchSize)",
                             "steps": "\(settings.steps)"],
            extra: ["dimension": "\(dimension)", "couplings": "\(settings.couplings)", "hidden": "\(settings.hidden)",
                    "hiddenLayers": "\(settings.hiddenLayers)", "scaleBound": "\(settings.scaleBound)",
                    "finalLoss": "\(finalLoss)"])
        try Checkpoint.save(p, metadata: meta, to: path)
    }

    /// Reads a flow written by `save(to:)`; throws `InputError` naming the file and the problem.
    public static func load(_ path: String) throws -> RealNVPFlow {
        let (p, meta) = try Checkpoint.load(path)
        guard let e = meta?.extra else { throw InputError(path, "checkpoint has no RealNVP metadata") }
        func int(_ k: String) throws -> Int {
            guard let v = e[k].flatMap({ Int($0) }), v > 0 else { throw InputError(path, at: "__metadata__.\(k)", "missing or invalid: \(e[k] ?? "nil")") }
            return v
        }
        var s = Settings()
        let d = try int("dimension")
        guard d >= 2 else { throw InputError(path, at: "__metadata__.dimension", "a flow couples at least two coordinates, got \(d)") }
        s.couplings = try int("couplings")
        s.hidden = try int("hidden")
        s.hiddenLayers = try int("hiddenLayers")
        guard let b = e["scaleBound"].flatMap({ Float($0) }), b > 0, b.isFinite else { throw InputError(path, at: "__metadata__.scaleBound", "missing or invalid") }
        s.scaleBound = b
        guard let mean = p["norm.mean"], let std = p["norm.std"], mean.count == d, std.count == d, std.data.allSatisfy({ $0 > 0 }) else {
            throw InputError(path, at: "norm", "standardisation tensors missing or invalid")
        }
        // every layer has tensors in the file: the metadata's counts cannot ask for more
        guard s.couplings <= p.count, s.hiddenLayers <= p.count, mean.data.allSatisfy({ $0.isFinite }), std.data.allSatisfy({ $0.isFinite }) else {
            throw InputError(path, at: "__metadata__.couplings", "\(s.couplings) couplings of \(s.hiddenLayers) hidden layers do not fit the file's \(p.count) tensors, "
                             + "or the standardisation is not finite")
        }
        try Checkpoint.requireWeights(Checkpoint.mlpWeights(inputs: d, hidden: [Int](repeating: s.hidden, count: s.hiddenLayers), outputs: 2 * d,
                                                            copies: s.couplings), in: p, source: path, at: "__metadata__.hidden")
        var expected = Parameters()
        var rng = RNG(seed: 0)
        for l in layers(dimension: d, settings: s) { l.initialize(&expected, rng: &rng) }
        let weights = p.filter { !$0.hasPrefix("norm.") }
        for (name, t) in zip(expected.names, expected.tensors) {
            guard let got = weights[name] else { throw InputError(path, at: name, "tensor missing from checkpoint") }
            guard got.shape == t.shape else { throw InputError(path, at: name, "shape \(got.shape), expected \(t.shape)") }
        }
        var ordered = Parameters()
        for name in expected.names { ordered[name] = weights[name] }
        return RealNVPFlow(dimension: d, settings: s, parameters: ordered, mean: mean.data, std: std.data,
                           finalLoss: e["finalLoss"].flatMap { Float($0) } ?? .nan)
    }
}
