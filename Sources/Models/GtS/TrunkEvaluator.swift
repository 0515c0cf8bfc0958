import Neural

/// The collision predictor's perception trunk (convolutions, flatten, dense layers) for one
/// observation, on preallocated buffers: im2col + one GEMM per convolution, one GEMV-shaped GEMM
/// per dense layer, ReLU everywhere. Same arithmetic layout as the Neural engine's conv2d and
/// linear (NHWC, weights `[out, kh, kw, in]` and `[out, in]`), no allocation per call.
final class TrunkEvaluator {
    private struct ConvStep {
        var h, w, c, kernel, stride, pad, ho, wo, cout: Int
        var cols: Int { kernel * kernel * c }
    }

    private let convs: [ConvStep]
    private let denseSizes: [(inputs: Int, outputs: Int)]
    private var weights: [UnsafeMutablePointer<Float>] = []
    private var biases: [UnsafeMutablePointer<Float>] = []
    private let col: UnsafeMutablePointer<Float>
    private let ping: UnsafeMutablePointer<Float>
    private let pong: UnsafeMutablePointer<Float>
    /// Width of the output (`dense.last`).
    let outputs: Int
    private var resultIsPing = true

    init(_ predictor: CollisionPredictor) {
        let c = predictor.config
        let sizes = c.featureSizes
        var steps: [ConvStep] = []
        var channels = c.frames
        for (i, conv) in c.convs.enumerated() {
            steps.append(ConvStep(h: sizes[i].height, w: sizes[i].width, c: channels, kernel: conv.kernel, stride: conv.stride,
                                  pad: conv.padding, ho: sizes[i + 1].height, wo: sizes[i + 1].width, cout: conv.filters))
            channels = conv.filters
        }
        convs = steps
        var width = c.flattened
        var dense: [(Int, Int)] = []
        for d in c.dense { dense.append((width, d)); width = d }
        denseSizes = dense
        outputs = width
        let colMax = steps.map { $0.ho * $0.wo * $0.cols }.max() ?? 1
        let actMax = max(steps.map { $0.ho * $0.wo * $0.cout }.max() ?? 1, c.dense.max()!, c.flattened)
        col = .allocate(capacity: max(colMax, 1))
        ping = .allocate(capacity: actMax)
        pong = .allocate(capacity: actMax)
        for s in steps { weights.append(.allocate(capacity: s.cout * s.cols)); biases.append(.allocate(capacity: s.cout)) }
        for d in dense { weights.append(.allocate(capacity: d.1 * d.0)); biases.append(.allocate(capacity: d.1)) }
        setParameters(predictor.parameters)
    }

    deinit {
        for p in weights + biases + [col, ping, pong] { p.deallocate() }
    }

    /// Copies the `trunk.` weights in.
    func setParameters(_ p: Parameters) {
        let names = convs.indices.map { "trunk.conv\($0)" } + denseSizes.indices.map { "trunk.fc\($0)" }
        for (i, name) in names.enumerated() {
            guard let w = p[name + ".weight"], let b = p[name + ".bias"] else { preconditionFailure("trunk parameter '\(name)' missing") }
            w.data.withUnsafeBufferPointer { weights[i].update(from: $0.baseAddress!, count: w.count) }
            b.data.withUnsafeBufferPointer { biases[i].update(from: $0.baseAddress!, count: b.count) }
        }
    }

    /// Runs the trunk on one NHWC observation; returns the output (`outputs` floats, valid until
    /// the next call).
    func run(_ x: UnsafePointer<Float>) -> UnsafePointer<Float> {
        var src = x
        var dst = ping
        for (i, s) in convs.enumerated() {
            im2col(src, s)
            let rows = s.ho * s.wo
            for r in 0..<rows { (dst + r * s.cout).update(from: biases[i], count: s.cout) }
            sgemm(m: rows, n: s.cout, k: s.cols, col, lda: s.cols, weights[i], ldb: s.cols, transB: true, beta: 1, dst, ldc: s.cout)
            relu(dst, rows * s.cout)
            src = UnsafePointer(dst)
            dst = dst == ping ? pong : ping
        }
        for (j, d) in denseSizes.enumerated() {
            let i = convs.count + j
            dst.update(from: biases[i], count: d.outputs)
            sgemm(m: 1, n: d.outputs, k: d.inputs, src, lda: d.inputs, weights[i], ldb: d.inputs, transB: true, beta: 1, dst, ldc: d.outputs)
            relu(dst, d.outputs)
            src = UnsafePointer(dst)
            dst = dst == ping ? pong : ping
        }
        return src
    }

    private func relu(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n where p[i] < 0 { p[i] = 0 }
    }

    /// NHWC `x` -> `col` [ho * wo, kernel * kernel * c]; out-of-bounds taps are zero.
    private func im2col(_ x: UnsafePointer<Float>, _ s: ConvStep) {
        var dst = col
        for oh in 0..<s.ho {
            for ow in 0..<s.wo {
                for kh in 0..<s.kernel {
                    let ih = oh * s.stride - s.pad + kh
                    if ih < 0 || ih >= s.h {
                        dst.initialize(repeating: 0, count: s.kernel * s.c)
                        dst += s.kernel * s.c
                        continue
                    }
                    for kw in 0..<s.kernel {
                        let iw = ow * s.stride - s.pad + kw
                        if iw < 0 || iw >= s.w { dst.initialize(repeating: 0, count: s.c) } else {
                            dst.update(from: x + (ih * s.w + iw) * s.c, count: s.c)
                        }
                        dst += s.c
                    }
                }
            }
        }
    }
}
