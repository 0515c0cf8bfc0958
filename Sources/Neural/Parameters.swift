/// Named parameter tensors of a model, in insertion order.
///
/// Names are hierarchical with dots ("trunk.conv0.weight"); checkpoints and freezing use them.
/// A plain value: copying a `Parameters` copies the weights (copy-on-write).
public struct Parameters: Sendable, Equatable {
    /// Names in insertion order.
    public private(set) var names: [String] = []
    /// Tensors in the order of `names`.
    public private(set) var tensors: [Tensor] = []
    private var index: [String: Int] = [:]

    public init() {}

    /// The tensor named `name`, or nil. Setting replaces (shape may change) or appends.
    public subscript(name: String) -> Tensor? {
        get { index[name].map { tensors[$0] } }
        set {
            if let i = index[name] {
                if let v = newValue { tensors[i] = v } else {
                    names.remove(at: i); tensors.remove(at: i)
                    index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
                }
            } else if let v = newValue {
                index[name] = names.count
                names.append(name)
                tensors.append(v)
            }
        }
    }

    /// Whether a tensor of that name exists.
    public func contains(_ name: String) -> Bool { index[name] != nil }

    /// Position of `name` in `names`.
    public func position(of name: String) -> Int? { index[name] }

    /// Mutable access to the tensor at `position` without a dictionary lookup.
    public mutating func withTensor<R>(at position: Int, _ body: (inout Tensor) -> R) -> R {
        body(&tensors[position])
    }

    /// Number of tensors.
    public var count: Int { names.count }

    /// Total number of scalar elements.
    public var scalarCount: Int { tensors.reduce(0) { $0 + $1.count } }

    /// The subset whose names start with `prefix` (e.g. "trunk.").
    public func filter(_ keep: (String) -> Bool) -> Parameters {
        var p = Parameters()
        for (n, t) in zip(names, tensors) where keep(n) { p[n] = t }
        return p
    }

    /// Polyak averaging for target networks: self = (1 - rate) self + rate source, for every
    /// tensor name both hold (shapes must match).
    public mutating func moveToward(_ source: Parameters, rate: Float) {
        for i in 0..<tensors.count {
            guard let src = source[names[i]] else { continue }
            precondition(src.shape == tensors[i].shape, "moveToward: '\(names[i])' has shape \(src.shape), expected \(tensors[i].shape)")
            for j in 0..<src.count { tensors[i].data[j] += rate * (src.data[j] - tensors[i].data[j]) }
        }
    }

    /// Copies every tensor of `other` in under its name (adding or replacing).
    public mutating func merge(_ other: Parameters) {
        for (n, t) in zip(other.names, other.tensors) { self[n] = t }
    }
}
