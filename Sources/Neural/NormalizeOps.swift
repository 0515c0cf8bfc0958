import Foundation

/// Softmax, log-softmax and layer normalisation, all over the last axis.
extension Graph {
    /// Softmax over the last axis.
    public func softmax(_ x: Var) -> Var {
        let s = shape(x), d = s.last ?? 1, rows = count(x) / Swift.max(d, 1)
        let y = make(s, needsGrad: needsGrad(x))
        let xp = ptr(x), yp = ptr(y)
        for r in 0..<rows { _ = Graph.softmaxRow(xp + r * d, into: yp + r * d, count: d) }
        onBackward(y) { [x = x.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            let gx = g.grad(x), yp = g.ptr(y)
            for r in 0..<rows {
                let o = yp + r * d, go = gy + r * d
                var dot: Float = 0
                for j in 0..<d { dot += o[j] * go[j] }
                for j in 0..<d { gx[r * d + j] += o[j] * (go[j] - dot) }
            }
        }
        return y
    }

    /// Softmax of one row of `d` values into `o` (max-shifted, Float32, left to right): the one
    /// copy behind `softmax` and `softmaxCrossEntropy`. Returns the row maximum `m` and the sum
    /// `z` of `exp(a_j - m)`, so `log sum_j exp(a_j) = m + log z`.
    @inline(__always)
    static func softmaxRow(_ a: UnsafePointer<Float>, into o: UnsafeMutablePointer<Float>, count d: Int) -> (max: Float, sum: Float) {
        var m = -Float.infinity
        for j in 0..<d { m = Swift.max(m, a[j]) }
        var z: Float = 0
        for j in 0..<d { o[j] = expf(a[j] - m); z += o[j] }
        for j in 0..<d { o[j] /= z }
        return (m, z)
    }

    /// log(softmax(x)) over the last axis, computed stably.
    public func logSoftmax(_ x: Var) -> Var {
        let s = shape(x), d = s.last ?? 1, rows = count(x) / Swift.max(d, 1)
        let y = make(s, needsGrad: needsGrad(x))
        let xp = ptr(x), yp = ptr(y)
        for r in 0..<rows {
            let a = xp + r * d, o = yp + r * d
            var m = -Float.infinity
            for j in 0..<d { m = Swift.max(m, a[j]) }
            var z: Float = 0
            for j in 0..<d { z += expf(a[j] - m) }
            let lse = m + logf(z)
            for j in 0..<d { o[j] = a[j] - lse }
        }
        onBackward(y) { [x = x.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            let gx = g.grad(x), yp = g.ptr(y)
            for r in 0..<rows {
                let o = yp + r * d, go = gy + r * d
                var total: Float = 0
                for j in 0..<d { total += go[j] }
                for j in 0..<d { gx[r * d + j] += go[j] - expf(o[j]) * total }
            }
        }
        return y
    }

    /// Layer normalisation over the last axis: (x - mean) / sqrt(var + eps) * gamma + beta.
    /// gamma and beta have shape [D].
    public func layerNorm(_ x: Var, gamma: Var, beta: Var, epsilon: Float = 1e-5) -> Var {
        let s = shape(x), d = s.last ?? 1, rows = count(x) / Swift.max(d, 1)
        precondition(shape(gamma) == [d] && shape(beta) == [d], "layerNorm: gamma/beta must be [\(d)]")
        let y = make(s, needsGrad: needsGrad(x) || needsGrad(gamma) || needsGrad(beta))
        let xhat = scratchBuffer(rows * d), inv = scratchBuffer(rows)
        let xp = ptr(x), yp = ptr(y), gp = ptr(gamma), bp = ptr(beta)
        for r in 0..<rows {
            let a = xp + r * d
            var mu: Float = 0
            for j in 0..<d { mu += a[j] }
            mu /= Float(d)
            var v: Float = 0
            for j in 0..<d { v += (a[j] - mu) * (a[j] - mu) }
            let is_ = 1 / sqrtf(v / Float(d) + epsilon)
            inv[r] = is_
            for j in 0..<d {
                let h = (a[j] - mu) * is_
                xhat[r * d + j] = h
                yp[r * d + j] = h * gp[j] + bp[j]
            }
        }
        onBackward(y) { [beta = beta.id, gamma = gamma.id, x = x.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            let gp = g.ptr(gamma)
            if g.needsGrad(gamma) {
                let gg = g.grad(gamma)
                for r in 0..<rows { for j in 0..<d { gg[j] += gy[r * d + j] * xhat[r * d + j] } }
            }
            if g.needsGrad(beta) {
                let gb = g.grad(beta)
                for r in 0..<rows { for j in 0..<d { gb[j] += gy[r * d + j] } }
            }
            if g.needsGrad(x) {
                let gx = g.grad(x)
                for r in 0..<rows {
                    var m1: Float = 0, m2: Float = 0
                    for j in 0..<d {
                        let gh = gy[r * d + j] * gp[j]
                        m1 += gh
                        m2 += gh * xhat[r * d + j]
                    }
                    m1 /= Float(d); m2 /= Float(d)
                    for j in 0..<d {
                        let gh = gy[r * d + j] * gp[j]
                        gx[r * d + j] += inv[r] * (gh - m1 - xhat[r * d + j] * m2)
                    }
                }
            }
        }
        return y
    }
}
