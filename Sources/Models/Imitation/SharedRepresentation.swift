/// A shared linear representation `phi` (k x nx, orthonormal rows) and one head per source
/// (nu x k): source h's policy is `u = heads[h] * phi * x`.
public struct SharedRepresentation: Sendable, Equatable {
    public var phi: Matrix
    public var heads: [Matrix]
    /// Pre-training objective `sum_h sum_i |u - F_h phi x|^2` after each alternating step
    /// (index 0: the spectral initialisation).
    public var objectiveTrace: [Double]

    public init(phi: Matrix, heads: [Matrix], objectiveTrace: [Double] = []) {
        self.phi = phi
        self.heads = heads
        self.objectiveTrace = objectiveTrace
    }

    public var rank: Int { phi.rows }

    /// The gain `F_h phi` of source h.
    public func gain(_ h: Int) -> Matrix { heads[h] * phi }
}

/// The estimators of the multi-task imitation study (Zhang, Kang, Lee, Tomlin, Levine, Tu,
/// Matni, "Multi-Task Imitation Learning for Linear Dynamical Systems", L4DC 2023).
///
/// Pre-training is the paper's estimator, the joint least squares
/// `min_{phi, F_1..F_H} sum_h sum_i |u_i^h - F_h phi x_i^h|^2`, computed here by
/// (1) a spectral initialisation: per-source least squares K_h, then the top-k right singular
/// subspace of the stacked [K_1; ...; K_H] (top-k eigenvectors of sum_h K_h^T K_h), and
/// (2) alternating least squares: heads given phi (H small regressions on k features), then phi
/// given the heads (one regression in the k*nx entries of phi, from the moments), repeated
/// until the objective stops decreasing. The target head is least squares on `phi x` with phi
/// frozen; "from scratch" is least squares on x. Everything works from `SecondMoments`.
public enum ImitationEstimators {
    /// Pre-trains (phi, F_1..F_H) of rank `k` on the per-source moments.
    /// - Parameters:
    ///   - iterations: the most alternating steps (each step: all heads, then phi).
    ///   - tolerance: stop when the objective falls by less than this fraction in a step.
    public static func pretrain(_ sources: [SecondMoments], rank k: Int, iterations: Int = 100,
                                tolerance: Double = 1e-10) throws -> SharedRepresentation {
        precondition(!sources.isEmpty, "pretrain needs at least one source")
        let nx = sources[0].stateDim, nu = sources[0].inputDim
        precondition(k >= 1 && k <= nx, "pretrain needs 1 <= k <= nx, got k = \(k), nx = \(nx)")
        precondition(sources.allSatisfy { $0.stateDim == nx && $0.inputDim == nu }, "pretrain needs sources of equal dimensions")
        // spectral initialisation
        var stacked = Matrix(rows: nx, cols: nx)
        for s in sources {
            let kh = try LeastSquares.fit(s)
            stacked = stacked + kh.transposed * kh
        }
        var phi = stacked.symmetricEigen().vectors.rows(0..<k)
        var heads = try sources.map { try headFit($0, phi: phi) }
        var trace = [objective(sources, phi: phi, heads: heads)]
        // alternating least squares
        for _ in 0..<iterations {
            phi = try phiFit(sources, heads: heads)
            // keep phi orthonormal (the heads absorb the factor), then refit the heads
            guard let (q, _) = phi.orthonormalizedRows() else { throw LeastSquaresError.illConditioned(conditionEstimate: .infinity) }
            phi = q
            heads = try sources.map { try headFit($0, phi: phi) }
            let value = objective(sources, phi: phi, heads: heads)
            let previous = trace[trace.count - 1]
            trace.append(value)
            if previous - value <= tolerance * max(abs(previous), 1e-300) { break }
        }
        return SharedRepresentation(phi: phi, heads: heads, objectiveTrace: trace)
    }

    /// The head F (nu x k) minimising `sum |u - F phi x|^2` with phi frozen; needs k samples.
    public static func headFit(_ m: SecondMoments, phi: Matrix) throws -> Matrix {
        try LeastSquares.fit(m.projected(phi))
    }

    /// The target policy from the frozen representation: `headFit(m, phi) * phi` (nu x nx).
    public static func fineTune(_ m: SecondMoments, phi: Matrix) throws -> Matrix {
        try headFit(m, phi: phi) * phi
    }

    /// The target policy learnt from scratch: least squares of u on x (nu x nx; nx samples).
    public static func scratch(_ m: SecondMoments) throws -> Matrix { try LeastSquares.fit(m) }

    /// phi (k x nx) minimising the joint objective for fixed heads: the normal equations
    /// `sum_h (F_h^T F_h) phi S_h = sum_h F_h^T C_h` (S_h = xx, C_h = ux) in vec(phi).
    static func phiFit(_ sources: [SecondMoments], heads: [Matrix]) throws -> Matrix {
        let nx = sources[0].stateDim, k = heads[0].cols
        let d = k * nx
        var gram = Matrix(rows: d, cols: d)
        var rhs = Matrix(rows: 1, cols: d)
        for (s, f) in zip(sources, heads) {
            let ff = f.transposed * f
            let fc = f.transposed * s.ux
            // gram[(a, j), (b, l)] += ff[a, b] * S[l, j]
            gram.values.withUnsafeMutableBufferPointer { g in
                for a in 0..<k { for b in 0..<k {
                    let w = ff.values[a * k + b]
                    if w == 0 { continue }
                    for j in 0..<nx {
                        let row = (a * nx + j) * d + b * nx
                        for l in 0..<nx { g[row + l] += w * s.xx.values[l * nx + j] }
                    }
                } }
            }
            for i in 0..<d { rhs.values[i] += fc.values[i] }
        }
        let vec = try LeastSquares.solve(gram: gram, cross: rhs)
        return Matrix(rows: k, cols: nx, values: vec.values)
    }

    /// The joint objective from the moments.
    public static func objective(_ sources: [SecondMoments], phi: Matrix, heads: [Matrix]) -> Double {
        var total = 0.0
        for (s, f) in zip(sources, heads) { total += s.residual(f * phi) }
        return total
    }
}
