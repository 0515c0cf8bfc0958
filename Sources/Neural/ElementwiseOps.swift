import Foundation
import Geometry

/// Elementwise ops: unary functions and binary arithmetic with NumPy-style broadcasting.
extension Graph {
    // MARK: unary

    /// y = f(x); backward uses dy/dx = d(x, y).
    @inline(__always)
    func unary(_ x: Var, _ f: (Float) -> Float, _ d: @escaping (Float, Float) -> Float) -> Var {
        let y = make(shape(x), needsGrad: needsGrad(x))
        let n = count(x), xp = ptr(x), yp = ptr(y)
        for i in 0..<n { yp[i] = f(xp[i]) }
        onBackward(y) { [x = x.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            let gx = g.grad(x), xp = g.ptr(x), yp = g.ptr(y)
            for i in 0..<n { gx[i] += gy[i] * d(xp[i], yp[i]) }
        }
        return y
    }

    /// max(x, 0).
    public func relu(_ x: Var) -> Var { unary(x, { Swift.max($0, 0) }, { x, _ in x > 0 ? 1 : 0 }) }
    /// Leaky ReLU with negative slope `alpha`.
    public func leakyRelu(_ x: Var, alpha: Float = 0.01) -> Var {
        unary(x, { $0 > 0 ? $0 : alpha * $0 }, { x, _ in x > 0 ? 1 : alpha })
    }
    /// Hyperbolic tangent.
    public func tanh(_ x: Var) -> Var { unary(x, fastTanh, { _, y in 1 - y * y }) }
    /// Logistic sigmoid 1 / (1 + e^-x), computed without overflow.
    public func sigmoid(_ x: Var) -> Var { unary(x, fastSigmoid, { _, y in y * (1 - y) }) }
    /// log(1 + e^x), computed without overflow.
    public func softplus(_ x: Var) -> Var {
        unary(x, { Swift.max($0, 0) + log1pf(expf(-Swift.abs($0))) }, { x, _ in stableSigmoid(x) })
    }
    /// e^x.
    public func exp(_ x: Var) -> Var { unary(x, fastExp, { _, y in y }) }
    /// Natural log.
    public func log(_ x: Var) -> Var { unary(x, { logf($0) }, { x, _ in 1 / x }) }
    /// x^2.
    public func square(_ x: Var) -> Var { unary(x, { $0 * $0 }, { x, _ in 2 * x }) }
    /// Square root.
    public func sqrt(_ x: Var) -> Var { unary(x, { sqrtf($0) }, { _, y in 0.5 / y }) }
    /// |x|.
    public func abs(_ x: Var) -> Var { unary(x, { Swift.abs($0) }, { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) }) }
    /// s * x.
    public func scale(_ x: Var, _ s: Float) -> Var { unary(x, { s * $0 }, { _, _ in s }) }
    /// s * x + t.
    public func affine(_ x: Var, scale s: Float, shift t: Float) -> Var { unary(x, { s * $0 + t }, { _, _ in s }) }
    /// x clipped to [lo, hi] (gradient zero outside).
    public func clamp(_ x: Var, _ lo: Float, _ hi: Float) -> Var {
        unary(x, { Swift.min(Swift.max($0, lo), hi) }, { x, _ in x >= lo && x <= hi ? 1 : 0 })
    }

