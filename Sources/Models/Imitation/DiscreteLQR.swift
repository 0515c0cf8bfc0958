/// Discrete-time infinite-horizon LQR: `min sum x^T Q x + u^T R u` subject to
/// `x_{t+1} = A x_t + B u_t`, solved by the structure-preserving doubling algorithm for the
/// discrete algebraic Riccati equation (DARE)
/// `P = Q + A^T P A - A^T P B (R + B^T P B)^{-1} B^T P A`.
public struct DiscreteLQR: Sendable, Equatable {
    /// The stabilising solution P of the DARE (nx x nx, symmetric positive semi-definite).
    public var p: Matrix
    /// The optimal gain K (nu x nx) of `u = K x`: `K = -(R + B^T P B)^{-1} B^T P A`.
    public var gain: Matrix
    /// Doubling steps taken.
    public var iterations: Int

    /// Why the DARE could not be solved.
    public enum Failure: Error, Equatable {
        case singular
        case notConverged(iterations: Int)
    }

    /// Solves the DARE for (A, B, Q, R) (R positive definite, (A, B) stabilisable,
    /// (A, Q^{1/2}) detectable). Doubling: A_0 = A, G_0 = B R^-1 B^T, H_0 = Q;
    /// W = I + G_k H_k; A_{k+1} = A_k W^-1 A_k; G_{k+1} = G_k + A_k W^-1 G_k A_k^T;
    /// H_{k+1} = H_k + A_k^T H_k W^-1 A_k; H_k -> P quadratically.
    public init(system: LinearSystem, q: Matrix, r: Matrix, tolerance: Double = 1e-12, maxIterations: Int = 60) throws {
        let n = system.stateDim
        guard let rInv = r.inverse else { throw Failure.singular }
        var ak = system.a
        var gk = system.b * rInv * system.b.transposed
        var hk = q.symmetrized
        var done = false, steps = 0
        while steps < maxIterations {
            steps += 1
            let w = Matrix.identity(n) + gk * hk
            guard let wInvA = w.solve(ak), let wInvG = w.solve(gk) else { throw Failure.singular }
            let nextA = ak * wInvA
            let nextG = (gk + ak * wInvG * ak.transposed).symmetrized
            let nextH = (hk + ak.transposed * hk * wInvA).symmetrized
            let change = (nextH - hk).frobeniusNorm
            ak = nextA
            gk = nextG
            hk = nextH
            if change <= tolerance * max(1, hk.frobeniusNorm) { done = true; break }
        }
        guard done else { throw Failure.notConverged(iterations: steps) }
        let bt = system.b.transposed
        guard let k = (r + bt * hk * system.b).solve(bt * hk * system.a) else { throw Failure.singular }
        p = hk
        gain = -1 * k
        iterations = steps
    }

    /// The largest absolute entry of the DARE residual
    /// `Q + A^T P A - A^T P B (R + B^T P B)^{-1} B^T P A - P` (0 for an exact solution).
    public static func riccatiResidual(system: LinearSystem, q: Matrix, r: Matrix, p: Matrix) -> Double {
        let a = system.a, b = system.b
        let s = r + b.transposed * p * b
        guard let sol = s.solve(b.transposed * p * a) else { return .infinity }
        let res = q + a.transposed * p * a - a.transposed * p * b * sol - p
        return res.values.reduce(0) { max($0, abs($1)) }
    }
}
