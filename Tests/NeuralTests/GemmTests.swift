import Foundation
import Geometry
@testable import Neural
import Testing

/// The own AVX-512 SGEMM (Sources/CNeuralKernels) against OpenBLAS and a Float64 product, over
/// shapes around every blocking edge (12-row and 32-column tiles, 256-deep and 96-row blocks,
/// 1024-column panels), all transpose combinations, alpha/beta and strided (sub-matrix) operands.
@Suite(.enabled(if: BLAS.ownAvailable, "CPU without AVX-512F: the own kernel never runs"))
struct GemmTests {
    /// One product: operands with row strides larger than their rows, C surrounded by sentinels.
    struct Case {
        var ta: Bool
        var tb: Bool
        var m: Int
        var n: Int
        var k: Int
        var alpha: Float
        var beta: Float
    }

    /// Returns (own result, OpenBLAS result, Float64 reference, per-element error scale) for `t`.
    func run(_ t: Case, seed: UInt64) -> (own: [Float], blas: [Float], exact: [Double], scale: [Double]) {
        var rng = RNG(seed: seed)
        let (ar, ac) = t.ta ? (t.k, t.m) : (t.m, t.k), (br, bc) = t.tb ? (t.n, t.k) : (t.k, t.n)
        let lda = ac + 3, ldb = bc + 5, ldc = t.n + 7
        let a = (0..<(ar * lda)).map { _ in Float(rng.uniform(-1, 1)) }
        let b = (0..<(br * ldb)).map { _ in Float(rng.uniform(-1, 1)) }
        let c0 = (0..<(t.m * ldc)).map { _ in Float(rng.uniform(-1, 1)) }
        func opA(_ i: Int, _ p: Int) -> Float { t.ta ? a[p * lda + i] : a[i * lda + p] }
        func opB(_ p: Int, _ j: Int) -> Float { t.tb ? b[j * ldb + p] : b[p * ldb + j] }
        var own = c0, blas = c0
        var exact = [Double](repeating: 0, count: t.m * t.n), scale = exact
        for i in 0..<t.m { for j in 0..<t.n {
            var s = 0.0, sa = 0.0
            for p in 0..<t.k { let x = Double(opA(i, p)) * Double(opB(p, j)); s += x; sa += abs(x) }
            let old = Double(c0[i * ldc + j])
            exact[i * t.n + j] = Double(t.alpha) * s + (t.beta == 0 ? 0 : Double(t.beta) * old)
            scale[i * t.n + j] = abs(Double(t.alpha)) * sa + abs(Double(t.beta) * old)
        } }
        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in
            own.withUnsafeMutableBufferPointer { cp in
                #expect(BLAS.ownGemm(transA: t.ta, transB: t.tb, m: t.m, n: t.n, k: t.k, alpha: t.alpha, ap.baseAddress!, lda: lda,
                                     bp.baseAddress!, ldb: ldb, beta: t.beta, cp.baseAddress!, ldc: ldc))
            }
            blas.withUnsafeMutableBufferPointer { cp in
                BLAS.blasGemm(transA: t.ta, transB: t.tb, m: t.m, n: t.n, k: t.k, alpha: t.alpha, ap.baseAddress!, lda: lda,
                              bp.baseAddress!, ldb: ldb, beta: t.beta, cp.baseAddress!, ldc: ldc)
            }
        } }
        // the padding between C's rows is never written
        for i in 0..<t.m { for j in t.n..<ldc { #expect(own[i * ldc + j] == c0[i * ldc + j]) } }
        let pick = { (c: [Float]) in (0..<t.m).flatMap { i in c[(i * ldc)..<(i * ldc + t.n)] } }
        return (pick(own), pick(blas), exact, scale)
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matchesOpenBLASAndExactProduct(_ ta: Bool, _ tb: Bool) {
        let shapes: [(Int, Int, Int)] = [
            (1, 1, 1), (12, 32, 1), (13, 33, 7), (11, 31, 255), (64, 64, 256), (97, 17, 257),
            (200, 40, 600), (25, 1100, 20), (100, 5, 300), (3, 70, 513),
        ]
        var seed: UInt64 = 1
        for (m, n, k) in shapes {
            for (alpha, beta): (Float, Float) in [(1, 0), (1, 1), (0.5, -2)] {
                let t = Case(ta: ta, tb: tb, m: m, n: n, k: k, alpha: alpha, beta: beta)
                let r = run(t, seed: seed)
                seed += 1
                var worstOwn = 0.0, worstBlas = 0.0
                for i in r.exact.indices {
                    let s = r.scale[i] + 1e-30
                    worstOwn = max(worstOwn, abs(Double(r.own[i]) - r.exact[i]) / s)
                    worstBlas = max(worstBlas, abs(Double(r.blas[i]) - r.exact[i]) / s)
                    #expect(abs(r.own[i] - r.blas[i]) <= Float(2e-6 * r.scale[i]) + 1e-30)
                }
                // Float32 accumulation: a few ulps of the sum of magnitudes, like OpenBLAS
                #expect(worstOwn < 2e-6, "\(t): own relative error \(worstOwn) (OpenBLAS \(worstBlas))")
            }
        }
    }

    @Test func betaZeroNeverReadsC() {
        // NaN garbage in C must not leak through with beta = 0 (fresh, uninitialised buffers)
        let m = 30, n = 50, k = 40
        var rng = RNG(seed: 5)
        let a = (0..<(m * k)).map { _ in Float(rng.uniform(-1, 1)) }, b = (0..<(k * n)).map { _ in Float(rng.uniform(-1, 1)) }
        var c = [Float](repeating: .nan, count: m * n), ref = [Float](repeating: 0, count: m * n)
        _ = BLAS.ownGemm(transA: false, transB: false, m: m, n: n, k: k, a, lda: k, b, ldb: n, beta: 0, &c, ldc: n)
        BLAS.blasGemm(transA: false, transB: false, m: m, n: n, k: k, a, lda: k, b, ldb: n, beta: 0, &ref, ldc: n)
        #expect(c.allSatisfy { $0.isFinite })
        #expect(zip(c, ref).allSatisfy { abs($0 - $1) <= 1e-4 })
    }

    @Test func splittingRowsOrColumnsGivesTheSameBits() {
        // every element's summation order depends on k only: the engine's fixed two-thread
        // splits (by rows or by columns) reproduce the single call bit for bit
        let m = 203, n = 150, k = 700
        var rng = RNG(seed: 6)
        let a = (0..<(m * k)).map { _ in Float(rng.uniform(-1, 1)) }, b = (0..<(k * n)).map { _ in Float(rng.uniform(-1, 1)) }
        let c0 = (0..<(m * n)).map { _ in Float(rng.uniform(-1, 1)) }
        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in
            let A = ap.baseAddress!, B = bp.baseAddress!
            var whole = c0, rows = c0, cols = c0
            _ = BLAS.ownGemm(transA: false, transB: false, m: m, n: n, k: k, A, lda: k, B, ldb: n, beta: 1, &whole, ldc: n)
            rows.withUnsafeMutableBufferPointer { c in
                for (r0, r1) in [(0, 37), (37, 203)] {
                    _ = BLAS.ownGemm(transA: false, transB: false, m: r1 - r0, n: n, k: k, A + r0 * k, lda: k, B, ldb: n,
                                     beta: 1, c.baseAddress! + r0 * n, ldc: n)
                }
            }
            cols.withUnsafeMutableBufferPointer { c in
                for (j0, j1) in [(0, 75), (75, 150)] {
                    _ = BLAS.ownGemm(transA: false, transB: false, m: m, n: j1 - j0, k: k, A, lda: k, B + j0, ldb: n,
                                     beta: 1, c.baseAddress! + j0, ldc: n)
                }
            }
            #expect(rows == whole)
            #expect(cols == whole)
        } }
    }

    @Test func concurrentCallsUseSeparateWorkspaces() {
        // the packing buffers are per thread: two threads multiplying at once get the same bits
        // as one thread doing both products in turn
        let m = 150, n = 96, k = 300
        var rng = RNG(seed: 8)
        let a = (0..<(2 * m * k)).map { _ in Float(rng.uniform(-1, 1)) }, b = (0..<(k * n)).map { _ in Float(rng.uniform(-1, 1)) }
        var serial = [Float](repeating: 0, count: 2 * m * n), threaded = serial
        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in
            let A = ap.baseAddress!, B = bp.baseAddress!
            serial.withUnsafeMutableBufferPointer { c in
                for h in 0..<2 {
                    _ = BLAS.ownGemm(transA: false, transB: false, m: m, n: n, k: k, A + h * m * k, lda: k, B, ldb: n,
                                     beta: 0, c.baseAddress! + h * m * n, ldc: n)
                }
            }
            threaded.withUnsafeMutableBufferPointer { c in
                let box = UncheckedSendable((A, B, c.baseAddress!))
                for _ in 0..<20 {
                    DispatchQueue.concurrentPerform(iterations: 2) { h in
                        let (A, B, C) = box.value
                        _ = BLAS.ownGemm(transA: false, transB: false, m: m, n: n, k: k, A + h * m * k, lda: k, B, ldb: n,
                                         beta: 0, C + h * m * n, ldc: n)
                    }
                }
            }
        } }
        #expect(threaded == serial)
    }
}

