import Dispatch
import Neural

/// Batched inference of `PoseDynamics` for planning: the state's contribution to the first
/// layer is folded into its bias once per tick (`setState`), then `evaluate` runs N candidate
/// action sequences through the MLP as GEMMs on preallocated workspaces, in fixed blocks of
/// `blockRows` split over `workers` threads (OpenBLAS single-threaded): bit-identical for any
/// thread count.
public final class PoseDynamicsEvaluator {
    public let config: PoseDynamicsConfig
    public let maxBatch: Int
    public let blockRows: Int
    public let workers: Int
    private var model: PoseDynamics
    private var weights: [UnsafeMutablePointer<Float>] = []   // per layer [out, in], input scales folded into layer 0
    private var biases: [UnsafeMutablePointer<Float>] = []
    private let widths: [Int]                                  // outputs of each layer
    private let bias0: UnsafeMutablePointer<Float>              // layer 0 bias + state term
    private let work: UnsafeMutablePointer<Float>               // [slots][2][blockRows * maxWidth]
    private let maxWidth: Int
    private let out: UnsafeMutablePointer<Float>                // [maxBatch][H * 3]
    private var lastCount = 0
    private var stateSet = false

    public init(_ model: PoseDynamics, maxBatch: Int, workers: Int = 2, blockRows: Int = 256) {
        precondition(maxBatch > 0 && workers > 0 && blockRows > 0, "maxBatch, workers and blockRows must be positive")
        self.config = model.config
        self.model = model
        self.maxBatch = maxBatch
        self.blockRows = min(blockRows, maxBatch)
        self.workers = workers
        widths = model.config.hidden + [model.config.outputs]
        maxWidth = widths.max()!
        bias0 = .allocate(capacity: widths[0])
        work = .allocate(capacity: workers * 2 * self.blockRows * maxWidth)
        out = .allocate(capacity: maxBatch * model.config.outputs)
        var fanIn = model.config.inputs
        for w in widths {
            weights.append(.allocate(capacity: w * fanIn))
            biases.append(.allocate(capacity: w))
            fanIn = w
        }
        pack()
        _ = BLAS.coreName
    }

    deinit {
        for p in weights + biases + [bias0, work, out] { p.deallocate() }
    }

    /// Replaces the weights (same architecture); call `setState` again before `evaluate`.
    public func setParameters(_ p: Parameters) {
        model.parameters = p
        pack()
        stateSet = false
    }

    private func pack() {
        let c = config
        var scale = c.stateScale
        for _ in 0..<c.horizon { scale += c.actionScale }
        var fanIn = c.inputs
        for (l, w) in widths.enumerated() {
            let name = l == widths.count - 1 ? "dyn.out" : "dyn.fc\(l)"
            guard let wt = model.parameters[name + ".weight"], let bt = model.parameters[name + ".bias"] else {
                preconditionFailure("dynamics parameter '\(name)' missing")
            }
            for o in 0..<w {
                for i in 0..<fanIn { weights[l][o * fanIn + i] = wt.data[o * fanIn + i] * (l == 0 ? scale[i] : 1) }
                biases[l][o] = bt.data[o]
            }
            fanIn = w
        }
    }

    /// Sets the robot state (`stateDim` floats) for the coming `evaluate` calls.
    public func setState(_ state: [Float]) {
        precondition(state.count == config.stateDim, "state has \(state.count) values, expected \(config.stateDim)")
        let w0 = widths[0], fanIn = config.inputs
        for o in 0..<w0 {
            var s = biases[0][o]
            for i in 0..<config.stateDim { s += weights[0][o * fanIn + i] * state[i] }
            bias0[o] = s
        }
        stateSet = true
    }

    /// Relative poses `[count][horizon][3]` of `count` action sequences (`[count][horizon]
    /// [actionDim]`), valid until the next call.
    @discardableResult
    public func evaluate(_ actions: UnsafeBufferPointer<Float>, count: Int) -> UnsafeBufferPointer<Float> {
        precondition(stateSet, "call setState before evaluate")
        precondition(count >= 0 && count <= maxBatch, "batch of \(count) exceeds maxBatch \(maxBatch)")
        precondition(actions.count >= count * config.horizon * config.actionDim, "actions too short for \(count) sequences")
        lastCount = count
        let blocks = (count + blockRows - 1) / blockRows
        guard blocks > 0, let base = actions.baseAddress else { return lastPoses }
        if BLAS.threads != 1 { BLAS.setThreads(1) }
        forEachBlock(blocks, lanes: workers) { b, lane in block(b, count: count, slot: lane, actions: base) }
        return lastPoses
    }

    /// `evaluate` from an array.
    public func evaluate(_ actions: [Float], count: Int) -> [Float] {
        actions.withUnsafeBufferPointer { Array(evaluate($0, count: count)) }
    }

    /// Poses of the last `evaluate`, `[count][horizon][3]`.
    public var lastPoses: UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: out, count: lastCount * config.outputs)
    }

    private func block(_ index: Int, count: Int, slot: Int, actions: UnsafePointer<Float>) {
        let r0 = index * blockRows, nr = min(blockRows, count - r0)
        let seq = config.horizon * config.actionDim, fanIn0 = config.inputs, s = config.stateDim
        let ping = work + slot * 2 * blockRows * maxWidth, pong = ping + blockRows * maxWidth
        var src: UnsafeMutablePointer<Float> = ping, fanIn = fanIn0
        for (l, w) in widths.enumerated() {
            let last = l == widths.count - 1
            let dst = last ? out + r0 * w : (l % 2 == 0 ? ping : pong)
            let b = l == 0 ? bias0 : biases[l]
            for r in 0..<nr { (dst + r * w).update(from: b, count: w) }
            if l == 0 {
                sgemm(m: nr, n: w, k: seq, actions + r0 * seq, lda: seq, weights[0] + s, ldb: fanIn0, transB: true,
                      beta: 1, dst, ldc: w)
            } else {
                sgemm(m: nr, n: w, k: fanIn, src, lda: fanIn, weights[l], ldb: fanIn, transB: true, beta: 1, dst, ldc: w)
            }
            if !last { for i in 0..<(nr * w) where dst[i] < 0 { dst[i] = 0 } }
            src = dst
            fanIn = w
        }
    }
}
