import Diagnostics
import Foundation
import Geometry
import Models
import Neural

/// An inference graph for one thread (the learned dynamics' scratch); not shared between threads.
public final class LDMFlightGraph: @unchecked Sendable {
    let graph = Graph(recording: false)
    public init() {}
}

/// The learned dynamics of the flight experiment: an MLP (ReLU) predicting the change of the
/// compact state over one control step, s' = s + f(s, a), from standardised [s, a]; the target
/// Delta s is standardised too (MSE in those units). Trained on the confined data only, so it is
/// good near hover and extrapolates (piecewise linearly) wherever the data did not go.
public struct LDMFlightDynamicsModel: Sendable {
    public struct Settings: Sendable, Equatable, Codable {
        public var hidden = [64, 64]
        public var steps = 4000
        public var batchSize = 256
        public var learningRate: Float = 1e-3
        /// Fraction of the pairs held out for the fit report.
        public var heldOutFraction = 0.1
        public init() {}
    }

    public let stateDim: Int
    public let actionDim: Int
    public let settings: Settings
    public let parameters: Parameters
    public let inputMean: [Float]
    public let inputStd: [Float]
    public let outputMean: [Float]
    public let outputStd: [Float]

    static func layers(inputs: Int, outputs: Int, hidden: [Int]) -> [Dense] {
        var out: [Dense] = []
        var n = inputs
        for (j, h) in hidden.enumerated() { out.append(Dense("dyn.fc\(j)", n, h, activation: .relu)); n = h }
        out.append(Dense("dyn.fc\(hidden.count)", n, outputs))
        return out
    }

    /// Fits the model to transitions (s, a, s') given as `[N, S]`, `[N, A]`, `[N, S]`; rows
    /// `0 ..< N` are all used (hold out before calling). Deterministic for `rng`.
    public static func train(states: [Float], actions: [Float], next: [Float], stateDim: Int, actionDim: Int,
                             settings: Settings, rng: inout RNG) throws -> LDMFlightDynamicsModel {
        let n = states.count / stateDim
        guard n > 1, actions.count == n * actionDim, next.count == n * stateDim else {
            throw InputError("LDMFlightDynamicsModel.train", "needs N > 1 matching states, actions and next states")
        }
        if BLAS.threads != 1 { BLAS.setThreads(1) }
        let d = stateDim + actionDim
        func stats(_ column: (Int) -> Float) -> (Float, Float) {
            var m: Double = 0, v: Double = 0
            for r in 0..<n { m += Double(column(r)) }
            m /= Double(n)
            for r in 0..<n { let t = Double(column(r)) - m; v += t * t }
            return (Float(m), Float(max((v / Double(n)).squareRoot(), 1e-4)))
        }
        var inMean = [Float](repeating: 0, count: d), inStd = [Float](repeating: 1, count: d)
        for i in 0..<stateDim { (inMean[i], inStd[i]) = stats { states[$0 * stateDim + i] } }
        for j in 0..<actionDim { (inMean[stateDim + j], inStd[stateDim + j]) = stats { actions[$0 * actionDim + j] } }
        var outMean = [Float](repeating: 0, count: stateDim), outStd = [Float](repeating: 1, count: stateDim)
        for i in 0..<stateDim { (outMean[i], outStd[i]) = stats { next[$0 * stateDim + i] - states[$0 * stateDim + i] } }

        var params = Parameters()
        let net = layers(inputs: d, outputs: stateDim, hidden: settings.hidden)
        for l in net { l.initialize(&params, rng: &rng) }
        var adam = Adam(learningRate: settings.learningRate)
        let g = Graph(parameters: params)
        let b = min(settings.batchSize, n)
        var idx = [Int](repeating: 0, count: b)
        for step in 0..<settings.steps {
            for k in 0..<b { idx[k] = rng.int(below: n) }
            adam.learningRate = settings.learningRate * (1 - 0.9 * Float(step) / Float(max(settings.steps, 1)))
            g.setParameters(params)
            let x = g.input(shape: [b, d]) { dst in
                for k in 0..<b {
                    let r = idx[k]
                    for i in 0..<stateDim { dst[k * d + i] = (states[r * stateDim + i] - inMean[i]) / inStd[i] }
                    for j in 0..<actionDim { dst[k * d + stateDim + j] = (actions[r * actionDim + j] - inMean[stateDim + j]) / inStd[stateDim + j] }
                }
            }
            let t = g.input(shape: [b, stateDim]) { dst in
                for k in 0..<b {
                    let r = idx[k]
                    for i in 0..<stateDim {
                        dst[k * stateDim + i] = (next[r * stateDim + i] - states[r * stateDim + i] - outMean[i]) / outStd[i]
                    }
                }
            }
            let y = net.reduce(x) { $1($0) }
            let loss = g.mse(y, t)
            g.backward(loss)
            var grads = g.gradients()
            Gradients.clip(&grads, maxNorm: 10)
            adam.step(&params, gradients: grads)
            g.reset()
        }
        return LDMFlightDynamicsModel(stateDim: stateDim, actionDim: actionDim, settings: settings, parameters: params,
                                      inputMean: inMean, inputStd: inStd, outputMean: outMean, outputStd: outStd)
    }

