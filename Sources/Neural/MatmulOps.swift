/// Matrix products on OpenBLAS: plain matmul and the fused linear layer op.
extension Graph {
    /// Activation fused into `linear` and `conv2d` (saves a pass over the output and its gradient).
    public enum Fused: Sendable, Equatable {
        case none, relu
    }

    /// a[m,k] x b[k,n] (either may be transposed: a is then [k,m], b [n,k]).
    public func matmul(_ a: Var, _ b: Var, transposeA: Bool = false, transposeB: Bool = false) -> Var {
        let sa = shape(a), sb = shape(b)
        precondition(sa.count == 2 && sb.count == 2, "matmul needs rank-2 operands, got \(sa) and \(sb)")
        let (m, k) = transposeA ? (sa[1], sa[0]) : (sa[0], sa[1])
        let (k2, n) = transposeB ? (sb[1], sb[0]) : (sb[0], sb[1])
        precondition(k == k2, "matmul inner sizes differ: \(sa) x \(sb)")
        let y = make([m, n], needsGrad: needsGrad(a) || needsGrad(b))
        BLAS.gemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k, ptr(a), ptr(b), beta: 0, ptr(y))
        onBackward(y) { [a = a.id, b = b.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            if g.needsGrad(a) {
                // dA = dY B^T (or its transpose when A was transposed)
                if transposeA {
                    BLAS.gemm(transA: transposeB, transB: true, m: k, n: m, k: n, g.ptr(b), gy, beta: 1, g.grad(a))
                } else {
                    BLAS.gemm(transA: false, transB: !transposeB, m: m, n: k, k: n, gy, g.ptr(b), beta: 1, g.grad(a))
                }
            }
            if g.needsGrad(b) {
                if transposeB {
                    BLAS.gemm(transA: true, transB: transposeA, m: n, n: k, k: m, gy, g.ptr(a), beta: 1, g.grad(b))
                } else {
                    BLAS.gemm(transA: !transposeA, transB: false, m: k, n: n, k: m, g.ptr(a), gy, beta: 1, g.grad(b))
                }
            }
        }
        return y
    }

    /// y[n,out] = act(x[n,in] W^T + b) with W [out,in] and b [out] (PyTorch layout).
    /// Inputs of rank > 2 are treated as [prod(leading), in].
    public func linear(_ x: Var, _ w: Var, _ b: Var?, activation: Fused = .none) -> Var {
        let sx = shape(x), sw = shape(w)
        precondition(sw.count == 2 && sx.last == sw[1], "linear: input \(sx) does not match weight \(sw)")
        let rows = count(x) / sw[1], nIn = sw[1], nOut = sw[0]
        if let b { precondition(shape(b) == [nOut], "linear: bias \(shape(b)) for \(nOut) outputs") }
        let y = make(Array(sx.dropLast()) + [nOut], needsGrad: needsGrad(x) || needsGrad(w) || (b.map(needsGrad) ?? false))
        let yp = ptr(y), xp = ptr(x), wp = ptr(w), bp = b.map(ptr)
        // large batches: two fixed row halves (on two threads when `parallel`), so the result
        // does not depend on threading
        let split = rows * nOut * nIn >= 1 << 22 && rows >= 64
        forHalves(split ? 2 : 1, parallel: parallel && split) { half, lo, hi in
            guard lo < hi else { return }
            let r0 = split ? (half == 0 ? 0 : rows / 2) : 0, r1 = split ? (half == 0 ? rows / 2 : rows) : rows
            BLAS.gemm(transA: false, transB: true, m: r1 - r0, n: nOut, k: nIn, xp + r0 * nIn, wp, beta: 0, yp + r0 * nOut)
            biasActivation(yp + r0 * nOut, rows: r1 - r0, cols: nOut, bias: bp, activation)
        }
        onBackward(y) { [b = b?.id, w = w.id, x = x.id, y = y.id] g in
            guard var gy = g.gradIfAny(y) else { return }
            if activation == .relu {
                let masked = g.scratchBuffer(rows * nOut)
                Kernels.reluBackward(g.ptr(y), gy, masked, rows * nOut)
                gy = masked
            }
            if g.needsGrad(x) {
                BLAS.gemm(transA: false, transB: false, m: rows, n: nIn, k: nOut, gy, g.ptr(w), beta: 1, g.grad(x))
            }
            if g.needsGrad(w) {
                BLAS.gemm(transA: true, transB: false, m: nOut, n: nIn, k: rows, gy, g.ptr(x), beta: 1, g.grad(w))
            }
            if let b, g.needsGrad(b) { Kernels.addColumnSums(gy, rows: rows, cols: nOut, into: g.grad(b)) }
        }
        return y
    }
}
