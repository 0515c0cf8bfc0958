import Dispatch
import Neural

/// The planner's inference path for the collision predictor: the trunk runs once per
/// observation (`encode`), then `evaluate` scores N candidate action sequences by running the
/// LSTM over the horizon as large GEMMs, `[rows, embedding + hidden] x [embedding + hidden,
/// 4 hidden]` per step, on preallocated workspaces (no allocation per call after the first
/// `encode`).
///
/// Equivalent to `CollisionPredictor.logits` followed by a sigmoid (tested to float tolerance);
/// faster because
/// - the observation's trunk output (the LSTM's h0 = c0) is shared by all candidates, so step 0's
///   recurrent product h0 Wh^T + b is computed once;
/// - the input and recurrent products of a step are one GEMM on the concatenated [x_t, h_{t-1}];
/// - the tanh gate's weights are pre-doubled so one sigmoid serves every gate
///   (tanh x = 2 sigmoid(2x) - 1), and the gates, the bias and the cell update run in one pass
///   (`lstmCellDoubled`: C, AVX-512 with a reciprocal estimate where the CPU has it), so the gate
///   GEMM writes its output without reading it (beta 0);
/// - candidates are processed in fixed blocks of `blockRows` rows that stay in cache.
///
/// Threads: `.splitBatch` runs the blocks on `workers` threads (DispatchQueue.concurrentPerform)
/// with OpenBLAS at one thread; `.blasThreads` runs blocks in order with OpenBLAS at `workers`
/// threads. Either way the block partition is fixed, so results are bit-identical whatever the
/// thread count. (A candidate's value can differ by an ulp between batches of different sizes:
/// OpenBLAS may use another kernel for a block's tail rows.) Evaluation sets OpenBLAS's
/// (process-wide) thread count accordingly.
///
/// A reference type owning its buffers; not thread-safe (one per planner).
public final class CollisionBatchEvaluator {
    /// How the two cores are used.
    public enum Parallelism: String, Codable, Sendable, CaseIterable {
        /// Blocks split across `workers` threads, OpenBLAS single-threaded.
        case splitBatch
        /// Blocks in sequence, OpenBLAS with `workers` threads. This sets OpenBLAS's process-wide
        /// thread count for the call (set back to 1 after it), so use it only where no other
        /// thread runs GEMMs (benchmarks).
        case blasThreads
    }

    /// The model architecture.
    public let config: CollisionPredictorConfig
    /// Largest number of candidates per `evaluate` call.
    public let maxBatch: Int
    /// Candidates per block (the unit of work and of the fixed partition).
    public let blockRows: Int
    public let parallelism: Parallelism
    /// Threads used (1 = everything on the calling thread).
    public let workers: Int

    private var predictor: CollisionPredictor
    private let trunk: TrunkEvaluator
    private let e, hd, g4, k, hh, a, horizon: Int
    // packed weights
    private let w: UnsafeMutablePointer<Float>        // [k, g4]: rows 0..<e = Wx^T, e..<k = Wh^T; g gate doubled
    private let bias: UnsafeMutablePointer<Float>     // [g4], g gate doubled
    private let actW: UnsafeMutablePointer<Float>     // [a, e], actionScale folded in
    private let actB: UnsafeMutablePointer<Float>     // [e]
    private let head0W: UnsafeMutablePointer<Float>   // [hh, hd]
    private let head0B: UnsafeMutablePointer<Float>   // [hh]
    private let head1W: UnsafeMutablePointer<Float>   // [hh]
    private var head1B: Float = 0
    // per observation
    private let h0: UnsafeMutablePointer<Float>       // [hd]
    private let c0: UnsafeMutablePointer<Float>       // [hd]
    private let z0: UnsafeMutablePointer<Float>       // [g4] = h0 Wh^T + b (doubled g gate)
    private var encoded = false
    // per-worker workspaces
    private let xh, z, cell, head: UnsafeMutablePointer<Float>
    /// Probabilities of the last `evaluate`, [maxBatch][horizon].
    private let probs: UnsafeMutablePointer<Float>
    private var lastCount = 0

