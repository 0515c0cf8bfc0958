import Neural

/// Scratch memory for batched density and LDM evaluation, owned by one thread.
///
/// Buffers grow to the largest batch seen and are then reused, so evaluation allocates nothing
/// after the first batch of a given size. Not thread-safe: use one workspace per worker.
public final class DensityWorkspace {
    var doubles: [Double] = []
    var floats: [Float] = []
    var floats2: [Float] = []
    /// Inference graph of network-based models (created on first use).
    var graph: Graph?

    public init() {}

    /// Ensures `doubles` holds at least `n` values.
    func reserveDoubles(_ n: Int) {
        if doubles.count < n { doubles = [Double](repeating: 0, count: n) }
    }

    /// Ensures `floats` holds at least `n` values.
    func reserveFloats(_ n: Int) {
        if floats.count < n { floats = [Float](repeating: 0, count: n) }
    }

    /// Ensures `floats2` holds at least `n` values.
    func reserveFloats2(_ n: Int) {
        if floats2.count < n { floats2 = [Float](repeating: 0, count: n) }
    }

    /// The inference graph (no tape), created once.
    func inferenceGraph() -> Graph {
        if let g = graph { return g }
        let g = Graph(recording: false)
        graph = g
        return g
    }
}
