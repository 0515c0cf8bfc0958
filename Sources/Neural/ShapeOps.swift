/// Shape ops: reshape, concat, slice, stack, transpose.
extension Graph {
    /// The same elements under a new shape (one axis may be -1 to infer it).
    public func reshape(_ x: Var, _ newShape: [Int]) -> Var {
        var s = newShape
        if let k = s.firstIndex(of: -1) {
            let rest = s.enumerated().filter { $0.offset != k }.reduce(1) { $0 * $1.element }
            s[k] = rest == 0 ? 0 : count(x) / rest
        }
        precondition(Tensor.count(s) == count(x), "reshape \(shape(x)) to \(newShape): element counts differ")
        let y = make(s, needsGrad: needsGrad(x))
        let n = count(x)
        ptr(y).update(from: ptr(x), count: n)
        onBackward(y) { [x = x.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            let gx = g.grad(x)
            for i in 0..<n { gx[i] += gy[i] }
        }
        return y
    }

    /// [N, ...] -> [N, prod(...)].
    public func flatten(_ x: Var) -> Var {
        let s = shape(x)
        return reshape(x, [s[0], count(x) / Swift.max(s[0], 1)])
    }

    /// Splits a shape around `axis` into (outer, axis size, inner).
    private func split(_ s: [Int], _ axis: Int) -> (Int, Int, Int) {
        (s[..<axis].reduce(1, *), s[axis], s[(axis + 1)...].reduce(1, *))
    }

    /// Concatenation along `axis` (other axes must agree). Negative axes count from the end.
    public func concat(_ xs: [Var], axis: Int) -> Var {
        precondition(!xs.isEmpty, "concat of nothing")
        let s0 = shape(xs[0])
        let ax = axis < 0 ? s0.count + axis : axis
        var total = 0
        for x in xs {
            var s = shape(x)
            precondition(s.count == s0.count, "concat: ranks differ (\(s0) vs \(s))")
            total += s[ax]
            s[ax] = s0[ax]
            precondition(s == s0, "concat along \(ax): shapes \(s0) and \(shape(x)) differ elsewhere")
        }
        var so = s0
        so[ax] = total
        let (outer, _, inner) = split(so, ax)
        let y = make(so, needsGrad: xs.contains { needsGrad($0) })
        let yp = ptr(y)
        var offset = 0
        var offsets: [Int] = []
        for x in xs {
            let w = shape(x)[ax] * inner, xp = ptr(x)
            offsets.append(offset)
            for o in 0..<outer { (yp + o * total * inner + offset).update(from: xp + o * w, count: w) }
            offset += w
        }
        onBackward(y) { [xs = xs.map(\.id), y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            for (x, off) in zip(xs, offsets) where g.needsGrad(x) {
                let w = g.shape(x)[ax] * inner, gx = g.grad(x)
                for o in 0..<outer {
                    let src = gy + o * total * inner + off, dst = gx + o * w
                    for i in 0..<w { dst[i] += src[i] }
                }
            }
        }
        return y
    }

    /// Elements `start ..< start + length` along `axis`.
    public func slice(_ x: Var, axis: Int, start: Int, length: Int) -> Var {
        let sx = shape(x)
        let ax = axis < 0 ? sx.count + axis : axis
        precondition(start >= 0 && length >= 0 && start + length <= sx[ax], "slice \(start)..<\(start + length) outside axis \(ax) of \(sx)")
        let (outer, size, inner) = split(sx, ax)
        var so = sx
        so[ax] = length
        let y = make(so, needsGrad: needsGrad(x))
        let xp = ptr(x), yp = ptr(y), w = length * inner
        for o in 0..<outer { (yp + o * w).update(from: xp + (o * size + start) * inner, count: w) }
        onBackward(y) { [x = x.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            let gx = g.grad(x)
            for o in 0..<outer {
                let dst = gx + (o * size + start) * inner, src = gy + o * w
                for i in 0..<w { dst[i] += src[i] }
            }
        }
        return y
    }

    /// Stacks equal-shaped values along a new axis `axis`.
    public func stack(_ xs: [Var], axis: Int = 0) -> Var {
        let s = shape(xs[0])
        let ax = axis < 0 ? s.count + 1 + axis : axis
        var expanded = s
        expanded.insert(1, at: ax)
        return concat(xs.map { reshape($0, expanded) }, axis: ax)
    }

    /// Transpose of a rank-2 value.
    public func transpose(_ x: Var) -> Var {
        let s = shape(x)
        precondition(s.count == 2, "transpose needs rank 2, got \(s)")
        let (r, c) = (s[0], s[1])
        let y = make([c, r], needsGrad: needsGrad(x))
        let xp = ptr(x), yp = ptr(y)
        for i in 0..<r { for j in 0..<c { yp[j * r + i] = xp[i * c + j] } }
        onBackward(y) { [x = x.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            let gx = g.grad(x)
            for i in 0..<r { for j in 0..<c { gx[i * c + j] += gy[j * r + i] } }
        }
        return y
    }

    /// One element per row: out[r] = x[r, columns[r]] for x [N, C] (e.g. Q(s, a) of the taken action).
    public func pick(_ x: Var, columns: [Int]) -> Var {
        let s = shape(x)
        precondition(s.count == 2 && s[0] == columns.count, "pick: \(columns.count) columns for input \(s)")
        let c = s[1]
        let y = make([s[0]], needsGrad: needsGrad(x))
        let xp = ptr(x), yp = ptr(y)
        for (r, j) in columns.enumerated() {
            precondition(j >= 0 && j < c, "pick: column \(j) outside 0..<\(c)")
            yp[r] = xp[r * c + j]
        }
        onBackward(y) { [x = x.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            let gx = g.grad(x)
            for (r, j) in columns.enumerated() { gx[r * c + j] += gy[r] }
        }
        return y
    }

    /// Rows of `table` [V, D] picked by `indices` -> [indices.count, D] (embedding lookup).
    public func gather(_ table: Var, rows indices: [Int]) -> Var {
        let s = shape(table)
        precondition(s.count == 2, "gather needs a [V, D] table, got \(s)")
        let d = s[1]
        let y = make([indices.count, d], needsGrad: needsGrad(table))
        let tp = ptr(table), yp = ptr(y)
        for (k, i) in indices.enumerated() {
            precondition(i >= 0 && i < s[0], "index \(i) outside table of \(s[0]) rows")
            (yp + k * d).update(from: tp + i * d, count: d)
        }
        onBackward(y) { [table = table.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            let gt = g.grad(table)
            for (k, i) in indices.enumerated() { for j in 0..<d { gt[i * d + j] += gy[k * d + j] } }
        }
        return y
    }
}