/// Gradient checks of the engine ops at sizes that route their products through the own kernel
/// (at least 64 rows and 16 columns), the transposed thin weight gradient of a 9-tap convolution,
/// the fused ReLU backward + bias sums, and the two-half `linear` split.
@Suite(.enabled(if: BLAS.own, "own kernel disabled or unavailable"))
struct OwnKernelOpTests {
    @Test func convolutionsOnTheOwnKernel() {
        // conv0: 1 -> 16 channels, 9 taps, 8 x 6 x 6 = 288 output rows; conv1: 16 -> 16, 144 taps
        let x = randomTensor([8, 12, 12, 1], seed: 40), w0 = randomTensor([16, 3, 3, 1], seed: 41)
        let w1 = randomTensor([16, 3, 3, 16], seed: 42), b1 = randomTensor([16], seed: 43)
        // a large bias keeps conv0's ReLU away from its kink, so the chain is linear where it is
        // probed and a large step keeps the loss's Float32 rounding out of the differences
        let b0 = Tensor(shape: [16], data: [Float](repeating: 4, count: 16))
        checkGradients([x, w0, b0, w1, b1], eps: 0.25) { g, v in
            let h = g.conv2d(v[0], v[1], v[2], stride: 2, padding: 1, activation: .relu)
            return g.conv2d(h, v[3], v[4], stride: 1, padding: 1)
        }
    }

