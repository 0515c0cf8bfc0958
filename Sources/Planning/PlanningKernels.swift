import Foundation
import Geometry

/// Allocation-free building blocks shared by the planners. Everything works on raw buffers so
/// the planners can call them inside `withUnsafe...` blocks over their own storage.
enum PlanningKernels {
    /// Shifts a `[horizon][actionDim]` sequence forward by `steps`, repeating the last action.
    static func shift(_ seq: UnsafeMutableBufferPointer<Float>, steps: Int, horizon: Int, actionDim: Int) {
        guard steps > 0 else { return }
        let s = min(steps, horizon)
        let keep = horizon - s
        for j in 0..<(keep * actionDim) { seq[j] = seq[j + s * actionDim] }
        // the tail repeats the old last action, which still sits in the last row
        let last = (horizon - 1) * actionDim
        for h in keep..<(horizon - 1) {
            for d in 0..<actionDim { seq[h * actionDim + d] = seq[last + d] }
        }
    }

    /// Fills `out` with independent N(0, 1) samples (Box-Muller, two per pair of uniforms).
    static func fillNormal(_ out: UnsafeMutableBufferPointer<Float>, rng: inout RNG) {
        var i = 0
        let n = out.count
        while i < n {
            let u1 = 1 - rng.uniform()   // (0, 1]
            let u2 = rng.uniform()
            let r = (-2 * log(u1)).squareRoot()
            let t = 2 * Double.pi * u2
            out[i] = Float(r * cos(t))
            if i + 1 < n { out[i + 1] = Float(r * sin(t)) }
            i += 2
        }
    }

    /// Replaces NaN costs by `+infinity`; returns the number of finite costs.
    static func sanitize(_ costs: UnsafeMutableBufferPointer<Float>, count: Int) -> Int {
        var finite = 0
        for i in 0..<count {
            if costs[i].isNaN { costs[i] = .infinity }
            if costs[i].isFinite { finite += 1 }
        }
        return finite
    }

    /// `(cost, index)` strict order: lower cost first, then lower index (deterministic ties).
    @inline(__always)
    static func before(_ ca: Float, _ ia: Int32, _ cb: Float, _ ib: Int32) -> Bool {
        ca < cb || (ca == cb && ia < ib)
    }

    /// Writes into `ranked` the indices of the (at most) `k` lowest finite costs among
    /// `costs[0..<count]`, lowest first, ties broken by index. Returns how many were written.
    /// Allocation-free: a bounded max-heap in `ranked`, then an in-place heap sort.
    static func selectBest(_ costs: UnsafeBufferPointer<Float>, count: Int, k: Int,
                           into ranked: UnsafeMutableBufferPointer<Int32>) -> Int {
        let k = min(k, ranked.count)
        guard k > 0 else { return 0 }
        var size = 0
        // max-heap on (cost, index): the root is the worst kept candidate
        func siftDown(_ start: Int, _ n: Int) {
            var i = start
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < n && before(costs[Int(ranked[m])], ranked[m], costs[Int(ranked[l])], ranked[l]) { m = l }
                if r < n && before(costs[Int(ranked[m])], ranked[m], costs[Int(ranked[r])], ranked[r]) { m = r }
                if m == i { return }
                ranked.swapAt(i, m)
                i = m
            }
        }
        for i in 0..<count where costs[i].isFinite {
            let idx = Int32(i)
            if size < k {
                // sift up
                ranked[size] = idx
                var j = size
                size += 1
                while j > 0 {
                    let p = (j - 1) / 2
                    if before(costs[Int(ranked[p])], ranked[p], costs[Int(ranked[j])], ranked[j]) {
                        ranked.swapAt(p, j); j = p
                    } else { break }
                }
            } else if before(costs[i], idx, costs[Int(ranked[0])], ranked[0]) {
                ranked[0] = idx
                siftDown(0, size)
            }
        }
        // heap sort: repeatedly move the worst to the end -> ascending order
        var n = size
        while n > 1 {
            ranked.swapAt(0, n - 1)
            n -= 1
            siftDown(0, n)
        }
        return size
    }

    /// Scores the first `count` sequences of `samples` (`[*][horizon][actionDim]`) through `cost`
    /// into `costs[0..<count]`, replaces NaN costs by `+infinity` (`sanitize`) and writes the
    /// indices of the (at most `ranked.count`) lowest finite costs into `ranked` (`selectBest`).
    /// Returns how many costs are finite and how many indices were ranked.
    static func scoreAndRank<C: SequenceCost>(_ cost: inout C, samples: [Float], count: Int, horizon: Int, actionDim: Int,
                                              costs: inout [Float], ranked: inout [Int32]) -> (finite: Int, ranked: Int) {
        let d = horizon * actionDim
        samples.withUnsafeBufferPointer { x in
            costs.withUnsafeMutableBufferPointer { c in
                cost.cost(UnsafeBufferPointer(rebasing: x[0..<(count * d)]), count: count, horizon: horizon,
                          actionDim: actionDim, into: UnsafeMutableBufferPointer(rebasing: c[0..<count]))
            }
        }
        let finite = costs.withUnsafeMutableBufferPointer { sanitize($0, count: count) }
        let kept = costs.withUnsafeBufferPointer { c in
            ranked.withUnsafeMutableBufferPointer { r in selectBest(c, count: count, k: r.count, into: r) }
        }
        return (finite, kept)
    }

    /// Fills `count` sequences uniformly in the bounds.
    static func fillUniform(_ x: UnsafeMutableBufferPointer<Float>, count: Int, horizon: Int,
                            lower: UnsafeBufferPointer<Float>, upper: UnsafeBufferPointer<Float>, rng: inout RNG) {
        let a = lower.count
        for r in 0..<(count * horizon) {
            for d in 0..<a {
                let u = rng.uniformFloat()
                x[r * a + d] = min(lower[d] + (upper[d] - lower[d]) * u, upper[d])
            }
        }
    }

    /// Mean of the finite costs (`+infinity` when none).
    static func finiteMean(_ costs: UnsafeBufferPointer<Float>, count: Int) -> Float {
        var s = 0.0, n = 0
        for i in 0..<count where costs[i].isFinite { s += Double(costs[i]); n += 1 }
        return n > 0 ? Float(s / Double(n)) : .infinity
    }
}
