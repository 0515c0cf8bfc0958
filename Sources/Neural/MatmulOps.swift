import CNeuralKernels

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
        // large products: two fixed halves of the output columns (on two threads when
        // `parallel`), so the result does not depend on threading; splitting columns rather
        // than rows keeps every GEMM as tall as the batch and packs only half of W per thread
        let split = rows * nOut * nIn >= 1 << 22 && nOut >= 32 && nIn >= 32
        forHalves(split ? 2 : 1, parallel: parallel && split) { half, lo, hi in
            guard lo < hi else { return }
            let c0 = split && half == 1 ? nOut / 2 : 0, c1 = split && half == 0 ? nOut / 2 : nOut
            BLAS.gemm(transA: false, transB: true, m: rows, n: c1 - c0, k: nIn, xp, lda: nIn, wp + c0 * nIn, ldb: nIn,
                      beta: 0, yp + c0, ldc: nOut)
            biasActivation(yp + c0, rows: rows, cols: c1 - c0, stride: nOut, bias: bp.map { $0 + c0 }, activation)
        }
        onBackward(y) { [b = b?.id, w = w.id, x = x.id, y = y.id] g in
            guard var gy = g.gradIfAny(y) else { return }
            let wantB = b.map { g.needsGrad($0) } ?? false
            if activation == .relu {
                // ReLU backward and the bias gradient in one pass
                let masked = g.scratchBuffer(rows * nOut)
                let sums = wantB ? g.grad(b!) : g.zeroedScratch(nOut)
                swl_relu_backward_colsum(g.ptr(y), gy, masked, Int32(rows), Int32(nOut), sums)
                gy = masked
            } else if let b, wantB {
                Kernels.addColumnSums(gy, rows: rows, cols: nOut, into: g.grad(b))
            }
            // a fresh input gradient is written (beta 0) rather than zeroed and added to
            let gxw = g.needsGrad(x) ? g.gradForWrite(x) : nil, gx = gxw?.ptr, gxBeta: Float = gxw?.fresh == true ? 0 : 1
            let gw = g.needsGrad(w) ? g.grad(w) : nil
            let xp = g.ptr(x), wp = g.ptr(w), gyp = gy
            // the same fixed halves: dX by halves of its columns, dW by halves of its rows
            forHalves(split ? 2 : 1, parallel: g.parallel && split) { half, lo, hi in
                guard lo < hi else { return }
                if let gx {
                    let j0 = split && half == 1 ? nIn / 2 : 0, j1 = split && half == 0 ? nIn / 2 : nIn
                    BLAS.gemm(transA: false, transB: false, m: rows, n: j1 - j0, k: nOut, gyp, lda: nOut, wp + j0, ldb: nIn,
                              beta: gxBeta, gx + j0, ldc: nIn)
                }
                if let gw {
                    let r0 = split && half == 1 ? nOut / 2 : 0, r1 = split && half == 0 ? nOut / 2 : nOut
                    BLAS.gemm(transA: true, transB: false, m: r1 - r0, n: nIn, k: rows, gyp + r0, lda: nOut, xp, ldb: nIn,
                              beta: 1, gw + r0 * nIn, ldc: nIn)
                }
            }
        }
        return y
    }
}