    /// An evaluator for `predictor`'s weights, for batches of up to `maxBatch` candidates.
    public init(_ predictor: CollisionPredictor, maxBatch: Int, parallelism: Parallelism = .splitBatch,
                workers: Int = 2, blockRows: Int = 256) {
        precondition(maxBatch > 0 && workers > 0 && blockRows > 0, "maxBatch, workers and blockRows must be positive")
        let c = predictor.config
        self.config = c
        self.maxBatch = maxBatch
        self.blockRows = min(blockRows, maxBatch)
        self.parallelism = parallelism
        self.workers = workers
        self.predictor = predictor
        trunk = TrunkEvaluator(predictor)
        e = c.actionEmbedding; hd = c.hidden; g4 = 4 * c.hidden; k = e + hd; hh = c.headHidden
        a = c.actionDim; horizon = c.horizon
        w = .allocate(capacity: k * g4); bias = .allocate(capacity: g4)
        actW = .allocate(capacity: a * e); actB = .allocate(capacity: e)
        head0W = .allocate(capacity: hh * hd); head0B = .allocate(capacity: hh); head1W = .allocate(capacity: hh)
        h0 = .allocate(capacity: hd); c0 = .allocate(capacity: hd); z0 = .allocate(capacity: g4)
        let slots = parallelism == .splitBatch ? workers : 1, rows = self.blockRows
        xh = .allocate(capacity: slots * rows * k); z = .allocate(capacity: slots * rows * g4)
        cell = .allocate(capacity: slots * rows * hd); head = .allocate(capacity: slots * rows * hh)
        probs = .allocate(capacity: maxBatch * horizon)
        xh.initialize(repeating: 0, count: slots * rows * k)
        probs.initialize(repeating: 0, count: maxBatch * horizon)
        pack()
        _ = BLAS.coreName   // OpenBLAS kernel selection before the first GEMM
    }

    deinit {
        for p in [w, bias, actW, actB, head0W, head0B, head1W, h0, c0, z0, xh, z, cell, head, probs] { p.deallocate() }
    }

    /// Replaces the weights (same architecture); the next `evaluate` needs a new `encode`.
    public func setParameters(_ p: Parameters) {
        predictor.parameters = p
        trunk.setParameters(p)
        pack()
        encoded = false
    }

    /// Copies the predictor's weights into the GEMM layouts.
    private func pack() {
        let p = predictor.parameters
        func t(_ name: String) -> [Float] {
            guard let v = p[name] else { preconditionFailure("collision predictor parameter '\(name)' missing") }
            return v.data
        }
        let wx = t("lstm.wx"), wh = t("lstm.wh"), b = t("lstm.bias")
        for j in 0..<g4 {
            let s: Float = j >= 2 * hd && j < 3 * hd ? 2 : 1
            for i in 0..<e { w[i * g4 + j] = s * wx[j * e + i] }
            for i in 0..<hd { w[(e + i) * g4 + j] = s * wh[j * hd + i] }
            bias[j] = s * b[j]
        }
        let aw = t("action.fc.weight"), ab = t("action.fc.bias")
        for j in 0..<e {
            for d in 0..<a { actW[d * e + j] = aw[j * a + d] * config.actionScale[d] }
            actB[j] = ab[j]
        }
        let w0 = t("head.fc0.weight"), b0 = t("head.fc0.bias"), w1 = t("head.fc1.weight")
        for i in 0..<(hh * hd) { head0W[i] = w0[i] }
        for j in 0..<hh { head0B[j] = b0[j]; head1W[j] = w1[j] }
        head1B = t("head.fc1.bias")[0]
    }

    /// Runs the trunk on one observation (`height * width * frames` floats, NHWC, pixels scaled
    /// (x - 128) / 128) and prepares the shared initial LSTM state for `evaluate`. Allocation-free.
    public func encode(_ observation: UnsafeBufferPointer<Float>) {
        precondition(observation.count == config.observationSize,
                     "observation has \(observation.count) floats, expected \(config.observationSize)")
        let out = trunk.run(observation.baseAddress!)
        h0.update(from: out, count: hd)
        c0.update(from: out + (config.initialState == .split ? hd : 0), count: hd)
        z0.update(from: bias, count: g4)
        sgemm(m: 1, n: g4, k: hd, h0, lda: hd, w + e * g4, ldb: g4, beta: 1, z0, ldc: g4)
        encoded = true
    }

    /// `encode` from an array.
    public func encode(_ observation: [Float]) {
        observation.withUnsafeBufferPointer { encode($0) }
    }

    /// The LSTM's initial hidden state from the last `encode`, `hidden` floats.
    public var initialHidden: [Float] { Array(UnsafeBufferPointer(start: h0, count: hd)) }

