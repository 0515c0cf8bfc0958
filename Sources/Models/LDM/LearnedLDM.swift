import Diagnostics
import Foundation
import Geometry
import Neural

/// The Lyapunov density model G(s, a) of a continuous problem, learned like a value function
/// (METHODS.md section 3) from a density model p(s, a) and dynamics f(s, a).
///
/// Parametrisation: G(s, a) = E(s, a) + max(0, r(s, a)), with E = min(-log p, `energyCap`) from
/// the density model and r the larger of two MLP residuals (double-Q). G >= E holds by
/// construction (as it does for the exact LDM), and the networks only learn the part of G the
/// density does not already give: how much worse than *now* the agent must get later.
///
/// Training (`train`) regresses both networks on the discounted backup
///
///     y = (1 - gamma) E(s, a) + gamma max( E(s, a), min_{a'} G_target(f(s, a), a') )
///
/// where the min over a' is over `candidateActions` uniform samples and G_target uses the
/// Polyak-averaged target networks. Both residuals regress the same y - E.
///
/// Combining the two networks: the *max* (not TD3's min). The min over sampled a' of a noisy
/// estimate is biased *low*, and a low G is the unsafe direction for a safety filter (it admits
/// actions); the max of two independently initialised estimates counters that bias and errs
/// towards rejecting. The same max is used when evaluating G for the filter.
public struct LearnedLDM: Sendable {
    /// How to combine the two networks (targets and evaluation).
    public enum Combination: String, Sendable, Codable, Equatable { case max, min }

    /// Training settings. Defaults are sized to train in seconds on the small problems here; the
    /// authors used 2 x 1024 hidden, batch 1024, Adam 1e-4 (see docs/ldm.md).
    public struct Settings: Sendable, Equatable, Codable {
        /// Hidden layer widths of each of the two networks.
        public var hidden: [Int] = [64, 64]
        /// (s, a) rows per training batch.
        public var batchSize = 256
        /// Adam learning rate.
        public var learningRate: Float = 1e-3
        /// Optimiser steps.
        public var steps = 10000
        /// Discount of the backup (1 = exact max/min recursion, not a contraction).
        public var gamma: Float = 0.99
        /// Polyak factor tau: target <- (1 - tau) target + tau online, every step.
        public var polyak: Float = 0.005
        /// Sampled next actions for the min over a'.
        public var candidateActions = 16
        /// How the two networks are combined.
        public var combination: Combination = .max
        /// Energy cap; nil = the largest training-data energy plus `capMargin`.
        public var energyCap: Float?
        /// Margin above the largest data energy for the automatic cap (nats).
        public var capMargin: Float = 6
        /// Fraction of training states drawn from the data; the rest uniform in the data's
        /// bounding box widened by `stateMargin` of its size on each side.
        public var dataStateFraction: Float = 0.5
        /// Widening of the uniform state box (fraction of the data range per side).
        public var stateMargin: Float = 0.25
        /// Global gradient-norm clip.
        public var gradientClip: Float = 10
        /// The learning rate decays linearly to this fraction of `learningRate` over the steps
        /// (a quieter final G; 1 = constant).
        public var finalLearningRateFraction: Float = 0.1

        public init() {}
    }

    public let stateDim: Int
    public let actionDim: Int
    public let actionLower: [Float]
    public let actionUpper: [Float]
    public let settings: Settings
    /// Both networks' weights ("q1.fc<j>", "q2.fc<j>").
    public let parameters: Parameters
    /// Input standardisation of [s, a].
    public let inputMean: [Float]
    public let inputStd: [Float]
    /// The residual's units: r = `residualScale` x network output (nats).
    public let residualScale: Float
    /// Energies are clipped to this (nats).
    public let energyCap: Float
    /// The density model E comes from.
    public let density: any DensityModel
    /// Mean squared backup error (nats^2) over the last 100 training steps.
    public let finalLoss: Float

    /// -log c for a density level c.
    public static func threshold(level c: Double) -> Float { Float(-log(c)) }

    static func layers(_ prefix: String, inputs: Int, hidden: [Int]) -> [Dense] {
        var out: [Dense] = []
        var n = inputs
        for (j, h) in hidden.enumerated() { out.append(Dense("\(prefix).fc\(j)", n, h, activation: .relu)); n = h }
        out.append(Dense("\(prefix).fc\(hidden.count)", n, 1))
        return out
    }

