/// Per-column standardisation statistics of row-major data, shared by the learned LDM pieces
/// that normalise their inputs (`RealNVPFlow.fit`, `LearnedLDM.train`).
enum ColumnStandardisation {
    /// Mean and population standard deviation (floored at `minStd`) of every column of `data`
    /// (`[N, dimension]`), each column accumulated in Float32 in row order.
    static func meanAndStd(_ data: [Float], dimension d: Int, minStd: Float) -> (mean: [Float], std: [Float]) {
        let n = data.count / d
        var mean = [Float](repeating: 0, count: d), std = [Float](repeating: 0, count: d)
        for r in 0..<n { for i in 0..<d { mean[i] += data[r * d + i] } }
        for i in 0..<d { mean[i] /= Float(n) }
        for r in 0..<n { for i in 0..<d { let t = data[r * d + i] - mean[i]; std[i] += t * t } }
        for i in 0..<d { std[i] = max((std[i] / Float(n)).squareRoot(), minStd) }
        return (mean, std)
    }
}
