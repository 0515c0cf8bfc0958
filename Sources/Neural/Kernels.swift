/// Explicitly vectorised inner loops for the hot non-GEMM work. Eight lanes: wider Swift SIMD
/// types spill registers on the baseline x86-64 target and run several times slower.
enum Kernels {
    typealias V = SIMD8<Float>
    static let width = 8

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always) static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    /// out[i] = y[i] > 0 ? gy[i] : 0 (ReLU backward from the activation's output).
    static func reluBackward(_ y: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + width <= n {
            store(load(gy + i).replacing(with: 0, where: load(y + i) .<= 0), out + i)
            i += width
        }
        while i < n { out[i] = y[i] > 0 ? gy[i] : 0; i += 1 }
    }

    /// acc[j] += sum over rows of src[r, j] (bias gradients).
    static func addColumnSums(_ src: UnsafePointer<Float>, rows: Int, cols: Int, into acc: UnsafeMutablePointer<Float>) {
        if cols % width != 0 {
            for r in 0..<rows { let row = src + r * cols; for j in 0..<cols { acc[j] += row[j] } }
            return
        }
        for j0 in stride(from: 0, to: cols, by: width) {
            var s = V()
            for r in 0..<rows { s += load(src + r * cols + j0) }
            store(load(acc + j0) + s, acc + j0)
        }
    }

    /// dst[i] = src[i] for a short run (one pixel's channels).
    @inline(__always) static func copy(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + width <= n { store(load(src + i), dst + i); i += width }
        while i < n { dst[i] = src[i]; i += 1 }
    }

    /// dst[i] = 0 for a short run.
    @inline(__always) static func zero(_ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + width <= n { store(V(), dst + i); i += width }
        while i < n { dst[i] = 0; i += 1 }
    }

    /// dst[i] += src[i].
    @inline(__always) static func accumulate(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + width <= n { store(load(dst + i) + load(src + i), dst + i); i += width }
        while i < n { dst[i] += src[i]; i += 1 }
    }

    /// One Adam step over n elements. c1, c2: bias corrections 1 - beta^t.
    static func adam(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                     _ v: UnsafeMutablePointer<Float>, _ n: Int, lr: Float, b1: Float, b2: Float, eps: Float,
                     c1: Float, c2: Float, weightDecay wd: Float, decoupled: Bool) {
        let l2: Float = decoupled ? 0 : wd, dw: Float = decoupled ? wd : 0
        let inv1 = 1 / c1, inv2 = 1 / c2
        var i = 0
        while i + width <= n {
            let pv = load(p + i)
            let d = load(g + i) + l2 * pv
            let mv = b1 * load(m + i) + (1 - b1) * d
            let vv = b2 * load(v + i) + (1 - b2) * d * d
            store(mv, m + i)
            store(vv, v + i)
            let upd = (mv * inv1) / ((vv * inv2).squareRoot() + eps)
            store(pv - lr * (upd + dw * pv), p + i)
            i += width
        }
        while i < n {
            let d = g[i] + l2 * p[i]
            m[i] = b1 * m[i] + (1 - b1) * d
            v[i] = b2 * v[i] + (1 - b2) * d * d
            let upd = (m[i] * inv1) / ((v[i] * inv2).squareRoot() + eps)
            p[i] -= lr * (upd + dw * p[i])
            i += 1
        }
    }
}
