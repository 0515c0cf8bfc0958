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
}

/// Hands a value to concurrent workers that touch disjoint memory.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Runs `body(lo, hi)` over `0..<n` split into fixed chunks, two at a time when the work is
/// large. Each chunk writes disjoint memory, so results do not depend on the split.
@inline(__always)
func parallelChunks(_ n: Int, work: Int, _ body: (Int, Int) -> Void) {
    let chunks = work >= 1 << 16 && n >= 2 ? 2 : 1
    if chunks == 1 { body(0, n); return }
    withoutActuallyEscaping(body) { body in
        let box = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: chunks) { k in
            box.value(n * k / chunks, n * (k + 1) / chunks)
        }
    }
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
            forHalves(chunks, parallel: parallel) { half, lo, hi in
                for c in lo..<hi {
                    var sub = win
                    sub.n = Swift.min(win.n, (c + 1) * chunk) - c * chunk
                    im2col(xp + c * chunk * inSample, sub, bufs[half], parallel: false)
                    let out = yp + c * chunk * perSample * cout
                    BLAS.gemm(transA: false, transB: true, m: sub.rows, n: cout, k: k, bufs[half], wp, beta: 0, out)
                    biasActivation(out, rows: sub.rows, cols: cout, bias: bp, activation)
                }
            }
        }
        onBackward(y) { [b = b?.id, w = w.id, x = x.id, y = y.id] g in
            guard var gy = g.gradIfAny(y) else { return }
            if activation == .relu {
                let masked = g.scratchBuffer(m * cout)
                Kernels.reluBackward(g.ptr(y), gy, masked, m * cout)
                gy = masked
            }
            if let b, g.needsGrad(b) { Kernels.addColumnSums(gy, rows: m, cols: cout, into: g.grad(b)) }
            let wantW = g.needsGrad(w), wantX = g.needsGrad(x)
            if direct {
                if wantW { BLAS.gemm(transA: true, transB: false, m: cout, n: k, k: m, gy, g.ptr(x), beta: 1, g.grad(w)) }
                if wantX { BLAS.gemm(transA: false, transB: false, m: m, n: k, k: cout, gy, g.ptr(w), beta: 1, g.grad(x)) }
                return
            }
            // each half of the chunks gets its own buffers and partial weight gradient; the
            // partials are added in a fixed order, so the result does not depend on threading
            let size = chunk * perSample * k
            let cols = wantW ? [g.scratchBuffer(size), g.scratchBuffer(size)] : []
            let dcols = wantX ? [g.scratchBuffer(size), g.scratchBuffer(size)] : []
            let partial = wantW ? [g.scratchBuffer(cout * k), g.scratchBuffer(cout * k)] : []
            let gx = wantX ? g.grad(x) : nil
            let xp = g.ptr(x), wp = g.ptr(w)
            forHalves(chunks, parallel: g.parallel) { half, lo, hi in
                if wantW { Kernels.zero(partial[half], cout * k) }
                for c in lo..<hi {
                    var sub = win
                    sub.n = Swift.min(win.n, (c + 1) * chunk) - c * chunk
                    let gyc = gy + c * chunk * perSample * cout
                    if wantW {
                        im2col(xp + c * chunk * inSample, sub, cols[half], parallel: false)
                        BLAS.gemm(transA: true, transB: false, m: cout, n: k, k: sub.rows, gyc, cols[half], beta: 1, partial[half])
                    }
                    if let gx {
                        BLAS.gemm(transA: false, transB: false, m: sub.rows, n: k, k: cout, gyc, wp, beta: 0, dcols[half])
                        col2im(dcols[half], sub, gx + c * chunk * inSample, parallel: false)
                    }
                }
            }
            if wantW {
                let gw = g.grad(w)
                Kernels.accumulate(partial[0], into: gw, cout * k)
                Kernels.accumulate(partial[1], into: gw, cout * k)
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
            let n = r / (win.ho * win.wo), oh = (r / win.wo) % win.ho, ow = r % win.wo
            let out = yp + r * c
            var taps = 0
            for kh in 0..<kernel {
                let ih = oh * stride - padding + kh
                if ih < 0 || ih >= win.h { continue }
                for kw in 0..<kernel {
                    let iw = ow * stride - padding + kw
                    if iw < 0 || iw >= win.w { continue }
                    let base = ((n * win.h + ih) * win.w + iw) * c
                    if average {
                        if taps == 0 { out.update(from: xp + base, count: c) } else { for j in 0..<c { out[j] += xp[base + j] } }
                    } else if taps == 0 {
                        for j in 0..<c { out[j] = xp[base + j]; src[r * c + j] = Int32(base + j) }
                    } else {
                        for j in 0..<c where xp[base + j] > out[j] { out[j] = xp[base + j]; src[r * c + j] = Int32(base + j) }
                    }
                    taps += 1
                }
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
                let n = r / (win.ho * win.wo), oh = (r / win.wo) % win.ho, ow = r % win.wo
                let inv = 1 / Float(src[r])
                for kh in 0..<kernel {
                    let ih = oh * stride - padding + kh
                    if ih < 0 || ih >= win.h { continue }
                    for kw in 0..<kernel {
                        let iw = ow * stride - padding + kw
                        if iw < 0 || iw >= win.w { continue }
                        let base = ((n * win.h + ih) * win.w + iw) * c
                        for j in 0..<c { gx[base + j] += gy[r * c + j] * inv }
                    }
                }
            }
        }
        return y
    }
}

