extension Matrix {
    /// The matrix exponential by scaling and squaring: halve until the Frobenius norm is at
    /// most 0.5, sum 16 Taylor terms, square back (relative error ~1e-15 for the small,
    /// well-scaled matrices of a linearised vehicle).
    public var exponential: Matrix {
        precondition(isSquare)
        var squarings = 0
        var scaled = self
        let norm = frobeniusNorm
        if norm > 0.5 {
            var n = norm
            while n > 0.5 { n /= 2; squarings += 1 }
            scaled = (1 / Double(1 << squarings)) * self
        }
        var sum = Matrix.identity(rows), term = Matrix.identity(rows)
        for i in 1...16 {
            term = (1 / Double(i)) * (term * scaled)
            sum = sum + term
        }
        for _ in 0..<squarings { sum = sum * sum }
        return sum
    }
}

extension LinearSystem {
    /// Zero-order-hold discretisation of `dx/dt = A x + B u` over `dt` s:
    /// `[A_d B_d; 0 I] = exp([A B; 0 0] dt)`.
    public static func discretized(continuousA a: Matrix, continuousB b: Matrix, dt: Double) -> LinearSystem {
        precondition(a.isSquare && b.rows == a.rows && dt > 0, "discretized needs A n x n, B n x m and dt > 0")
        let n = a.rows, m = b.cols
        var big = Matrix(rows: n + m, cols: n + m)
        for r in 0..<n {
            for c in 0..<n { big[r, c] = a[r, c] * dt }
            for c in 0..<m { big[r, n + c] = b[r, c] * dt }
        }
        let e = big.exponential
        var ad = Matrix(rows: n, cols: n), bd = Matrix(rows: n, cols: m)
        for r in 0..<n {
            for c in 0..<n { ad[r, c] = e[r, c] }
            for c in 0..<m { bd[r, c] = e[r, n + c] }
        }
        return LinearSystem(a: ad, b: bd)
    }
}
