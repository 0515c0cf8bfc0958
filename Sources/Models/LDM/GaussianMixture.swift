import Diagnostics
import Foundation
import Geometry

/// A Gaussian mixture density p(x) = sum_k w_k N(x; mu_k, Sigma_k) over D-dimensional rows,
/// fitted by expectation-maximisation (`fit`), evaluated in log space with log-sum-exp.
///
/// Covariances are full (`[K, D, D]`) or diagonal (`[K, D]`); evaluation uses their Cholesky
/// factors (computed once at construction). Saved as JSON (`save(to:)`, `load`).
public struct GaussianMixture: DensityModel, Equatable, Codable {
    /// Full or diagonal covariance matrices.
    public enum CovarianceType: String, Sendable, Codable, Equatable { case full, diagonal }

    /// EM settings.
    public struct Settings: Sendable, Equatable, Codable {
        /// Number of components K.
        public var components = 8
        /// Full or diagonal covariances.
        public var covariance: CovarianceType = .full
        /// Largest number of EM iterations.
        public var maxIterations = 300
        /// Stop when the mean log-likelihood (nats per sample) improves by less than this.
        public var tolerance = 1e-7
        /// Added to each covariance diagonal, as a fraction of the data variance of that
        /// coordinate (keeps components from collapsing onto a point).
        public var regularization = 1e-4
        /// Lloyd iterations of k-means after the k-means++ seeding.
        public var kmeansIterations = 10

        public init(components: Int = 8, covariance: CovarianceType = .full) {
            self.components = components
            self.covariance = covariance
        }
    }

    public let dimension: Int
    public let covarianceType: CovarianceType
    /// Mixture weights w_k, summing to 1.
    public let weights: [Double]
    /// Means, `[K, D]`.
    public let means: [Double]
    /// Covariances, `[K, D, D]` (full) or `[K, D]` variances (diagonal).
    public let covariances: [Double]
    /// EM iterations the fit took (0 for a mixture built from parameters).
    public let iterations: Int
    /// Whether EM met the tolerance before `maxIterations`.
    public let converged: Bool

    /// Lower Cholesky factors `[K, D, D]` (full) or standard deviations `[K, D]` (diagonal).
    let factors: [Double]
    /// log w_k - (D log 2 pi + log det Sigma_k) / 2.
    let logNormalizers: [Double]

    enum CodingKeys: String, CodingKey { case dimension, covarianceType, weights, means, covariances, iterations, converged }

    /// Number of components K.
    public var components: Int { weights.count }

    /// A mixture from its parameters. Throws `InputError` when a covariance is not positive
    /// definite or the sizes disagree.
    public init(dimension: Int, covarianceType: CovarianceType, weights: [Double], means: [Double],
                covariances: [Double], iterations: Int = 0, converged: Bool = true) throws {
        let k = weights.count, d = dimension
        // sizes from a file: products checked before they are compared (a huge D must not overflow)
        let covCount = SettingsRangeCheck.product(covarianceType == .full ? [k, d, d] : [k, d])
        guard d > 0, k > 0, means.count == SettingsRangeCheck.product([k, d]), covariances.count == covCount else {
            throw InputError("GaussianMixture", "sizes disagree: D \(d), K \(k), \(means.count) means, \(covariances.count) covariance values")
        }
        guard weights.allSatisfy({ $0 >= 0 && $0.isFinite }), abs(weights.reduce(0, +) - 1) < 1e-6 else {
            throw InputError("GaussianMixture", at: "weights", "weights must be non-negative and sum to 1, got \(weights)")
        }
        if let i = means.firstIndex(where: { !$0.isFinite }) {
            throw InputError("GaussianMixture", at: "means[\(i / d)][\(i % d)]", "mean must be finite, got \(means[i])")
        }
        var factors = [Double](repeating: 0, count: covariances.count)
        var logNorm = [Double](repeating: 0, count: k)
        let log2pi = log(2 * Double.pi)
        for c in 0..<k {
            var logDet = 0.0
            if covarianceType == .full {
                guard let l = Cholesky.lower(Array(covariances[(c * d * d)..<((c + 1) * d * d)]), d) else {
                    throw InputError("GaussianMixture", at: "covariances[\(c)]", "covariance is not positive definite")
                }
                for i in 0..<d { logDet += 2 * log(l[i * d + i]) }
                for i in 0..<(d * d) { factors[c * d * d + i] = l[i] }
            } else {
                for i in 0..<d {
                    let v = covariances[c * d + i]
                    guard v > 0, v.isFinite else {
                        throw InputError("GaussianMixture", at: "covariances[\(c)][\(i)]", "variance must be positive, got \(v)")
                    }
                    factors[c * d + i] = v.squareRoot()
                    logDet += log(v)
                }
            }
            logNorm[c] = log(weights[c]) - 0.5 * (Double(d) * log2pi + logDet)
        }
        self.dimension = d
        self.covarianceType = covarianceType
        self.weights = weights
        self.means = means
        self.covariances = covariances
        self.iterations = iterations
        self.converged = converged
        self.factors = factors
        self.logNormalizers = logNorm
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(dimension: c.decode(Int.self, forKey: .dimension),
                      covarianceType: c.decode(CovarianceType.self, forKey: .covarianceType),
                      weights: c.decode([Double].self, forKey: .weights), means: c.decode([Double].self, forKey: .means),
                      covariances: c.decode([Double].self, forKey: .covariances),
                      iterations: c.decodeIfPresent(Int.self, forKey: .iterations) ?? 0,
                      converged: c.decodeIfPresent(Bool.self, forKey: .converged) ?? true)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(dimension, forKey: .dimension)
        try c.encode(covarianceType, forKey: .covarianceType)
        try c.encode(weights, forKey: .weights)
        try c.encode(means, forKey: .means)
        try c.encode(covariances, forKey: .covariances)
        try c.encode(iterations, forKey: .iterations)
        try c.encode(converged, forKey: .converged)
    }