    /// The residual network `prefix` on standardised rows `x` [N, S + A] -> [N, 1].
    static func residual(_ prefix: String, _ x: Var, hidden: [Int], inputs: Int) -> Var {
        layers(prefix, inputs: inputs, hidden: hidden).reduce(x) { $1($0) }
    }

    // MARK: evaluation

    /// G for rows `x` `[count, S + A]` (raw coordinates) into `out` (nats).
    public func values(_ x: UnsafeBufferPointer<Float>, count: Int, into out: UnsafeMutableBufferPointer<Float>,
                       workspace: DensityWorkspace) {
        guard count > 0 else { return }
        // energies first (the workspace graph is reused below)
        density.logDensity(x, count: count, into: out, workspace: workspace)
        let d = stateDim + actionDim
        let g = workspace.inferenceGraph()
        g.setParameters(parameters)
        let input = g.input(shape: [count, d]) { dst in
            for n in 0..<count { for i in 0..<d { dst[n * d + i] = (x[n * d + i] - inputMean[i]) / inputStd[i] } }
        }
        let r1 = LearnedLDM.residual("q1", input, hidden: settings.hidden, inputs: d)
        let r2 = LearnedLDM.residual("q2", input, hidden: settings.hidden, inputs: d)
        let cap = energyCap, scale = residualScale, useMax = settings.combination == .max
        g.withValue(r1) { a in
            g.withValue(r2) { b in
                for n in 0..<count {
                    let e = min(-out[n], cap)
                    let r = useMax ? max(a[n], b[n]) : min(a[n], b[n])
                    out[n] = min(e + max(0, scale * r), cap)
                }
            }
        }
        g.reset()
    }

