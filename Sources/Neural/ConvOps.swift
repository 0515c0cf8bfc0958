import CNeuralKernels
import Foundation

/// Geometry of a 2-D convolution or pooling window over an NHWC image.
struct Window {
    var n, h, w, c: Int
    var kh, kw, stride, pad: Int
    var ho: Int { (h + 2 * pad - kh) / stride + 1 }
    var wo: Int { (w + 2 * pad - kw) / stride + 1 }
    /// Rows of the im2col matrix: one per output pixel.
    var rows: Int { n * ho * wo }
    /// Columns of the im2col matrix: one per (kh, kw, c) tap.
    var cols: Int { kh * kw * c }

    /// Calls `body` with the flat NHWC offset of the first channel of every input pixel in the
    /// window of output row `r` (kernel rows, then columns; padded taps skipped): the walk
    /// pooling's forward and backward share.
    @inline(__always)
    func forEachTap(row r: Int, _ body: (Int) -> Void) {
        let n = r / (ho * wo), oh = (r / wo) % ho, ow = r % wo
        for ky in 0..<kh {
            let ih = oh * stride - pad + ky
            if ih < 0 || ih >= h { continue }
            for kx in 0..<kw {
                let iw = ow * stride - pad + kx
                if iw < 0 || iw >= w { continue }
                body(((n * h + ih) * w + iw) * c)
            }
        }
    }
}

/// Hands a value to concurrent workers that touch disjoint memory.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Runs `body(half, lo, hi)` for the two halves of `0..<count` (a fixed split), on two threads
/// when `parallel`. Each half must write disjoint memory.
@inline(__always)
func forHalves(_ count: Int, parallel: Bool, _ body: (Int, Int, Int) -> Void) {
    let mid = count / 2
    if !parallel || mid == 0 {
        body(0, 0, mid)
        body(1, mid, count)
        return
    }
    withoutActuallyEscaping(body) { body in
        let box = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: 2) { h in
            box.value(h, h == 0 ? 0 : mid, h == 0 ? mid : count)
        }
    }
}

