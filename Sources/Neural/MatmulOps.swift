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
        onBackward(y) { g in
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
        let yp = ptr(y)
        BLAS.gemm(transA: false, transB: true, m: rows, n: nOut, k: nIn, ptr(x), ptr(w), beta: 0, yp)
        biasActivation(yp, rows: rows, cols: nOut, bias: b.map(ptr), activation)
        onBackward(y) { g in
            guard var gy = g.gradIfAny(y) else { return }
            if activation == .relu {
                let masked = g.scratchBuffer(rows * nOut), yp = g.ptr(y)
                for i in 0..<(rows * nOut) { masked[i] = yp[i] > 0 ? gy[i] : 0 }
                gy = masked
            }
            if g.needsGrad(x) {
                BLAS.gemm(transA: false, transB: false, m: rows, n: nIn, k: nOut, gy, g.ptr(w), beta: 1, g.grad(x))
            }
            if g.needsGrad(w) {
                BLAS.gemm(transA: true, transB: false, m: nOut, n: nIn, k: rows, gy, g.ptr(x), beta: 1, g.grad(w))
            }
            if let b, g.needsGrad(b) {
                let gb = g.grad(b)
                for r in 0..<rows { let row = gy + r * nOut; for j in 0..<nOut { gb[j] += row[j] } }
            }
        }
        return y
    }
}