    /// Convenience: G of rows `x` (`[n, S + A]`).
    public func values(_ x: [Float], workspace: DensityWorkspace = DensityWorkspace()) -> [Float] {
        let n = x.count / (stateDim + actionDim)
        var out = [Float](repeating: 0, count: n)
        x.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer { values(xp, count: n, into: $0, workspace: workspace) } }
        return out
    }

    /// min_a G(s, a) over `actions` (`[K, A]`) for one state: the best level the agent can
    /// keep from s.
    public func stateValue(_ state: [Float], actions: [Float]) -> Float {
        let k = actions.count / actionDim, d = stateDim + actionDim
        var rows = [Float](repeating: 0, count: k * d)
        for a in 0..<k {
            for i in 0..<stateDim { rows[a * d + i] = state[i] }
            for j in 0..<actionDim { rows[a * d + stateDim + j] = actions[a * actionDim + j] }
        }
        return values(rows).min() ?? .infinity
    }

    // MARK: training

    /// Learns G from `density`, `dynamics` and the training states `states` (`[N, S]`, the
    /// data's states: they set the state sampling box and half the training states). Actions
    /// are sampled uniformly in [actionLower, actionUpper]. Deterministic for a given `rng`.
    public static func train(density: any DensityModel, dynamics: LDMDynamics, states: [Float], stateDim: Int,
                             actionLower: [Float], actionUpper: [Float], settings: Settings = Settings(),
                             rng: inout RNG, progress: ((Int, Float) -> Void)? = nil) throws -> LearnedLDM {
        let aDim = actionLower.count
        let d = stateDim + aDim
        guard stateDim > 0, aDim > 0, actionUpper.count == aDim, zip(actionLower, actionUpper).allSatisfy({ $0 < $1 }) else {
            throw InputError("LearnedLDM.train", "needs S > 0 and a non-empty action box with lower < upper")
        }
        guard density.dimension == d else {
            throw InputError("LearnedLDM.train", "density dimension \(density.dimension) != S + A = \(d)")
        }
        guard states.count % stateDim == 0, states.count >= stateDim else {
            throw InputError("LearnedLDM.train", "needs at least one training state of \(stateDim) values")
        }
        guard settings.gamma > 0, settings.gamma <= 1, settings.polyak > 0, settings.polyak <= 1,
              settings.candidateActions > 0, settings.batchSize > 0 else {
            throw InputError("LearnedLDM.train", "settings out of range: gamma \(settings.gamma), polyak \(settings.polyak)")
        }
        let nData = states.count / stateDim
        // small GEMMs: OpenBLAS threads only add overhead (docs/neural.md)
        if BLAS.threads != 1 { BLAS.setThreads(1) }
        // state sampling box from the data
        var lo = [Float](repeating: .infinity, count: stateDim), hi = [Float](repeating: -.infinity, count: stateDim)
        for r in 0..<nData { for i in 0..<stateDim { lo[i] = min(lo[i], states[r * stateDim + i]); hi[i] = max(hi[i], states[r * stateDim + i]) } }
        for i in 0..<stateDim {
            let w = max(hi[i] - lo[i], 1e-3) * settings.stateMargin
            lo[i] -= w; hi[i] += w
        }
        let ws = DensityWorkspace()
        // energies of the data (with random actions) set the cap and the residual scale
        let probe = min(nData, 4096)
        var probeRows = [Float](repeating: 0, count: probe * d)
        for r in 0..<probe {
            let src = rng.int(below: nData)
            for i in 0..<stateDim { probeRows[r * d + i] = states[src * stateDim + i] }
            for j in 0..<aDim { probeRows[r * d + stateDim + j] = actionLower[j] + (actionUpper[j] - actionLower[j]) * rng.uniformFloat() }
        }
        let probeE = density.logDensities(probeRows, workspace: ws).map { -$0 }
        let finite = probeE.filter { $0.isFinite }
        let cap = settings.energyCap ?? ((finite.max() ?? 0) + settings.capMargin)
        let eLow = finite.min() ?? 0
        let scale = max(cap - eLow, 1e-3)
        // input standardisation: data states and the uniform action box
        let stateStats = ColumnStandardisation.meanAndStd(states, dimension: stateDim, minStd: 1e-3)
        var mean = stateStats.mean + [Float](repeating: 0, count: aDim), std = stateStats.std + [Float](repeating: 1, count: aDim)
        for j in 0..<aDim {
            mean[stateDim + j] = (actionLower[j] + actionUpper[j]) / 2
            std[stateDim + j] = (actionUpper[j] - actionLower[j]) / Float(12).squareRoot()
        }

        var params = Parameters()
        for l in layers("q1", inputs: d, hidden: settings.hidden) { l.initialize(&params, rng: &rng) }
        for l in layers("q2", inputs: d, hidden: settings.hidden) { l.initialize(&params, rng: &rng) }
        var model = LearnedLDM(stateDim: stateDim, actionDim: aDim, actionLower: actionLower, actionUpper: actionUpper,
                               settings: settings, parameters: params, inputMean: mean, inputStd: std,
                               residualScale: scale, energyCap: cap, density: density, finalLoss: .nan)
        var target = model
        var adam = Adam(learningRate: settings.learningRate)
        let g = Graph(parameters: params)
        let b = settings.batchSize, m = settings.candidateActions
        var rows = [Float](repeating: 0, count: b * d)
        var sBatch = [Float](repeating: 0, count: b * stateDim), aBatch = [Float](repeating: 0, count: b * aDim)
        var next = [Float](repeating: 0, count: b * stateDim)
        var candRows = [Float](repeating: 0, count: b * m * d)
        var candG = [Float](repeating: 0, count: b * m)
        var logp = [Float](repeating: 0, count: b)
        var targets = [Float](repeating: 0, count: b)
        let gamma = settings.gamma, tau = settings.polyak
        var recent: [Float] = []
        let dataCut = Int((Float(b) * settings.dataStateFraction).rounded())
        for step in 0..<settings.steps {
            // (s, a) batch: data states and uniform box states, uniform actions
            for r in 0..<b {
                if r < dataCut {
                    let src = rng.int(below: nData)
                    for i in 0..<stateDim { sBatch[r * stateDim + i] = states[src * stateDim + i] }
                } else {
                    for i in 0..<stateDim { sBatch[r * stateDim + i] = lo[i] + (hi[i] - lo[i]) * rng.uniformFloat() }
                }
                for j in 0..<aDim { aBatch[r * aDim + j] = actionLower[j] + (actionUpper[j] - actionLower[j]) * rng.uniformFloat() }
                for i in 0..<stateDim { rows[r * d + i] = sBatch[r * stateDim + i] }
                for j in 0..<aDim { rows[r * d + stateDim + j] = aBatch[r * aDim + j] }
            }
            rows.withUnsafeBufferPointer { x in logp.withUnsafeMutableBufferPointer { density.logDensity(x, count: b, into: $0, workspace: ws) } }
            sBatch.withUnsafeBufferPointer { s in
                aBatch.withUnsafeBufferPointer { a in next.withUnsafeMutableBufferPointer { dynamics(s, a, b, $0) } }
            }
            // min over sampled a' of the target G at s'
            for r in 0..<b {
                for c in 0..<m {
                    let p = (r * m + c) * d
                    for i in 0..<stateDim { candRows[p + i] = next[r * stateDim + i] }
                    for j in 0..<aDim { candRows[p + stateDim + j] = actionLower[j] + (actionUpper[j] - actionLower[j]) * rng.uniformFloat() }
                }
            }
            candRows.withUnsafeBufferPointer { x in candG.withUnsafeMutableBufferPointer { target.values(x, count: b * m, into: $0, workspace: ws) } }
            for r in 0..<b {
                var best = Float.infinity
                for c in 0..<m { best = min(best, candG[r * m + c]) }
                let e = min(-logp[r], cap)
                let y = (1 - gamma) * e + gamma * max(e, min(best, cap))
                // residual target in network units
                targets[r] = (y - e) / scale
            }
            // regress both residual networks on the same targets
            adam.learningRate = settings.learningRate
                * (1 - (1 - settings.finalLearningRateFraction) * Float(step) / Float(max(settings.steps, 1)))
            g.setParameters(params)
            let x = g.input(shape: [b, d]) { dst in
                for n in 0..<b { for i in 0..<d { dst[n * d + i] = (rows[n * d + i] - mean[i]) / std[i] } }
            }
            let t = g.input(shape: [b, 1]) { dst in for n in 0..<b { dst[n] = targets[n] } }
            let q1 = residual("q1", x, hidden: settings.hidden, inputs: d)
            let q2 = residual("q2", x, hidden: settings.hidden, inputs: d)
            let loss = g.mse(q1, t) + g.mse(q2, t)
            let lv = g.withValue(loss) { $0[0] }
            g.backward(loss)
            var grads = g.gradients()
            Gradients.clip(&grads, maxNorm: settings.gradientClip)
            adam.step(&params, gradients: grads)
            g.reset()
            // Polyak-averaged targets
            var tp = target.parameters
            for k in 0..<tp.count {
                let online = params.tensors[k]
                tp.withTensor(at: k) { tt in for i in tt.data.indices { tt.data[i] = (1 - tau) * tt.data[i] + tau * online.data[i] } }
            }
            target = target.with(parameters: tp)
            recent.append(lv * scale * scale / 2)
            if recent.count > 100 { recent.removeFirst() }
            progress?(step, lv)
        }
        model = model.with(parameters: params, finalLoss: recent.reduce(0, +) / Float(max(recent.count, 1)))
        return model
    }

    /// A copy with other weights.
    func with(parameters p: Parameters, finalLoss loss: Float? = nil) -> LearnedLDM {
        LearnedLDM(stateDim: stateDim, actionDim: actionDim, actionLower: actionLower, actionUpper: actionUpper,
                   settings: settings, parameters: p, inputMean: inputMean, inputStd: inputStd,
                   residualScale: residualScale, energyCap: energyCap, density: density, finalLoss: loss ?? finalLoss)
    }

    // MARK: files

    /// Writes the two networks and the standardisation to a safetensors checkpoint at `path`
    /// (the density model is saved separately with its own `save(to:)`).
    public func save(to path: String) throws {
        var p = parameters
        p["norm.mean"] = Tensor(shape: [inputMean.count], data: inputMean)
        p["norm.std"] = Tensor(shape: [inputStd.count], data: inputStd)
        p["action.lower"] = Tensor(shape: [actionDim], data: actionLower)
        p["action.upper"] = Tensor(shape: [actionDim], data: actionUpper)
        let sorted = JSONEncoder()
        sorted.outputFormatting = [.sortedKeys]   // the same bytes for the same settings
        let settingsJSON = String(decoding: try sorted.encode(settings), as: UTF8.self)
        let meta = CheckpointMetadata(
            architecture: "ldm-v1 s\(stateDim) a\(actionDim) hidden\(settings.hidden.map(String.init).joined(separator: "-")) x2",
            trainingConfig: ["settings": settingsJSON],
            extra: ["stateDim": "\(stateDim)", "actionDim": "\(actionDim)", "residualScale": "\(residualScale)",
                    "energyCap": "\(energyCap)", "finalLoss": "\(finalLoss)"])
        try Checkpoint.save(p, metadata: meta, to: path)
    }

    /// Reads an LDM written by `save(to:)` and attaches `density` (which must be the model it
    /// was trained with). Throws `InputError` naming the file and the problem.
    public static func load(_ path: String, density: any DensityModel) throws -> LearnedLDM {
        let (p, meta) = try Checkpoint.load(path)
        guard let meta, let sj = meta.trainingConfig["settings"],
              let settings = try? JSONDecoder().decode(Settings.self, from: Data(sj.utf8)),
              let sd = meta.extra["stateDim"].flatMap({ Int($0) }), let ad = meta.extra["actionDim"].flatMap({ Int($0) }),
              let scale = meta.extra["residualScale"].flatMap({ Float($0) }), let cap = meta.extra["energyCap"].flatMap({ Float($0) }) else {
            throw InputError(path, at: "__metadata__", "not an LDM checkpoint (settings, sizes or scales missing)")
        }
        // sizes, scales and standardisation as the evaluation uses them: positive sizes the file's
        // tensors can hold, finite scales, positive finite deviations, a non-empty action box
        guard sd >= 1, ad >= 1, sd <= p.scalarCount, ad <= p.scalarCount else {
            throw InputError(path, at: "__metadata__.stateDim", "S \(sd) and A \(ad) must be positive and fit the file")
        }
        guard density.dimension == sd + ad else {
            throw InputError(path, "LDM over S + A = \(sd + ad) coordinates, density has \(density.dimension)")
        }
        guard scale.isFinite, scale > 0, cap.isFinite else {
            throw InputError(path, at: "__metadata__.residualScale", "residualScale \(scale) must be positive and energyCap \(cap) finite")
        }
        guard let mean = p["norm.mean"], let std = p["norm.std"], let lo = p["action.lower"], let hi = p["action.upper"],
              mean.count == sd + ad, std.count == sd + ad, lo.count == ad, hi.count == ad else {
            throw InputError(path, at: "norm", "standardisation or action-box tensors missing or of the wrong size")
        }
        if let i = mean.data.indices.first(where: { !mean.data[$0].isFinite || !(std.data[$0].isFinite && std.data[$0] > 0) }) {
            throw InputError(path, at: "norm.std[\(i)]", "mean \(mean.data[i]) and deviation \(std.data[i]) must be finite, the deviation positive")
        }
        if let j = lo.data.indices.first(where: { !(lo.data[$0].isFinite && hi.data[$0].isFinite && lo.data[$0] < hi.data[$0]) }) {
            throw InputError(path, at: "action.lower[\(j)]", "action box \(lo.data[j]) to \(hi.data[j]) must be finite and non-empty")
        }
        try Checkpoint.requireWeights(Checkpoint.mlpWeights(inputs: sd + ad, hidden: settings.hidden, outputs: 1, copies: 2),
                                      in: p, source: path, at: "__metadata__.settings.hidden")
        var expected = Parameters()
        var rng = RNG(seed: 0)
        for l in layers("q1", inputs: sd + ad, hidden: settings.hidden) + layers("q2", inputs: sd + ad, hidden: settings.hidden) {
            l.initialize(&expected, rng: &rng)
        }
        let ordered = try Checkpoint.select(p, like: expected, source: path)
        return LearnedLDM(stateDim: sd, actionDim: ad, actionLower: lo.data, actionUpper: hi.data, settings: settings,
                          parameters: ordered, inputMean: mean.data, inputStd: std.data, residualScale: scale,
                          energyCap: cap, density: density,
                          finalLoss: meta.extra["finalLoss"].flatMap { Float($0) } ?? .nan)
    }
}