/// Convolution (im2col + one GEMM over the whole batch) and pooling, NHWC.
extension Graph {
    /// 2-D convolution. x: [N, H, W, Cin]; w: [Cout, KH, KW, Cin]; b: [Cout].
    /// Output [N, Ho, Wo, Cout] with Ho = (H + 2 pad - KH) / stride + 1.
    public func conv2d(_ x: Var, _ w: Var, _ b: Var?, stride: Int = 1, padding: Int = 0,
                       activation: Fused = .none) -> Var {
        let sx = shape(x), sw = shape(w)
        precondition(sx.count == 4 && sw.count == 4 && sx[3] == sw[3],
                     "conv2d: input \(sx) (NHWC) does not match weight \(sw) ([Cout, KH, KW, Cin])")
        let win = Window(n: sx[0], h: sx[1], w: sx[2], c: sx[3], kh: sw[1], kw: sw[2], stride: stride, pad: padding)
        precondition(win.ho > 0 && win.wo > 0, "conv2d: kernel \(sw[1])x\(sw[2]) larger than padded input \(sx)")
        let cout = sw[0], m = win.rows, k = win.cols
        if let b { precondition(shape(b) == [cout], "conv2d: bias \(shape(b)) for \(cout) channels") }
        let y = make([win.n, win.ho, win.wo, cout], needsGrad: needsGrad(x) || needsGrad(w) || (b.map(needsGrad) ?? false))
        let direct = sw[1] == 1 && sw[2] == 1 && stride == 1 && padding == 0
        let yp = ptr(y), wp = ptr(w), bp = b.map(ptr), xp = ptr(x)
        let perSample = win.ho * win.wo, inSample = win.h * win.w * win.c
        // unfold a few samples at a time so the columns stay in cache (about 1 MB per chunk);
        // the backward pass unfolds again instead of keeping a batch-sized column matrix
        let chunk = Swift.max(1, Swift.min(win.n, (1 << 18) / Swift.max(perSample * k, 1)))
        let chunks = (win.n + chunk - 1) / chunk
        let parallel = self.parallel
        if direct {
            BLAS.gemm(transA: false, transB: true, m: m, n: cout, k: k, xp, wp, beta: 0, yp)
            biasActivation(yp, rows: m, cols: cout, bias: bp, activation)
        } else {
            let bufs = [scratchBuffer(chunk * perSample * k), scratchBuffer(chunk * perSample * k)]
            // inputs with 32, 64, 128 or 256 channels: the own kernel reads the unfolded rows
            // straight from the input through a table of row pointers (no im2col copy; same bits)
            let table = BLAS.own && win.c % 32 == 0 && 256 % win.c == 0
            forHalves(chunks, parallel: parallel) { half, lo, hi in
                for c in lo..<hi {
                    var sub = win
                    sub.n = Swift.min(win.n, (c + 1) * chunk) - c * chunk
                    let out = yp + c * chunk * perSample * cout
                    if !(table && BLAS.useOwn(m: sub.rows, n: cout)
                         && swl_conv_forward(xp + c * chunk * inSample, Int32(sub.n), Int32(sub.h), Int32(sub.w), Int32(sub.c),
                                             Int32(sub.kh), Int32(sub.kw), Int32(sub.stride), Int32(sub.pad), wp, Int32(cout),
                                             out) == 0) {
                        swl_im2col(xp + c * chunk * inSample, Int32(sub.n), Int32(sub.h), Int32(sub.w), Int32(sub.c),
                                   Int32(sub.kh), Int32(sub.kw), Int32(sub.stride), Int32(sub.pad), bufs[half])
                        BLAS.gemm(transA: false, transB: true, m: sub.rows, n: cout, k: k, bufs[half], wp, beta: 0, out)
                    }
                    biasActivation(out, rows: sub.rows, cols: cout, bias: bp, activation)
                }
            }
        }
        onBackward(y) { [b = b?.id, w = w.id, x = x.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            let relu = activation == .relu
            let wantW = g.needsGrad(w), wantX = g.needsGrad(x), wantB = b.map { g.needsGrad($0) } ?? false
            if direct {
                var gyd = gy
                if relu {
                    gyd = g.scratchBuffer(m * cout)
                    let sums = wantB ? g.grad(b!) : g.zeroedScratch(cout)
                    swl_relu_backward_colsum(g.ptr(y), gy, gyd, Int32(m), Int32(cout), sums)
                } else if let b, wantB {
                    Kernels.addColumnSums(gy, rows: m, cols: cout, into: g.grad(b))
                }
                if wantW { BLAS.gemm(transA: true, transB: false, m: cout, n: k, k: m, gyd, g.ptr(x), beta: 1, g.grad(w)) }
                if wantX { BLAS.gemm(transA: false, transB: false, m: m, n: k, k: cout, gyd, g.ptr(w), beta: 1, g.grad(x)) }
                return
            }
            // each half of the chunks gets its own buffers and partial weight and bias gradients
            // (ReLU backward and the bias sums run per chunk, on the chunk's rows); the partials
            // are added in a fixed order, so the result does not depend on threading
            let size = chunk * perSample * k, rowsPerChunk = chunk * perSample
            let cols = wantW ? [g.scratchBuffer(size), g.scratchBuffer(size)] : []
            let dcols = wantX ? [g.scratchBuffer(size), g.scratchBuffer(size)] : []
            let partial = wantW ? [g.scratchBuffer(cout * k), g.scratchBuffer(cout * k)] : []
            let masked = relu ? [g.scratchBuffer(rowsPerChunk * cout), g.scratchBuffer(rowsPerChunk * cout)] : []
            let biasPartial = wantB ? [g.scratchBuffer(cout), g.scratchBuffer(cout)] : []
            // a fresh input gradient is zeroed chunk by chunk inside the halves, not in one serial pass
            let gxw = wantX ? g.gradForWrite(x) : nil, gx = gxw?.ptr, gxFresh = gxw?.fresh ?? false
            let xp = g.ptr(x), wp = g.ptr(w), yp = g.ptr(y)
            // a weight gradient with fewer than 16 taps (the first convolution's 9) is a thin
            // product; its transpose [taps, cout] suits the own kernel and is added back at the end
            let transposedW = BLAS.own && k < 16 && cout >= 16
            // inputs with a multiple of 32 channels: the weight gradient reads the unfolded columns
            // straight from the input through a table of row pointers (no im2col copy; same bits)
            let tableW = BLAS.own && !transposedW && win.c % 32 == 0 && win.c <= 4096
            forHalves(chunks, parallel: g.parallel) { half, lo, hi in
                if wantW { Kernels.zero(partial[half], cout * k) }
                if wantB { Kernels.zero(biasPartial[half], cout) }
                for c in lo..<hi {
                    var sub = win
                    sub.n = Swift.min(win.n, (c + 1) * chunk) - c * chunk
                    let offset = c * chunk * perSample * cout
                    var gyc = gy + offset
                    if relu {
                        if wantB {
                            swl_relu_backward_colsum(yp + offset, gyc, masked[half], Int32(sub.rows), Int32(cout), biasPartial[half])
                        } else {
                            Kernels.reluBackward(yp + offset, gyc, masked[half], sub.rows * cout)
                        }
                        gyc = masked[half]
                    } else if wantB {
                        Kernels.addColumnSums(gyc, rows: sub.rows, cols: cout, into: biasPartial[half])
                    }
                    if wantW, tableW,
                       swl_conv_weight_grad(gyc, Int32(cout), xp + c * chunk * inSample, Int32(sub.n), Int32(sub.h), Int32(sub.w),
                                            Int32(sub.c), Int32(sub.kh), Int32(sub.kw), Int32(sub.stride), Int32(sub.pad),
                                            partial[half]) == 0 {
                        // done without unfolding
                    } else if wantW {
                        swl_im2col(xp + c * chunk * inSample, Int32(sub.n), Int32(sub.h), Int32(sub.w), Int32(sub.c),
                                   Int32(sub.kh), Int32(sub.kw), Int32(sub.stride), Int32(sub.pad), cols[half])
                        if transposedW {
                            BLAS.gemm(transA: true, transB: false, m: k, n: cout, k: sub.rows, cols[half], lda: k, gyc, ldb: cout,
                                      beta: 1, partial[half], ldc: cout, preferOwn: true)
                        } else {
                            BLAS.gemm(transA: true, transB: false, m: cout, n: k, k: sub.rows, gyc, cols[half], beta: 1, partial[half])
                        }
                    }
                    if let gx {
                        BLAS.gemm(transA: false, transB: false, m: sub.rows, n: k, k: cout, gyc, wp, beta: 0, dcols[half])
                        if gxFresh { (gx + c * chunk * inSample).initialize(repeating: 0, count: sub.n * inSample) }
                        swl_col2im(dcols[half], Int32(sub.n), Int32(sub.h), Int32(sub.w), Int32(sub.c),
                                   Int32(sub.kh), Int32(sub.kw), Int32(sub.stride), Int32(sub.pad), gx + c * chunk * inSample)
                    }
                }
            }
            if wantW {
                let gw = g.grad(w)
                if transposedW {
                    for o in 0..<cout { for t in 0..<k { gw[o * k + t] += partial[0][t * cout + o] } }
                    for o in 0..<cout { for t in 0..<k { gw[o * k + t] += partial[1][t * cout + o] } }
                } else {
                    Kernels.accumulate(partial[0], into: gw, cout * k)
                    Kernels.accumulate(partial[1], into: gw, cout * k)
                }
            }
            if let b, wantB {
                let gb = g.grad(b)
                Kernels.accumulate(biasPartial[0], into: gb, cout)
                Kernels.accumulate(biasPartial[1], into: gb, cout)
            }
        }
        return y
    }

    /// Max pooling over `kernel`x`kernel` windows. x: [N, H, W, C] -> [N, Ho, Wo, C].
    /// Padded positions never win.
    public func maxPool2d(_ x: Var, kernel: Int, stride: Int? = nil, padding: Int = 0) -> Var {
        pool(x, kernel: kernel, stride: stride ?? kernel, padding: padding, average: false)
    }

    /// Average pooling; the divisor counts only in-bounds taps.
    public func avgPool2d(_ x: Var, kernel: Int, stride: Int? = nil, padding: Int = 0) -> Var {
        pool(x, kernel: kernel, stride: stride ?? kernel, padding: padding, average: true)
    }

    /// Mean over height and width: [N, H, W, C] -> [N, C].
    public func globalAvgPool(_ x: Var) -> Var {
        let s = shape(x)
        return mean(reshape(x, [s[0], s[1] * s[2], s[3]]), axis: 1)
    }

    private func pool(_ x: Var, kernel: Int, stride: Int, padding: Int, average: Bool) -> Var {
        let sx = shape(x)
        precondition(sx.count == 4, "pooling needs NHWC input, got \(sx)")
        let win = Window(n: sx[0], h: sx[1], w: sx[2], c: sx[3], kh: kernel, kw: kernel, stride: stride, pad: padding)
        precondition(win.ho > 0 && win.wo > 0 && padding < kernel, "pooling window \(kernel) does not fit \(sx)")
        let y = make([win.n, win.ho, win.wo, win.c], needsGrad: needsGrad(x))
        let xp = ptr(x), yp = ptr(y), c = win.c
        // for max: the flat input index of each output's winner; for average: the tap count
        var src = [Int32](repeating: 0, count: average ? win.rows : win.rows * c)
        for r in 0..<win.rows {
            let out = yp + r * c
            var taps = 0
            win.forEachTap(row: r) { base in
                if average {
                    if taps == 0 { out.update(from: xp + base, count: c) } else { for j in 0..<c { out[j] += xp[base + j] } }
                } else if taps == 0 {
                    for j in 0..<c { out[j] = xp[base + j]; src[r * c + j] = Int32(base + j) }
                } else {
                    for j in 0..<c where xp[base + j] > out[j] { out[j] = xp[base + j]; src[r * c + j] = Int32(base + j) }
                }
                taps += 1
            }
            if average {
                src[r] = Int32(taps)
                let inv = 1 / Float(taps)
                for j in 0..<c { out[j] *= inv }
            }
        }
        onBackward(y) { [x = x.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            let gx = g.grad(x)
            if !average {
                for i in 0..<(win.rows * c) { gx[Int(src[i])] += gy[i] }
                return
            }
            for r in 0..<win.rows {
                let inv = 1 / Float(src[r])
                win.forEachTap(row: r) { base in for j in 0..<c { gx[base + j] += gy[r * c + j] * inv } }
            }
        }
        return y
    }
}

/// y = act(y + bias) over a [rows, cols] block whose rows are `stride` apart (default `cols`),
/// in one vectorisable pass.
@inline(__always)
func biasActivation(_ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int, stride: Int? = nil,
                    bias: UnsafeMutablePointer<Float>?, _ activation: Graph.Fused) {
    let ld = stride ?? cols
    switch (bias, activation) {
    case (nil, .none): return
    case (nil, .relu): for r in 0..<rows { let row = y + r * ld; for j in 0..<cols { row[j] = Swift.max(row[j], 0) } }
    case (let b?, .none): for r in 0..<rows { let row = y + r * ld; for j in 0..<cols { row[j] += b[j] } }
    case (let b?, .relu):
        for r in 0..<rows { let row = y + r * ld; for j in 0..<cols { row[j] = Swift.max(row[j] + b[j], 0) } }
    }
}
