import Geometry
@testable import Neural
import Testing

/// Finite-difference gradient check in Float32: builds `body` on fresh graphs, reduces its
/// output with fixed random weights to a scalar, and compares the tape's gradients of every
/// input and parameter with central differences (relative tolerance, small absolute floor).
func checkGradients(_ inputs: [Tensor], params: Parameters = Parameters(), eps: Float = 1e-2,
                    rtol: Float = 2e-2, atol: Float = 2e-3, maxChecks: Int = 30,
                    sourceLocation: SourceLocation = #_sourceLocation,
                    _ body: (Graph, [Var]) -> Var) {
    var rng = RNG(seed: 99)
    // the reduction weights, fixed once the output shape is known
    let probe = Graph(parameters: params, recording: false)
    let outShape = body(probe, inputs.map { probe.input($0) }).shape
    let weights = Tensor.uniform(outShape, -1, 1, rng: &rng)

    func loss(_ xs: [Tensor], _ p: Parameters) -> Float {
        let g = Graph(parameters: p, recording: false)
        let y = body(g, xs.map { g.input($0) })
        return g.value(g.sum(g.mul(y, g.input(weights)))).scalar
    }

    let g = Graph(parameters: params)
    let vars = inputs.map { g.input($0, requiresGrad: true) }
    let y = body(g, vars)
    g.backward(g.sum(g.mul(y, g.input(weights))))
    let analytic = vars.map { g.gradient($0) }
    let paramGrads = g.gradients()

    func compare(_ a: Float, _ n: Float, _ what: String) {
        let ok = abs(a - n) <= atol + rtol * max(abs(a), abs(n))
        #expect(ok, "\(what): analytic \(a) vs numeric \(n)", sourceLocation: sourceLocation)
    }
    for (k, x) in inputs.enumerated() {
        for i in pick(x.count, maxChecks, &rng) {
            var plus = inputs, minus = inputs
            plus[k].data[i] += eps
            minus[k].data[i] -= eps
            compare(analytic[k].data[i], (loss(plus, params) - loss(minus, params)) / (2 * eps), "input \(k)[\(i)]")
        }
    }
    for name in params.names {
        guard let grad = paramGrads[name] else {
            Issue.record("no gradient for parameter \(name)", sourceLocation: sourceLocation)
            continue
        }
        for i in pick(grad.count, maxChecks, &rng) {
            var plus = params, minus = params
            plus[name]!.data[i] += eps
            minus[name]!.data[i] -= eps
            compare(grad.data[i], (loss(inputs, plus) - loss(inputs, minus)) / (2 * eps), "\(name)[\(i)]")
        }
    }
}

/// Up to `n` distinct indices below `count`.
private func pick(_ count: Int, _ n: Int, _ rng: inout RNG) -> [Int] {
    if count <= n { return Array(0..<count) }
    var all = Array(0..<count)
    rng.shuffle(&all)
    return Array(all.prefix(n))
}

/// Random tensor with entries whose magnitude is at least `gap` (keeps ReLU/abs/max inputs away
/// from kinks so finite differences are valid).
func awayFromZero(_ shape: [Int], gap: Float = 0.1, seed: UInt64) -> Tensor {
    var rng = RNG(seed: seed)
    var t = Tensor.uniform(shape, -1, 1, rng: &rng)
    for i in t.data.indices { t.data[i] = t.data[i] < 0 ? t.data[i] - gap : t.data[i] + gap }
    return t
}

/// Random tensor with distinct entries spaced by at least `gap` (for max and max pooling).
func distinct(_ shape: [Int], gap: Float = 0.05, seed: UInt64) -> Tensor {
    var rng = RNG(seed: seed)
    var values = (0..<Tensor.count(shape)).map { Float($0) * gap }
    rng.shuffle(&values)
    return Tensor(shape: shape, data: values)
}

func randomTensor(_ shape: [Int], seed: UInt64, lo: Float = -1, hi: Float = 1) -> Tensor {
    var rng = RNG(seed: seed)
    return .uniform(shape, lo, hi, rng: &rng)
}