    /// Inverted dropout with keep probability 1 - p in training mode; identity in eval mode.
    public func dropout(_ x: Var, p: Float, rng: inout RNG) -> Var {
        guard training, p > 0 else { return x }
        let n = count(x)
        let mask = scratchBuffer(n)
        let keep = 1 / (1 - p)
        for i in 0..<n { mask[i] = rng.uniformFloat() < p ? 0 : keep }
        let y = make(shape(x), needsGrad: needsGrad(x))
        let xp = ptr(x), yp = ptr(y)
        for i in 0..<n { yp[i] = xp[i] * mask[i] }
        onBackward(y) { [x = x.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            let gx = g.grad(x)
            for i in 0..<n { gx[i] += gy[i] * mask[i] }
        }
        return y
    }

    // MARK: binary with broadcasting

    /// a + b (broadcasting).
    public func add(_ a: Var, _ b: Var) -> Var { binary(a, b, { $0 + $1 }, { _, _ in 1 }, { _, _ in 1 }) }
    /// a - b (broadcasting).
    public func sub(_ a: Var, _ b: Var) -> Var { binary(a, b, { $0 - $1 }, { _, _ in 1 }, { _, _ in -1 }) }
    /// a * b (broadcasting).
    public func mul(_ a: Var, _ b: Var) -> Var { binary(a, b, { $0 * $1 }, { _, b in b }, { a, _ in a }) }
    /// a / b (broadcasting).
    public func div(_ a: Var, _ b: Var) -> Var {
        binary(a, b, { $0 / $1 }, { _, b in 1 / b }, { a, b in -a / (b * b) })
    }
    /// max(a, b) elementwise (gradient to the larger; ties to a).
    public func maximum(_ a: Var, _ b: Var) -> Var {
        binary(a, b, { Swift.max($0, $1) }, { a, b in a >= b ? 1 : 0 }, { a, b in a >= b ? 0 : 1 })
    }

    /// out = f(a, b) broadcasting both to a common shape; da/db are partial derivatives.
    @inline(__always)
    func binary(_ a: Var, _ b: Var, _ f: (Float, Float) -> Float,
                _ da: @escaping (Float, Float) -> Float, _ db: @escaping (Float, Float) -> Float) -> Var {
        let sa = shape(a), sb = shape(b)
        let so = broadcastShape(sa, sb)
        let y = make(so, needsGrad: needsGrad(a) || needsGrad(b))
        let n = count(y)
        let ap = ptr(a), bp = ptr(b), yp = ptr(y)
        if sa == sb {
            for i in 0..<n { yp[i] = f(ap[i], bp[i]) }
            onBackward(y) { [a = a.id, b = b.id, y = y.id] g in
                guard let gy = g.gradIfAny(y) else { return }
                let ap = g.ptr(a), bp = g.ptr(b)
                if g.needsGrad(a) { let ga = g.grad(a); for i in 0..<n { ga[i] += gy[i] * da(ap[i], bp[i]) } }
                if g.needsGrad(b) { let gb = g.grad(b); for i in 0..<n { gb[i] += gy[i] * db(ap[i], bp[i]) } }
            }
            return y
        }
        let ia = broadcastIndex(sa, so), ib = broadcastIndex(sb, so)
        for i in 0..<n { yp[i] = f(ap[ia[i]], bp[ib[i]]) }
        onBackward(y) { [a = a.id, b = b.id, y = y.id] g in
            guard let gy = g.gradIfAny(y) else { return }
            let ap = g.ptr(a), bp = g.ptr(b)
            if g.needsGrad(a) {
                let ga = g.grad(a)
                for i in 0..<n { ga[ia[i]] += gy[i] * da(ap[ia[i]], bp[ib[i]]) }
            }
            if g.needsGrad(b) {
                let gb = g.grad(b)
                for i in 0..<n { gb[ib[i]] += gy[i] * db(ap[ia[i]], bp[ib[i]]) }
            }
        }
        return y
    }
}

/// Logistic sigmoid without overflow for large |x|.
@inline(__always) func stableSigmoid(_ x: Float) -> Float {
    if x >= 0 { return 1 / (1 + expf(-x)) }
    let e = expf(x)
    return e / (1 + e)
}

/// The NumPy broadcast of two shapes (trailing axes aligned; sizes equal or 1).
func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let r = max(a.count, b.count)
    var out = [Int](repeating: 1, count: r)
    for k in 0..<r {
        let x = k < r - a.count ? 1 : a[k - (r - a.count)]
        let y = k < r - b.count ? 1 : b[k - (r - b.count)]
        precondition(x == y || x == 1 || y == 1, "cannot broadcast shapes \(a) and \(b)")
        out[k] = x == 1 ? y : x
    }
    return out
}

/// For every element of `out`, the flat index of the element of `src` it reads under broadcasting.
func broadcastIndex(_ src: [Int], _ out: [Int]) -> [Int] {
    let r = out.count
    let padded = [Int](repeating: 1, count: r - src.count) + src
    var strides = [Int](repeating: 0, count: r)
    var s = 1
    for k in stride(from: r - 1, through: 0, by: -1) {
        strides[k] = padded[k] == 1 ? 0 : s
        s *= padded[k]
    }
    let n = Tensor.count(out)
    var idx = [Int](repeating: 0, count: n)
    var counter = [Int](repeating: 0, count: r)
    var off = 0
    for i in 0..<n {
        idx[i] = off
        var k = r - 1
        while k >= 0 {
            counter[k] += 1
            off += strides[k]
            if counter[k] < out[k] { break }
            off -= strides[k] * counter[k]
            counter[k] = 0
            k -= 1
        }
    }
    return idx
}
