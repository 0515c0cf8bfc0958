/// A handle to one value on a `Graph`'s tape. Cheap to copy; valid until the graph's `reset()`.
public struct Var {
    /// Index of the node on its graph.
    public let id: Int
    /// The graph that owns the value.
    public let graph: Graph

    /// Shape of the value.
    public var shape: [Int] { graph.shape(self) }
    /// A copy of the value.
    public var value: Tensor { graph.value(self) }
    /// The gradient after `backward`.
    public var gradient: Tensor { graph.gradient(self) }

    public static func + (a: Var, b: Var) -> Var { a.graph.add(a, b) }
    public static func - (a: Var, b: Var) -> Var { a.graph.sub(a, b) }
    public static func * (a: Var, b: Var) -> Var { a.graph.mul(a, b) }
    public static func / (a: Var, b: Var) -> Var { a.graph.div(a, b) }
    public static prefix func - (a: Var) -> Var { a.graph.scale(a, -1) }
    public static func + (a: Var, b: Float) -> Var { a.graph.affine(a, scale: 1, shift: b) }
    public static func - (a: Var, b: Float) -> Var { a.graph.affine(a, scale: 1, shift: -b) }
    public static func * (a: Var, b: Float) -> Var { a.graph.scale(a, b) }
    public static func * (a: Float, b: Var) -> Var { b.graph.scale(b, a) }

    public func relu() -> Var { graph.relu(self) }
    public func tanh() -> Var { graph.tanh(self) }
    public func sigmoid() -> Var { graph.sigmoid(self) }
    public func softplus() -> Var { graph.softplus(self) }
    public func exp() -> Var { graph.exp(self) }
    public func log() -> Var { graph.log(self) }
    public func square() -> Var { graph.square(self) }
    public func sum() -> Var { graph.sum(self) }
    public func mean() -> Var { graph.mean(self) }
    public func reshaped(_ s: [Int]) -> Var { graph.reshape(self, s) }
}