    /// The LSTM's initial cell state from the last `encode`, `hidden` floats.
    public var initialCell: [Float] { Array(UnsafeBufferPointer(start: c0, count: hd)) }

    /// Collision probabilities of `count` candidates (`actions` laid out `[count][horizon]
    /// [actionDim]`, physical units) for the encoded observation; returns `[count][horizon]`
    /// probabilities, valid until the next call.
    @discardableResult
    public func evaluate(_ actions: UnsafeBufferPointer<Float>, count: Int) -> UnsafeBufferPointer<Float> {
        precondition(encoded, "call encode(observation) before evaluate")
        precondition(count >= 0 && count <= maxBatch, "batch of \(count) exceeds maxBatch \(maxBatch)")
        precondition(actions.count >= count * horizon * a, "actions hold \(actions.count) floats for \(count) sequences")
        lastCount = count
        let blocks = (count + blockRows - 1) / blockRows
        guard blocks > 0, let base = actions.baseAddress else { return lastProbabilities }
        switch parallelism {
        case .blasThreads:
            if BLAS.threads != workers { BLAS.setThreads(workers) }
            for b in 0..<blocks { block(b, count: count, slot: 0, actions: base) }
            BLAS.setThreads(1)   // back to the process default (BLAS.setThreads)
        case .splitBatch:
            if BLAS.threads != 1 { BLAS.setThreads(1) }
            forEachBlock(blocks, lanes: workers) { b, lane in block(b, count: count, slot: lane, actions: base) }
        }
        return lastProbabilities
    }

    /// `evaluate` from an array.
    @discardableResult
    public func evaluate(_ actions: [Float], count: Int) -> [Float] {
        actions.withUnsafeBufferPointer { Array(evaluate($0, count: count)) }
    }

    /// Probabilities of the last `evaluate`, `[count][horizon]`.
    public var lastProbabilities: UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: probs, count: lastCount * horizon)
    }

    /// One block of candidates through the horizon on workspace `slot`.
    private func block(_ index: Int, count: Int, slot: Int, actions: UnsafePointer<Float>) {
        let r0 = index * blockRows, nr = min(blockRows, count - r0)
        let xh = self.xh + slot * blockRows * k, z = self.z + slot * blockRows * g4
        let cell = self.cell + slot * blockRows * hd, head = self.head + slot * blockRows * hh
        let (e, hd, g4, k, hh, a, horizon) = (self.e, self.hd, self.g4, self.k, self.hh, self.a, self.horizon)
        for r in 0..<nr { (cell + r * hd).update(from: c0, count: hd) }
        for step in 0..<horizon {
            // action embedding into the first e columns of [x_t, h_{t-1}]
            for r in 0..<nr {
                let act = actions + ((r0 + r) * horizon + step) * a, x = xh + r * k
                for j in 0..<e { x[j] = actB[j] }
                for d in 0..<a {
                    let v = act[d], row = actW + d * e
                    for j in 0..<e { x[j] += v * row[j] }
                }
                for j in 0..<e { x[j] = Swift.max(x[j], 0) }
            }
            // gate pre-activations without their bias, which the cell adds: at step 0 only x's
            // product (h0 Wh^T + b, shared by every candidate, is the cell's bias), later one GEMM
            // over [x, h] with b
            sgemm(m: nr, n: g4, k: step == 0 ? e : k, xh, lda: k, w, ldb: g4, beta: 0, z, ldc: g4)
            // gates and c = f c + i g, h = o tanh(c), written into the last hd columns of [x, h]
            lstmCellDoubled(gates: z, ldz: g4, bias: step == 0 ? z0 : bias, cell: cell, ldc: hd, hidden: xh + e, ldh: k,
                            rows: nr, units: hd)
            // head: relu(h W0^T + b0) . w1 + b1 -> probability
            for r in 0..<nr { (head + r * hh).update(from: head0B, count: hh) }
            sgemm(m: nr, n: hh, k: hd, xh + e, lda: k, head0W, ldb: hd, transB: true, beta: 1, head, ldc: hh)
            for r in 0..<nr {
                let hr = head + r * hh
                var s = head1B
                for j in 0..<hh { s += Swift.max(hr[j], 0) * head1W[j] }
                probs[(r0 + r) * horizon + step] = exactSigmoid(s)
            }
        }
    }
}