/// y = act(y + bias) over a [rows, cols] block, in one vectorisable pass.
@inline(__always)
func biasActivation(_ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int, bias: UnsafeMutablePointer<Float>?,
                    _ activation: Graph.Fused) {
    switch (bias, activation) {
    case (nil, .none): return
    case (nil, .relu): for i in 0..<(rows * cols) { y[i] = Swift.max(y[i], 0) }
    case (let b?, .none): for r in 0..<rows { let row = y + r * cols; for j in 0..<cols { row[j] += b[j] } }
    case (let b?, .relu):
        for r in 0..<rows { let row = y + r * cols; for j in 0..<cols { row[j] = Swift.max(row[j] + b[j], 0) } }
    }
}

/// Unfolds NHWC `x` into `col` [N*Ho*Wo, KH*KW*C]; out-of-bounds taps are zero.
func im2col(_ x: UnsafeMutablePointer<Float>, _ win: Window, _ col: UnsafeMutablePointer<Float>, parallel: Bool = true) {
    let c = win.c, k = win.cols, ho = win.ho, wo = win.wo
    parallelChunks(win.n, work: parallel ? win.rows * k : 0) { lo, hi in
        for n in lo..<hi {
            for oh in 0..<ho {
                for ow in 0..<wo {
                    var dst = col + ((n * ho + oh) * wo + ow) * k
                    for kh in 0..<win.kh {
                        let ih = oh * win.stride - win.pad + kh
                        if ih < 0 || ih >= win.h {
                            for j in 0..<(win.kw * c) { dst[j] = 0 }
                            dst += win.kw * c
                            continue
                        }
                        for kw in 0..<win.kw {
                            let iw = ow * win.stride - win.pad + kw
                            if iw < 0 || iw >= win.w {
                                Kernels.zero(dst, c)
                            } else {
                                Kernels.copy(x + ((n * win.h + ih) * win.w + iw) * c, dst, c)
                            }
                            dst += c
                        }
                    }
                }
            }
        }
    }
}

/// Folds `dcol` [N*Ho*Wo, KH*KW*C] back onto NHWC `dx`, accumulating overlapping taps.
func col2im(_ dcol: UnsafeMutablePointer<Float>, _ win: Window, _ dx: UnsafeMutablePointer<Float>, parallel: Bool = true) {
    let c = win.c, k = win.cols, ho = win.ho, wo = win.wo
    parallelChunks(win.n, work: parallel ? win.rows * k : 0) { lo, hi in
        for n in lo..<hi {
            for oh in 0..<ho {
                for ow in 0..<wo {
                    var src = dcol + ((n * ho + oh) * wo + ow) * k
                    for kh in 0..<win.kh {
                        let ih = oh * win.stride - win.pad + kh
                        for kw in 0..<win.kw {
                            let iw = ow * win.stride - win.pad + kw
                            if ih >= 0 && ih < win.h && iw >= 0 && iw < win.w {
                                Kernels.accumulate(src, into: dx + ((n * win.h + ih) * win.w + iw) * c, c)
                            }
                            src += c
                        }
                    }
                }
            }
        }
    }
}
