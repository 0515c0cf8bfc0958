/// Reductions: sum, mean and max over one axis or all elements.
extension Graph {
    /// Sum of all elements (shape []).
    public func sum(_ x: Var) -> Var {
        let n = count(x), xp = ptr(x)
        let y = make([], needsGrad: needsGrad(x))
        var s: Float = 0
        for i in 0..<n { s += xp[i] }
        ptr(y)[0] = s
        onBackward(y) { [x = x.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            let gx = g.grad(x), d = gy[0]
            for i in 0..<n { gx[i] += d }
        }
        return y
    }

    /// Mean of all elements (shape []).
    public func mean(_ x: Var) -> Var { scale(sum(x), 1 / Float(Swift.max(count(x), 1))) }

    /// Sum along `axis` (removed unless `keepDims`).
    public func sum(_ x: Var, axis: Int, keepDims: Bool = false) -> Var {
        let sx = shape(x)
        let ax = axis < 0 ? sx.count + axis : axis
        let outer = sx[..<ax].reduce(1, *), size = sx[ax], inner = sx[(ax + 1)...].reduce(1, *)
        var so = sx
        if keepDims { so[ax] = 1 } else { so.remove(at: ax) }
        let y = make(so, needsGrad: needsGrad(x))
        let xp = ptr(x), yp = ptr(y)
        yp.initialize(repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for k in 0..<size {
                let src = xp + (o * size + k) * inner, dst = yp + o * inner
                for i in 0..<inner { dst[i] += src[i] }
            }
        }
        onBackward(y) { [x = x.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            let gx = g.grad(x)
            for o in 0..<outer {
                for k in 0..<size {
                    let dst = gx + (o * size + k) * inner, src = gy + o * inner
                    for i in 0..<inner { dst[i] += src[i] }
                }
            }
        }
        return y
    }

    /// Mean along `axis`.
    public func mean(_ x: Var, axis: Int, keepDims: Bool = false) -> Var {
        let sx = shape(x)
        let ax = axis < 0 ? sx.count + axis : axis
        return scale(sum(x, axis: ax, keepDims: keepDims), 1 / Float(Swift.max(sx[ax], 1)))
    }

    /// Maximum along `axis` (gradient to the first maximal element).
    public func max(_ x: Var, axis: Int, keepDims: Bool = false) -> Var {
        let sx = shape(x)
        let ax = axis < 0 ? sx.count + axis : axis
        let outer = sx[..<ax].reduce(1, *), size = sx[ax], inner = sx[(ax + 1)...].reduce(1, *)
        precondition(size > 0, "max over an empty axis")
        var so = sx
        if keepDims { so[ax] = 1 } else { so.remove(at: ax) }
        let y = make(so, needsGrad: needsGrad(x))
        let xp = ptr(x), yp = ptr(y)
        var arg = [Int](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = xp[o * size * inner + i], bk = 0
                for k in 1..<size where xp[(o * size + k) * inner + i] > best {
                    best = xp[(o * size + k) * inner + i]; bk = k
                }
                yp[o * inner + i] = best
                arg[o * inner + i] = (o * size + bk) * inner + i
            }
        }
        onBackward(y) { [x = x.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            let gx = g.grad(x)
            for j in 0..<(outer * inner) { gx[arg[j]] += gy[j] }
        }
        return y
    }
}
