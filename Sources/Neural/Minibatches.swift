import Geometry

/// An in-memory supervised data set: inputs and targets with the sample on the outermost axis,
/// and an optional class per sample for rebalanced sampling.
public struct Dataset: Sendable {
    public var inputs: Tensor
    public var targets: Tensor
    /// Class of each sample (e.g. 0 = no collision, 1 = collision), or empty.
    public var classes: [Int]

    public init(inputs: Tensor, targets: Tensor, classes: [Int] = []) {
        precondition(inputs.shape.first == targets.shape.first, "inputs \(inputs.shape) and targets \(targets.shape) differ in sample count")
        precondition(classes.isEmpty || classes.count == inputs.shape[0], "one class per sample")
        self.inputs = inputs; self.targets = targets; self.classes = classes
    }

    /// Number of samples.
    public var count: Int { inputs.shape.first ?? 0 }

    /// The samples at `indices` as one batch.
    public func batch(_ indices: [Int]) -> (inputs: Tensor, targets: Tensor) {
        (inputs.gather(rows: indices), targets.gather(rows: indices))
    }
}

/// Index batches over `count` samples for one epoch.
public enum Minibatches {
    /// Every sample once in a seeded random order, cut into batches of `size` (the last may be
    /// smaller unless `dropLast`).
    public static func shuffled(count: Int, size: Int, rng: inout RNG, dropLast: Bool = false) -> [[Int]] {
        var order = Array(0..<count)
        rng.shuffle(&order)
        return cut(order, size: size, dropLast: dropLast)
    }

    /// `count` samples drawn with replacement so every class is equally likely (each sample's
    /// weight is 1 / its class's frequency), cut into batches of `size`.
    public static func rebalanced(classes: [Int], count: Int, size: Int, rng: inout RNG) -> [[Int]] {
        precondition(!classes.isEmpty, "rebalanced sampling needs per-sample classes")
        var members: [Int: [Int]] = [:]
        for (i, c) in classes.enumerated() { members[c, default: []].append(i) }
        let keys = members.keys.sorted()
        var picks: [Int] = []
        picks.reserveCapacity(count)
        for _ in 0..<count {
            let m = members[keys[rng.int(below: keys.count)]]!
            picks.append(m[rng.int(below: m.count)])
        }
        return cut(picks, size: size, dropLast: false)
    }

    private static func cut(_ order: [Int], size: Int, dropLast: Bool) -> [[Int]] {
        precondition(size > 0, "batch size must be positive")
        var out: [[Int]] = []
        var i = 0
        while i < order.count {
            let j = min(i + size, order.count)
            if j - i == size || !dropLast { out.append(Array(order[i..<j])) }
            i = j
        }
        return out
    }
}
