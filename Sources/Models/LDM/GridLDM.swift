import Foundation

/// The LDM of a small continuous problem computed by value iteration on a grid: the reference
/// that the learned LDM (`LearnedLDM`) is validated against.
///
/// States lie on a regular grid over the box [lower, upper] (`points[i]` nodes per coordinate,
/// S = `lower.count` coordinates), actions come from a finite list. The discounted backup of
/// METHODS.md section 3 is iterated with the next state's value read by multilinear
/// interpolation of V(s) = min_a G(s, a) (a semi-Lagrangian scheme):
///
///     G(s, a) = (1 - gamma) E(s, a) + gamma max( E(s, a), interp V(f(s, a)) )
///
/// Next states outside the box read `outsideValue` (default: the largest energy). The
/// interpolation is a convex combination, so the backup is a monotone gamma-contraction and
/// converges from G = E; with gamma = 1 it is the exact max/min recursion on the grid.
/// The only approximations are the grid and the finite action set.
public struct GridLDM: Sendable {
    public let lower: [Double]
    public let upper: [Double]
    /// Grid nodes per state coordinate.
    public let points: [Int]
    /// The action list, `[K, A]`.
    public let actions: [Float]
    public let actionDim: Int
    public let gamma: Double
    /// E per (node, action), `[nodes, K]`.
    public let energies: [Double]
    /// G per (node, action), `[nodes, K]`.
    public let values: [Double]
    /// Sweeps until the largest change was <= tolerance.
    public let iterations: Int

    /// Number of grid nodes.
    public var nodeCount: Int { points.reduce(1, *) }
    /// Number of actions K.
    public var actionCount: Int { actions.count / actionDim }

    /// The state of node `index` (row-major over coordinates, last fastest).
    public func state(_ index: Int) -> [Double] {
        var s = [Double](repeating: 0, count: points.count)
        var r = index
        for i in stride(from: points.count - 1, through: 0, by: -1) {
            let k = r % points[i]; r /= points[i]
            s[i] = lower[i] + (upper[i] - lower[i]) * Double(k) / Double(points[i] - 1)
        }
        return s
    }

    /// Solves the grid LDM. `energy` returns E for a batch of rows `[n, S + A]` (clip it to a
    /// finite cap first: `outsideValue` defaults to the largest energy seen).
    public static func solve(lower: [Double], upper: [Double], points: [Int], actions: [Float], actionDim: Int,
                             dynamics: LDMDynamics, energy: ([Float], Int) -> [Double], gamma: Double,
                             outsideValue: Double? = nil, tolerance: Double = 1e-9,
                             maxIterations: Int = 100_000) -> GridLDM {
        let sDim = lower.count
        precondition(sDim > 0 && upper.count == sDim && points.count == sDim && points.allSatisfy { $0 >= 2 }, "GridLDM needs a box and >= 2 nodes per coordinate")
        precondition(gamma > 0 && gamma <= 1, "GridLDM needs gamma in (0, 1]")
        let k = actions.count / actionDim
        let nodes = points.reduce(1, *)
        let proto = GridLDM(lower: lower, upper: upper, points: points, actions: actions, actionDim: actionDim,
                            gamma: gamma, energies: [], values: [], iterations: 0)
        // every (node, action) pair as a row [s, a] and its successor
        let rowLen = sDim + actionDim
        var rows = [Float](repeating: 0, count: nodes * k * rowLen)
        var states = [Float](repeating: 0, count: nodes * k * sDim)
        var acts = [Float](repeating: 0, count: nodes * k * actionDim)
        for n in 0..<nodes {
            let s = proto.state(n)
            for a in 0..<k {
                let p = n * k + a
                for i in 0..<sDim { rows[p * rowLen + i] = Float(s[i]); states[p * sDim + i] = Float(s[i]) }
                for j in 0..<actionDim {
                    rows[p * rowLen + sDim + j] = actions[a * actionDim + j]
                    acts[p * actionDim + j] = actions[a * actionDim + j]
                }
            }
        }
        let e = energy(rows, nodes * k)
        var next = [Float](repeating: 0, count: nodes * k * sDim)
        states.withUnsafeBufferPointer { s in
            acts.withUnsafeBufferPointer { a in next.withUnsafeMutableBufferPointer { dynamics(s, a, nodes * k, $0) } }
        }
        let outside = outsideValue ?? e.filter { $0.isFinite }.max() ?? 0
        // interpolation corners and weights of every successor (2^S corners, -1 = outside)
        let corners = 1 << sDim
        var cornerIndex = [Int](repeating: -1, count: nodes * k * corners)
        var cornerWeight = [Double](repeating: 0, count: nodes * k * corners)
        for p in 0..<(nodes * k) {
            var base = [Int](repeating: 0, count: sDim), frac = [Double](repeating: 0, count: sDim)
            var inside = true
            for i in 0..<sDim {
                let u = (Double(next[p * sDim + i]) - lower[i]) / (upper[i] - lower[i]) * Double(points[i] - 1)
                if !(u >= 0 && u <= Double(points[i] - 1)) { inside = false; break }
                let b = min(Int(u), points[i] - 2)
                base[i] = b; frac[i] = u - Double(b)
            }
            if !inside { continue }
            for c in 0..<corners {
                var idx = 0, w = 1.0
                for i in 0..<sDim {
                    let bit = (c >> (sDim - 1 - i)) & 1
                    idx = idx * points[i] + base[i] + bit
                    w *= bit == 1 ? frac[i] : 1 - frac[i]
                }
                cornerIndex[p * corners + c] = idx
                cornerWeight[p * corners + c] = w
            }
        }
        var g = e
        var v = [Double](repeating: 0, count: nodes)
        var sweeps = 0
        while sweeps < maxIterations {
            sweeps += 1
            for n in 0..<nodes {
                var m = Double.infinity
                for a in 0..<k { m = min(m, g[n * k + a]) }
                v[n] = m
            }
            var delta = 0.0
            for p in 0..<(nodes * k) {
                var nv = 0.0
                if cornerIndex[p * corners] < 0 { nv = outside } else {
                    for c in 0..<corners { nv += cornerWeight[p * corners + c] * v[cornerIndex[p * corners + c]] }
                }
                let t = (1 - gamma) * e[p] + gamma * max(e[p], nv)
                delta = max(delta, abs(t - g[p]))
                g[p] = t
            }
            if delta <= tolerance { break }
        }
        return GridLDM(lower: lower, upper: upper, points: points, actions: actions, actionDim: actionDim, gamma: gamma,
                       energies: e, values: g, iterations: sweeps)
    }

    /// G(node, action index).
    public func value(node: Int, action: Int) -> Double { values[node * actionCount + action] }

    /// min_a G(node, a).
    public func stateValue(node: Int) -> Double {
        var m = Double.infinity
        for a in 0..<actionCount { m = min(m, value(node: node, action: a)) }
        return m
    }
}