    /// Next states for `count` rows of states `[count, S]` and actions `[count, A]` into `next`
    /// `[count, S]` (may not alias the inputs). One batched forward pass on `graph`.
    public func predict(states s: UnsafeBufferPointer<Float>, actions a: UnsafeBufferPointer<Float>, count: Int,
                        into next: UnsafeMutableBufferPointer<Float>, graph: LDMFlightGraph) {
        guard count > 0 else { return }
        let g = graph.graph
        let sd = stateDim, ad = actionDim, d = sd + ad
        g.setParameters(parameters)
        let x = g.input(shape: [count, d]) { dst in
            inputMean.withUnsafeBufferPointer { mean in
                inputStd.withUnsafeBufferPointer { std in
                    for n in 0..<count {
                        for i in 0..<sd { dst[n * d + i] = (s[n * sd + i] - mean[i]) / std[i] }
                        for j in 0..<ad { dst[n * d + sd + j] = (a[n * ad + j] - mean[sd + j]) / std[sd + j] }
                    }
                }
            }
        }
        let y = LDMFlightDynamicsModel.layers(inputs: d, outputs: sd, hidden: settings.hidden).reduce(x) { $1($0) }
        g.withValue(y) { out in
            for n in 0..<count {
                for i in 0..<sd { next[n * sd + i] = s[n * sd + i] + out[n * sd + i] * outputStd[i] + outputMean[i] }
            }
        }
        g.reset()
    }

    /// Convenience: next states for arrays of rows.
    public func predict(states: [Float], actions: [Float], graph: LDMFlightGraph = LDMFlightGraph()) -> [Float] {
        let n = states.count / stateDim
        var out = [Float](repeating: 0, count: states.count)
        states.withUnsafeBufferPointer { s in
            actions.withUnsafeBufferPointer { a in out.withUnsafeMutableBufferPointer { predict(states: s, actions: a, count: n, into: $0, graph: graph) } }
        }
        return out
    }

    /// The model as the LDM's batched dynamics (one graph, called from one thread at a time).
    public var ldmDynamics: LDMDynamics {
        let model = self
        let graph = LDMFlightGraph()
        return { s, a, n, out in model.predict(states: s, actions: a, count: n, into: out, graph: graph) }
    }

    /// Per-row velocity error |v_predicted - v_true| (m/s; the first three state coordinates).
    public static func velocityErrors(predicted: [Float], actual: [Float], stateDim: Int) -> [Double] {
        let n = actual.count / stateDim
        return (0..<n).map { r in
            var e: Float = 0
            for i in 0..<3 { let t = predicted[r * stateDim + i] - actual[r * stateDim + i]; e += t * t }
            return Double(e.squareRoot())
        }
    }
}
