import Geometry

/// Fully connected layer: y = act(x W^T + b). Parameters "<name>.weight" [out, in] and
/// "<name>.bias" [out]. Input [..., in] -> [..., out].
public struct Dense: Layer {
    public var name: String
    public var inputs: Int
    public var outputs: Int
    public var activation: Activation
    public var useBias: Bool
    public var weightInit: Initializer

    public init(_ name: String, _ inputs: Int, _ outputs: Int, activation: Activation = .none, bias: Bool = true,
                weightInit: Initializer? = nil) {
        self.name = name; self.inputs = inputs; self.outputs = outputs
        self.activation = activation; self.useBias = bias
        self.weightInit = weightInit ?? (activation == .relu ? .heUniform : .glorotUniform)
    }

    public func initialize(_ parameters: inout Parameters, rng: inout RNG) {
        parameters[name + ".weight"] = weightInit.make([outputs, inputs], fanIn: inputs, fanOut: outputs, rng: &rng)
        if useBias { parameters[name + ".bias"] = Tensor(shape: [outputs]) }
    }

    public func callAsFunction(_ x: Var) -> Var {
        let g = x.graph
        let y = g.linear(x, g.param(name + ".weight"), useBias ? g.param(name + ".bias") : nil,
                         activation: activation == .relu ? .relu : .none)
        return activation == .relu ? y : activation.apply(y)
    }
}

/// 2-D convolution over NHWC images. Parameters "<name>.weight" [out, k, k, in], "<name>.bias" [out].
public struct Conv2d: Layer {
    public var name: String
    public var inputs: Int
    public var outputs: Int
    public var kernel: Int
    public var stride: Int
    public var padding: Int
    public var activation: Activation
    public var weightInit: Initializer

    public init(_ name: String, _ inputs: Int, _ outputs: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                activation: Activation = .none, weightInit: Initializer? = nil) {
        self.name = name; self.inputs = inputs; self.outputs = outputs; self.kernel = kernel
        self.stride = stride; self.padding = padding; self.activation = activation
        self.weightInit = weightInit ?? (activation == .relu ? .heUniform : .glorotUniform)
    }

    public func initialize(_ parameters: inout Parameters, rng: inout RNG) {
        let area = kernel * kernel
        parameters[name + ".weight"] = weightInit.make([outputs, kernel, kernel, inputs], fanIn: inputs * area,
                                                       fanOut: outputs * area, rng: &rng)
        parameters[name + ".bias"] = Tensor(shape: [outputs])
    }

    public func callAsFunction(_ x: Var) -> Var {
        let g = x.graph
        let y = g.conv2d(x, g.param(name + ".weight"), g.param(name + ".bias"), stride: stride, padding: padding,
                         activation: activation == .relu ? .relu : .none)
        return activation == .relu ? y : activation.apply(y)
    }
}

/// Layer normalisation over the last axis. Parameters "<name>.weight" (gamma) and "<name>.bias" (beta), [dim].
public struct LayerNorm: Layer {
    public var name: String
    public var dim: Int
    public var epsilon: Float

    public init(_ name: String, _ dim: Int, epsilon: Float = 1e-5) { self.name = name; self.dim = dim; self.epsilon = epsilon }

    public func initialize(_ parameters: inout Parameters, rng: inout RNG) {
        parameters[name + ".weight"] = Tensor(shape: [dim], repeating: 1)
        parameters[name + ".bias"] = Tensor(shape: [dim])
    }

    public func callAsFunction(_ x: Var) -> Var {
        let g = x.graph
        return g.layerNorm(x, gamma: g.param(name + ".weight"), beta: g.param(name + ".bias"), epsilon: epsilon)
    }
}

/// Lookup table of learned vectors. Parameter "<name>.weight" [count, dim].
public struct Embedding: Sendable {
    public var name: String
    public var count: Int
    public var dim: Int

    public init(_ name: String, count: Int, dim: Int) { self.name = name; self.count = count; self.dim = dim }

    public func initialize(_ parameters: inout Parameters, rng: inout RNG) {
        parameters[name + ".weight"] = .normal([count, dim], std: 1, rng: &rng)
    }

    /// Rows for `indices` -> [indices.count, dim].
    public func callAsFunction(_ indices: [Int], on g: Graph) -> Var {
        g.gather(g.param(name + ".weight"), rows: indices)
    }
}