    /// The output and weight gradient of a 3x3 convolution through the graph (with and without
    /// the two-thread split) against Float64 direct sums: y[pixel, co] = sum over taps of
    /// x[pixel's tap, ci] * W[co, tap, ci]; dW[co, kh, kw, ci] = sum over output pixels of
    /// dY[pixel, co] * x[pixel's tap, ci].
    func checkWeightGradient(n: Int, h: Int, cin: Int, cout: Int, stride: Int, pad: Int, seed: UInt64) {
        let ho = (h + 2 * pad - 3) / stride + 1, k = 9 * cin
        let x = randomTensor([n, h, h, cin], seed: seed), w = randomTensor([cout, 3, 3, cin], seed: seed + 1)
        let r = randomTensor([n, ho, ho, cout], seed: seed + 2)
        var exact = [Double](repeating: 0, count: cout * k), exactY = [Double](repeating: 0, count: n * ho * ho * cout)
        for s in 0..<n { for oh in 0..<ho { for ow in 0..<ho {
            let out = ((s * ho + oh) * ho + ow) * cout
            for kh in 0..<3 { for kw in 0..<3 {
                let ih = oh * stride - pad + kh, iw = ow * stride - pad + kw
                if ih < 0 || ih >= h || iw < 0 || iw >= h { continue }
                for ci in 0..<cin {
                    let xv = Double(x.data[((s * h + ih) * h + iw) * cin + ci]), tap = (kh * 3 + kw) * cin + ci
                    for co in 0..<cout {
                        exact[co * k + tap] += Double(r.data[out + co]) * xv
                        exactY[out + co] += Double(w.data[co * k + tap]) * xv
                    }
                }
            } }
        } } }
        var grads: [Tensor] = [], outputs: [Tensor] = []
        for parallel in [true, false] {
            let g = Graph()
            g.parallel = parallel
            let wv = g.input(w, requiresGrad: true)
            let y = g.conv2d(g.input(x), wv, nil, stride: stride, padding: pad)
            outputs.append(g.value(y))
            g.backward(g.sum(g.mul(y, g.input(r))))
            grads.append(g.gradient(wv))
        }
        #expect(grads[0] == grads[1])
        #expect(outputs[0] == outputs[1])
        var worstY = 0.0
        for i in exactY.indices { worstY = max(worstY, abs(Double(outputs[0].data[i]) - exactY[i]) / max(1, abs(exactY[i]))) }
        #expect(worstY <= 1e-5, "output: worst error \(worstY)")
        var worst = 0.0
        for i in exact.indices { worst = max(worst, abs(Double(grads[0].data[i]) - exact[i]) / max(1, abs(exact[i]))) }
        #expect(worst <= 1e-4, "n \(n) h \(h) cin \(cin) cout \(cout) stride \(stride) pad \(pad): worst error \(worst)")
    }

    @Test func thinWeightGradientMatchesDirectSum() {
        // 9 taps: computed as its transpose; enough samples for several im2col chunks in both halves
        checkWeightGradient(n: 30, h: 64, cin: 1, cout: 16, stride: 2, pad: 1, seed: 47)
    }

    @Test func tableConvolutionMatchesDirectSum() {
        // 32 and 64 input channels: the unfolded rows are read from the input through row pointers
        // (several chunks in both halves; padding taps read zeros; a tap straddling no edge)
        checkWeightGradient(n: 8, h: 16, cin: 32, cout: 64, stride: 1, pad: 1, seed: 50)
        checkWeightGradient(n: 12, h: 16, cin: 64, cout: 20, stride: 2, pad: 1, seed: 53)
        checkWeightGradient(n: 5, h: 9, cin: 32, cout: 70, stride: 2, pad: 0, seed: 56)
    }

    @Test func splitLinearOnTheOwnKernel() {
        // 64 x 128 x 512: above the two-half split threshold; linear in its inputs, so a large
        // step keeps rounding out of the finite differences
        let x = randomTensor([64, 512], seed: 44), w = randomTensor([128, 512], seed: 45), b = randomTensor([128], seed: 46)
        for parallel in [true, false] {
            checkGradients([x, w, b], eps: 0.1) { g, v in
                g.parallel = parallel
                return g.linear(v[0], v[1], v[2])
            }
        }
    }
}
