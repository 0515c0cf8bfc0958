import Foundation

/// Updates parameters from gradients. Only the names present in the gradients change, so
/// frozen parameters (never given gradients by the graph) stay bit-identical.
public protocol Optimizer: TensorUpdateRule, Sendable {
    /// Applies one update step.
    mutating func step(_ parameters: inout Parameters, gradients: Parameters)
    /// Applies one update step with the gradients still on `graph` (no copies).
    mutating func step(_ parameters: inout Parameters, graph: Graph)
}

extension Optimizer {
    public mutating func step(_ parameters: inout Parameters, gradients: Parameters) {
        for (name, g) in zip(gradients.names, gradients.tensors) {
            g.data.withUnsafeBufferPointer { update(&parameters, name, $0) }
        }
        finishStep()
    }

    public mutating func step(_ parameters: inout Parameters, graph: Graph) {
        graph.forEachGradient { name, g in update(&parameters, name, g) }
        finishStep()
    }
}

/// The per-tensor rule an optimiser implements; `step` drives it.
public protocol TensorUpdateRule {
    /// Updates the parameter `name` from its gradient `g`.
    mutating func update(_ parameters: inout Parameters, _ name: String, _ g: UnsafeBufferPointer<Float>)
    /// Called once after all tensors of a step.
    mutating func finishStep()
}

/// Gradient utilities.
public enum Gradients {
    /// Euclidean norm over all gradient elements.
    public static func globalNorm(_ g: Parameters) -> Float {
        var s: Double = 0
        for t in g.tensors { for v in t.data { s += Double(v) * Double(v) } }
        return Float(s.squareRoot())
    }

    /// Scales all gradients so their global norm is at most `maxNorm`; returns the norm before.
    @discardableResult
    public static func clip(_ g: inout Parameters, maxNorm: Float) -> Float {
        let norm = globalNorm(g)
        guard norm > maxNorm, norm > 0 else { return norm }
        let s = maxNorm / norm
        for i in 0..<g.count { g.withTensor(at: i) { t in for j in t.data.indices { t.data[j] *= s } } }
        return norm
    }
}

/// Stochastic gradient descent with (optionally Nesterov) momentum and L2 weight decay.
public struct SGD: Optimizer {
    public var learningRate: Float
    public var momentum: Float
    public var weightDecay: Float
    public var nesterov: Bool
    private var velocity: [String: [Float]] = [:]

    public init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) {
        self.learningRate = learningRate; self.momentum = momentum; self.weightDecay = weightDecay; self.nesterov = nesterov
    }

    public mutating func update(_ parameters: inout Parameters, _ name: String, _ g: UnsafeBufferPointer<Float>) {
        guard let pos = parameters.position(of: name) else { return }
        var v = velocity.removeValue(forKey: name) ?? [Float](repeating: 0, count: g.count)
        let (lr, mu, wd, nag) = (learningRate, momentum, weightDecay, nesterov)
        parameters.withTensor(at: pos) { p in
            precondition(p.count == g.count, "gradient of '\(name)' has \(g.count) elements, parameter \(p.count)")
            for i in 0..<g.count {
                let d = g[i] + wd * p.data[i]
                v[i] = mu * v[i] + d
                p.data[i] -= lr * (nag ? d + mu * v[i] : v[i])
            }
        }
        velocity[name] = v
    }

    public mutating func finishStep() {}
}

/// Adam; with `decoupled` the weight decay is AdamW's (applied to the weights, not the gradient).
public struct Adam: Optimizer {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    public var decoupled: Bool
    /// Steps taken so far.
    public private(set) var stepCount = 0
    private var moments: [String: (m: [Float], v: [Float])] = [:]

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, decoupled: Bool = false) {
        self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        self.weightDecay = weightDecay; self.decoupled = decoupled
    }

    /// AdamW (decoupled weight decay, default 0.01).
    public static func adamW(learningRate: Float = 1e-3, weightDecay: Float = 0.01) -> Adam {
        Adam(learningRate: learningRate, weightDecay: weightDecay, decoupled: true)
    }

    public mutating func update(_ parameters: inout Parameters, _ name: String, _ gp: UnsafeBufferPointer<Float>) {
        guard let pos = parameters.position(of: name) else { return }
        let t = Float(stepCount + 1)
        let c1 = 1 - powf(beta1, t), c2 = 1 - powf(beta2, t)
        let (lr, b1, b2, eps, wd, dec) = (learningRate, beta1, beta2, epsilon, weightDecay, decoupled)
        var st = moments.removeValue(forKey: name) ?? ([Float](repeating: 0, count: gp.count), [Float](repeating: 0, count: gp.count))
        parameters.withTensor(at: pos) { p in
            precondition(p.count == gp.count, "gradient of '\(name)' has \(gp.count) elements, parameter \(p.count)")
            p.data.withUnsafeMutableBufferPointer { pp in
                st.m.withUnsafeMutableBufferPointer { m in
                    st.v.withUnsafeMutableBufferPointer { v in
                        // elementwise: large tensors update in two halves on two threads, same bits
                        let n = gp.count, halves = n >= 1 << 16
                        forHalves(halves ? 2 : 1, parallel: halves) { half, lo, hi in
                            guard lo < hi else { return }
                            let i0 = halves && half == 1 ? n / 2 : 0, i1 = halves && half == 0 ? n / 2 : n
                            Kernels.adam(pp.baseAddress! + i0, gp.baseAddress! + i0, m.baseAddress! + i0, v.baseAddress! + i0,
                                         i1 - i0, lr: lr, b1: b1, b2: b2, eps: eps, c1: c1, c2: c2, weightDecay: wd, decoupled: dec)
                        }
                    }
                }
            }
        }
        moments[name] = st
    }

    public mutating func finishStep() { stepCount += 1 }
}