    public static func == (a: GaussianMixture, b: GaussianMixture) -> Bool {
        a.dimension == b.dimension && a.covarianceType == b.covarianceType && a.weights == b.weights
            && a.means == b.means && a.covariances == b.covariances
    }

    // MARK: evaluation

    /// log p of one row starting at `x` (scratch `lk` holds K values).
    @inline(__always)
    func logDensityRow(_ x: UnsafePointer<Double>, _ lk: UnsafeMutablePointer<Double>, _ z: UnsafeMutablePointer<Double>) -> Double {
        let d = dimension, k = weights.count
        var best = -Double.infinity
        means.withUnsafeBufferPointer { mu in
            factors.withUnsafeBufferPointer { f in
                for c in 0..<k {
                    var q = 0.0
                    if covarianceType == .full {
                        // forward substitution L z = x - mu
                        let l = f.baseAddress! + c * d * d
                        for i in 0..<d {
                            var s = x[i] - mu[c * d + i]
                            for j in 0..<i { s -= l[i * d + j] * z[j] }
                            z[i] = s / l[i * d + i]
                            q += z[i] * z[i]
                        }
                    } else {
                        for i in 0..<d {
                            let t = (x[i] - mu[c * d + i]) / f[c * d + i]
                            q += t * t
                        }
                    }
                    let v = logNormalizers[c] - 0.5 * q
                    lk[c] = v
                    if v > best { best = v }
                }
            }
        }
        if best == -Double.infinity { return best }
        var s = 0.0
        for c in 0..<k { s += exp(lk[c] - best) }
        return best + log(s)
    }

    public func logDensity(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>,
                           workspace: DensityWorkspace) {
        precondition(x.count >= count * dimension && out.count >= count, "logDensity buffers too small")
        let k = weights.count, d = dimension
        workspace.reserveDoubles(k + d)
        workspace.doubles.withUnsafeMutableBufferPointer { w in
            let lk = w.baseAddress!, z = w.baseAddress! + k
            for n in 0..<count { out[n] = logDensityRow(x.baseAddress! + n * d, lk, z) }
        }
    }

    public func logDensity(_ x: UnsafeBufferPointer<Float>, count: Int, into out: UnsafeMutableBufferPointer<Float>,
                           workspace: DensityWorkspace) {
        precondition(x.count >= count * dimension && out.count >= count, "logDensity buffers too small")
        let k = weights.count, d = dimension
        workspace.reserveDoubles(k + 2 * d)
        workspace.doubles.withUnsafeMutableBufferPointer { w in
            let lk = w.baseAddress!, z = w.baseAddress! + k, row = w.baseAddress! + k + d
            for n in 0..<count {
                for i in 0..<d { row[i] = Double(x[n * d + i]) }
                out[n] = Float(logDensityRow(row, lk, z))
            }
        }
    }

    // MARK: sampling

