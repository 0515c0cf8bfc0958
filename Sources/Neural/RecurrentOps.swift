/// Fused recurrent cell ops (one pass over the gates instead of a dozen elementwise nodes).
extension Graph {
    /// LSTM cell update from pre-activation gates z [N, 4H] (order i, f, g, o) and the previous
    /// cell state c [N, H]: returns (h, c') with c' = f c + i g and h = o tanh(c').
    public func lstmCell(gates z: Var, cell c: Var) -> (h: Var, c: Var) {
        let sz = shape(z), sc = shape(c)
        precondition(sz.count == 2 && sc.count == 2 && sz[0] == sc[0] && sz[1] == 4 * sc[1],
                     "lstmCell: gates \(sz) do not match cell \(sc) (need [N, 4H] and [N, H])")
        let n = sc[0], hd = sc[1]
        let needs = needsGrad(z) || needsGrad(c)
        let hOut = make(sc, needsGrad: needs), cOut = make(sc, needsGrad: needs)
        // activated gates, kept for the backward pass
        let zp = ptr(z), cp = ptr(c), hp = ptr(hOut), op = ptr(cOut)
        let keep = nodes[hOut.id].needsGrad
        // without a tape each row's gates are scratch, so each half needs its own
        let act = keep ? scratchBuffer(n * 4 * hd) : scratchBuffer(2 * 4 * hd)
        // rows are independent: two fixed halves, on two threads for large batches
        let split = n * hd >= 1 << 15
        forHalves(n, parallel: parallel && split) { half, lo, hi in
            let act = keep ? act : act + half * 4 * hd
            for r in lo..<hi {
                let zr = zp + r * 4 * hd, a = act + (keep ? r * 4 * hd : 0)
                let cr = cp + r * hd, orow = op + r * hd, hrow = hp + r * hd
                var j = 0
                // a vector of lanes at a time, then the remainder one by one
                while j + Kernels.width <= hd {
                    let i = fastSigmoid(Kernels.load(zr + j)), f = fastSigmoid(Kernels.load(zr + hd + j))
                    let gg = fastTanh(Kernels.load(zr + 2 * hd + j)), o = fastSigmoid(Kernels.load(zr + 3 * hd + j))
                    let cn = f * Kernels.load(cr + j) + i * gg
                    Kernels.store(i, a + j); Kernels.store(f, a + hd + j)
                    Kernels.store(gg, a + 2 * hd + j); Kernels.store(o, a + 3 * hd + j)
                    Kernels.store(cn, orow + j)
                    Kernels.store(o * fastTanh(cn), hrow + j)
                    j += Kernels.width
                }
                while j < hd {
                    let i = fastSigmoid(zr[j]), f = fastSigmoid(zr[hd + j])
                    let gg = fastTanh(zr[2 * hd + j]), o = fastSigmoid(zr[3 * hd + j])
                    let cn = f * cr[j] + i * gg
                    a[j] = i; a[hd + j] = f; a[2 * hd + j] = gg; a[3 * hd + j] = o
                    orow[j] = cn
                    hrow[j] = o * fastTanh(cn)
                    j += 1
                }
            }
        }
        onBackward(hOut) { [c = c.id, cOut = cOut.id, hOut = hOut.id, z = z.id] g in
            let gh = g.gradIfAny(hOut), gc = g.gradIfAny(cOut)
            if gh == nil && gc == nil { return }
            let cp = g.ptr(c), op = g.ptr(cOut)
            let gz = g.needsGrad(z) ? g.grad(z) : nil, gcPrev = g.needsGrad(c) ? g.grad(c) : nil
            for r in 0..<n {
                let a = act + r * 4 * hd
                for j in 0..<hd {
                    let k = r * hd + j
                    let i = a[j], f = a[hd + j], gg = a[2 * hd + j], o = a[3 * hd + j]
                    let tc = fastTanh(op[k])
                    let dh = gh?[k] ?? 0
                    let dct = (gc?[k] ?? 0) + dh * o * (1 - tc * tc)
                    if let gz {
                        let zr = gz + r * 4 * hd
                        zr[j] += dct * gg * i * (1 - i)
                        zr[hd + j] += dct * cp[k] * f * (1 - f)
                        zr[2 * hd + j] += dct * i * (1 - gg * gg)
                        zr[3 * hd + j] += dh * tc * o * (1 - o)
                    }
                    if let gcPrev { gcPrev[k] += dct * f }
                }
            }
        }
        return (hOut, cOut)
    }
}
