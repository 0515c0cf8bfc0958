import Geometry

/// A model component with named parameters and a single-input forward pass.
///
/// Layers are plain `Sendable` values describing structure (sizes, names); their weights live
/// in a `Parameters` value and are read from the graph by name during the forward pass.
public protocol Layer: Sendable {
    /// Adds this layer's freshly initialised parameters to `parameters`.
    func initialize(_ parameters: inout Parameters, rng: inout RNG)
    /// Applies the layer to `x` on `x.graph`.
    func callAsFunction(_ x: Var) -> Var
}

extension Layer {
    /// This layer's parameters initialised from `rng`.
    public func initialParameters(rng: inout RNG) -> Parameters {
        var p = Parameters()
        initialize(&p, rng: &rng)
        return p
    }
}

/// Elementwise activations as a layer or a Dense/Conv2d option.
public enum Activation: String, Sendable, Codable {
    case none, relu, tanh, sigmoid, softplus

    /// Applies the activation.
    public func apply(_ x: Var) -> Var {
        switch self {
        case .none: return x
        case .relu: return x.graph.relu(x)
        case .tanh: return x.graph.tanh(x)
        case .sigmoid: return x.graph.sigmoid(x)
        case .softplus: return x.graph.softplus(x)
        }
    }
}

extension Activation: Layer {
    public func initialize(_ parameters: inout Parameters, rng: inout RNG) {}
    public func callAsFunction(_ x: Var) -> Var { apply(x) }
}

/// Layers applied one after another.
public struct Sequential: Layer {
    public var layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers }
    public init(@SequentialBuilder _ build: () -> [any Layer]) { self.layers = build() }

    public func initialize(_ parameters: inout Parameters, rng: inout RNG) {
        for l in layers { l.initialize(&parameters, rng: &rng) }
    }

    public func callAsFunction(_ x: Var) -> Var { layers.reduce(x) { $1($0) } }
}

/// Builder for `Sequential { ... }`.
@resultBuilder public enum SequentialBuilder {
    public static func buildExpression(_ l: any Layer) -> [any Layer] { [l] }
    public static func buildBlock(_ parts: [any Layer]...) -> [any Layer] { parts.flatMap { $0 } }
    public static func buildArray(_ parts: [[any Layer]]) -> [any Layer] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [any Layer]?) -> [any Layer] { part ?? [] }
    public static func buildEither(first: [any Layer]) -> [any Layer] { first }
    public static func buildEither(second: [any Layer]) -> [any Layer] { second }
}

/// [N, ...] -> [N, prod(...)].
public struct Flatten: Layer {
    public init() {}
    public func initialize(_ parameters: inout Parameters, rng: inout RNG) {}
    public func callAsFunction(_ x: Var) -> Var { x.graph.flatten(x) }
}

/// Max or average pooling over NHWC images.
public struct Pool2d: Layer {
    public enum Kind: String, Sendable { case max, average }
    public var kind: Kind
    public var kernel: Int
    public var stride: Int
    public var padding: Int

    public init(_ kind: Kind, kernel: Int, stride: Int? = nil, padding: Int = 0) {
        self.kind = kind; self.kernel = kernel; self.stride = stride ?? kernel; self.padding = padding
    }
    public func initialize(_ parameters: inout Parameters, rng: inout RNG) {}
    public func callAsFunction(_ x: Var) -> Var {
        kind == .max ? x.graph.maxPool2d(x, kernel: kernel, stride: stride, padding: padding)
                     : x.graph.avgPool2d(x, kernel: kernel, stride: stride, padding: padding)
    }
}