    /// `count` samples `[count, D]` drawn with `rng`.
    public func sample(_ count: Int, rng: inout RNG) -> [Double] {
        let d = dimension
        var out = [Double](repeating: 0, count: count * d)
        var z = [Double](repeating: 0, count: d)
        for n in 0..<count {
            var u = rng.uniform(), c = 0
            while c < weights.count - 1 && u >= weights[c] { u -= weights[c]; c += 1 }
            for i in 0..<d { z[i] = rng.normal() }
            for i in 0..<d {
                var v = means[c * d + i]
                if covarianceType == .full {
                    for j in 0...i { v += factors[c * d * d + i * d + j] * z[j] }
                } else {
                    v += factors[c * d + i] * z[i]
                }
                out[n * d + i] = v
            }
        }
        return out
    }

    // MARK: fitting

    /// Fits a K-component mixture to rows `data` (`[N, dimension]`) by EM from a k-means++
    /// initialisation drawn with `rng`. Throws `InputError` when there are fewer rows than
    /// components or the data contain non-finite values.
    public static func fit(_ data: [Double], dimension d: Int, settings: Settings = Settings(),
                           rng: inout RNG) throws -> GaussianMixture {
        let k = settings.components
        guard d > 0, data.count % d == 0 else {
            throw InputError("GaussianMixture.fit", "\(data.count) values is not a multiple of dimension \(d)")
        }
        let n = data.count / d
        guard k > 0, n >= k else { throw InputError("GaussianMixture.fit", "needs at least \(k) rows, got \(n)") }
        if let bad = data.firstIndex(where: { !$0.isFinite }) {
            throw InputError("GaussianMixture.fit", at: "row \(bad / d)", "non-finite value \(data[bad])")
        }
        // per-coordinate data variance (regularisation scale)
        var dataMean = [Double](repeating: 0, count: d), dataVar = [Double](repeating: 0, count: d)
        for r in 0..<n { for i in 0..<d { dataMean[i] += data[r * d + i] } }
        for i in 0..<d { dataMean[i] /= Double(n) }
        for r in 0..<n { for i in 0..<d { let t = data[r * d + i] - dataMean[i]; dataVar[i] += t * t } }
        for i in 0..<d { dataVar[i] = max(dataVar[i] / Double(n), 1e-12) }
        let reg = dataVar.map { $0 * settings.regularization }

        // k-means++ seeding and Lloyd iterations
        var centres = kmeansPlusPlus(data, n: n, d: d, k: k, rng: &rng)
        var assign = [Int](repeating: 0, count: n)
        for _ in 0...settings.kmeansIterations {
            for r in 0..<n {
                var best = 0, bestD = Double.infinity
                for c in 0..<k {
                    var s = 0.0
                    for i in 0..<d { let t = data[r * d + i] - centres[c * d + i]; s += t * t }
                    if s < bestD { bestD = s; best = c }
                }
                assign[r] = best
            }
            var sums = [Double](repeating: 0, count: k * d), counts = [Double](repeating: 0, count: k)
            for r in 0..<n { counts[assign[r]] += 1; for i in 0..<d { sums[assign[r] * d + i] += data[r * d + i] } }
            for c in 0..<k where counts[c] > 0 { for i in 0..<d { centres[c * d + i] = sums[c * d + i] / counts[c] } }
        }
        // initial responsibilities: hard k-means assignment
        var resp = [Double](repeating: 0, count: n * k)
        for r in 0..<n { resp[r * k + assign[r]] = 1 }

        var model = try mStep(data, resp, n: n, d: d, k: k, type: settings.covariance, reg: reg, dataVar: dataVar,
                              dataMean: dataMean, iterations: 0, converged: false)
        var previous = -Double.infinity
        var iterations = 0
        var converged = false
        let ws = DensityWorkspace()
        ws.reserveDoubles(k + d)
        while iterations < settings.maxIterations {
            iterations += 1
            // E step: log responsibilities with log-sum-exp
            var total = 0.0
            ws.doubles.withUnsafeMutableBufferPointer { w in
                data.withUnsafeBufferPointer { x in
                    for r in 0..<n {
                        let l = model.logDensityRow(x.baseAddress! + r * d, w.baseAddress!, w.baseAddress! + k)
                        total += l
                        for c in 0..<k { resp[r * k + c] = exp(w[c] - l) }
                    }
                }
            }
            let ll = total / Double(n)
            model = try mStep(data, resp, n: n, d: d, k: k, type: settings.covariance, reg: reg, dataVar: dataVar,
                              dataMean: dataMean, iterations: iterations, converged: false)
            if abs(ll - previous) < settings.tolerance { converged = true; break }
            previous = ll
        }
        return try GaussianMixture(dimension: d, covarianceType: settings.covariance, weights: model.weights,
                                   means: model.means, covariances: model.covariances, iterations: iterations,
                                   converged: converged)
    }

    /// The M step: weights, means and (regularised) covariances from responsibilities `[N, K]`.
    /// A component left with (almost) no mass is re-seeded on the data mean with the data variance.
    static func mStep(_ x: [Double], _ resp: [Double], n: Int, d: Int, k: Int, type: CovarianceType, reg: [Double],
                      dataVar: [Double], dataMean: [Double], iterations: Int, converged: Bool) throws -> GaussianMixture {
        var nk = [Double](repeating: 0, count: k)
        var mu = [Double](repeating: 0, count: k * d)
        for r in 0..<n {
            for c in 0..<k {
                let w = resp[r * k + c]
                nk[c] += w
                for i in 0..<d { mu[c * d + i] += w * x[r * d + i] }
            }
        }
        let floor = 1e-10 * Double(n)
        for c in 0..<k {
            if nk[c] > floor { for i in 0..<d { mu[c * d + i] /= nk[c] } } else { for i in 0..<d { mu[c * d + i] = dataMean[i] } }
        }
        let covCount = type == .full ? k * d * d : k * d
        var cov = [Double](repeating: 0, count: covCount)
        for r in 0..<n {
            for c in 0..<k {
                let w = resp[r * k + c]
                if w == 0 { continue }
                if type == .full {
                    for i in 0..<d {
                        let ti = x[r * d + i] - mu[c * d + i]
                        for j in 0...i { cov[c * d * d + i * d + j] += w * ti * (x[r * d + j] - mu[c * d + j]) }
                    }
                } else {
                    for i in 0..<d { let t = x[r * d + i] - mu[c * d + i]; cov[c * d + i] += w * t * t }
                }
            }
        }
        for c in 0..<k {
            let alive = nk[c] > floor
            for i in 0..<d {
                if type == .full {
                    for j in 0...i {
                        let v = alive ? cov[c * d * d + i * d + j] / nk[c] : (i == j ? dataVar[i] : 0)
                        cov[c * d * d + i * d + j] = v
                        cov[c * d * d + j * d + i] = v
                    }
                    cov[c * d * d + i * d + i] += reg[i]
                } else {
                    cov[c * d + i] = (alive ? cov[c * d + i] / nk[c] : dataVar[i]) + reg[i]
                }
            }
        }
        let total = nk.reduce(0, +)
        var weights = nk.map { max($0, floor) / max(total, 1e-300) }
        let s = weights.reduce(0, +)
        weights = weights.map { $0 / s }
        return try GaussianMixture(dimension: d, covarianceType: type, weights: weights, means: mu, covariances: cov,
                                   iterations: iterations, converged: converged)
    }

    /// k-means++: the first centre uniformly, each next one with probability proportional to the
    /// squared distance to the nearest centre so far.
    static func kmeansPlusPlus(_ x: [Double], n: Int, d: Int, k: Int, rng: inout RNG) -> [Double] {
        var centres = [Double](repeating: 0, count: k * d)
        let first = rng.int(below: n)
        for i in 0..<d { centres[i] = x[first * d + i] }
        var dist = [Double](repeating: .infinity, count: n)
        for c in 1..<max(k, 1) {
            var total = 0.0
            for r in 0..<n {
                var s = 0.0
                for i in 0..<d { let t = x[r * d + i] - centres[(c - 1) * d + i]; s += t * t }
                dist[r] = min(dist[r], s)
                total += dist[r]
            }
            var pick = rng.int(below: n)
            if total > 0 {
                var u = rng.uniform() * total
                for r in 0..<n {
                    u -= dist[r]
                    if u <= 0 { pick = r; break }
                }
            }
            for i in 0..<d { centres[c * d + i] = x[pick * d + i] }
        }
        return centres
    }

    // MARK: files

    public func save(to path: String) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(e.encode(self), to: path)
    }

    /// Reads a mixture written by `save(to:)`; throws `InputError` naming the file.
    public static func load(_ path: String) throws -> GaussianMixture {
        let data = try InputFile.read(path, as: "a Gaussian mixture file")
        do {
            return try JSONDecoder().decode(GaussianMixture.self, from: data)
        } catch let e as InputError {
            throw InputError(path, at: e.location, e.message)
        } catch {
            throw InputError(path, "not a Gaussian mixture JSON file: \(error)")
        }
    }
}
