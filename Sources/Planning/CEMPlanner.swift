import Geometry

/// Cross-entropy method over action sequences (GtS's planner, METHODS.md section 1).
///
/// One tick: iteration 0 scores `initialSamples` sequences drawn uniformly in the box; each
/// later iteration scores `samples` sequences drawn from a Gaussian fitted to the previous
/// iteration's `elites` lowest-cost candidates, with the *centred* covariance
/// `Sigma = (1/E) sum_e (x_e - mu)(x_e - mu)^T` over the flattened `H * A` sequence (diagonal or
/// full), plus a variance floor `(minStdFraction * halfRange)^2`. Samples are clamped to the box.
/// After the last fit the nominal plan is the Gaussian mean (`execute = .mean`, as in GtS) or the
/// lowest-cost candidate seen (`.best`).
///
/// Defaults are METHODS.md's: 4096 uniform, then 1024 per iteration, 128 elites, 3 iterations
/// in total (uniform + 2 Gaussian: 6144 candidates per tick). The GtS code's uncentred
/// covariance is deliberately not reproduced.
///
/// ```swift
/// var cem = CEMPlanner(space: ActionSpace(horizon: 12, lower: [-2.09], upper: [2.09]))
/// cem.plan(&cost, rng: &rng)
/// let yawRate = cem.nominal[0]
/// ```
public struct CEMPlanner: Planner, Sendable {
    /// Covariance model of the sampling Gaussian.
    public enum Covariance: String, Sendable, Equatable, Codable {
        /// Independent per (step, component) variance.
        case diagonal
        /// Full `(H*A) x (H*A)` covariance (captures correlations between steps).
        case full
    }

    /// Which sequence becomes the nominal plan at the end of a tick.
    public enum Execute: String, Sendable, Equatable, Codable {
        /// The final Gaussian mean (GtS).
        case mean
        /// The lowest-cost candidate of the whole tick.
        case best
    }

    /// CEM settings; defaults from METHODS.md section 1.
    public struct Settings: Sendable, Equatable {
        /// Uniform samples in iteration 0.
        public var initialSamples = 4096
        /// Gaussian samples in every later iteration.
        public var samples = 1024
        /// Elites used for each fit.
        public var elites = 128
        /// Iterations per tick in total, including the uniform one (>= 1).
        public var iterations = 3
        /// Diagonal or full covariance.
        public var covariance = Covariance.diagonal
        /// Standard deviation floor as a fraction of each component's half range.
        public var minStdFraction: Float = 1e-3
        /// Prior standard deviation (fraction of half range), used when an iteration had no
        /// admissible candidate to fit.
        public var priorStdFraction: Float = 0.5
        /// Put the current nominal plan (usually the shifted previous plan) into the uniform
        /// batch as candidate 0. Off by default (GtS samples afresh every tick).
        public var includeNominal = false
        /// Mean (GtS) or best candidate as the executed plan.
        public var execute = Execute.mean

        public init() {}
    }

    public let space: ActionSpace
    public let settings: Settings
    public private(set) var nominal: [Float]
    public private(set) var diagnostics = PlanDiagnostics()

    /// Mean of the sampling Gaussian after the last fit, `[horizon][actionDim]`.
    public private(set) var mean: [Float]
    /// Covariance after the last fit: `D x D` row-major (`.full`) or its diagonal of length `D`
    /// (`.diagonal`), D = horizon * actionDim. Includes the variance floor.
    public private(set) var covariance: [Float]

    // preallocated storage
    private var initialNominal: [Float]
    private var samplesBuf: [Float]
    private var costsBuf: [Float]
    private var rankedBuf: [Int32]
    private var rankedCount = 0
    private var batchCount = 0
    private var best: [Float]
    private var cholesky: [Float]      // full: lower factor D x D; diagonal: std per entry
    private var noise: [Float]         // D standard normals per sample
    private var lowerBuf: [Float]
    private var upperBuf: [Float]
    private var floorVar: [Float]      // per flattened entry

    public init(space: ActionSpace, settings: Settings = Settings()) {
        precondition(settings.initialSamples > 0 && settings.samples > 0 && settings.iterations >= 1,
                     "CEMPlanner needs positive sample counts and at least one iteration")
        precondition(settings.elites > 0 && settings.elites <= min(settings.initialSamples, settings.samples),
                     "CEMPlanner elites must be in 1...min(initialSamples, samples)")
        self.space = space
        self.settings = settings
        let d = space.sequenceLength
        let cap = max(settings.initialSamples, settings.samples)
        initialNominal = space.centredSequence()
        nominal = initialNominal
        mean = initialNominal
        covariance = [Float](repeating: 0, count: settings.covariance == .full ? d * d : d)
        samplesBuf = [Float](repeating: 0, count: cap * d)
        costsBuf = [Float](repeating: .infinity, count: cap)
        rankedBuf = [Int32](repeating: 0, count: settings.elites)
        best = initialNominal
        cholesky = [Float](repeating: 0, count: settings.covariance == .full ? d * d : d)
        noise = [Float](repeating: 0, count: d)
        lowerBuf = space.lower
        upperBuf = space.upper
        floorVar = [Float](repeating: 0, count: d)
        for h in 0..<space.horizon {
            for a in 0..<space.actionDim {
                let s = settings.minStdFraction * space.halfRange(a)
                floorVar[h * space.actionDim + a] = max(s * s, Float.leastNormalMagnitude)
            }
        }
        setPrior()
    }

    public var maxBatch: Int { max(settings.initialSamples, settings.samples) }

    public var lastBatch: CandidateBatch {
        CandidateBatch(actions: samplesBuf, costs: costsBuf, count: batchCount, ranked: rankedBuf,
                       rankedCount: rankedCount, horizon: space.horizon, actionDim: space.actionDim)
    }

    /// Covariance prior: `(priorStdFraction * halfRange)^2` on the diagonal.
    private mutating func setPrior() {
        let d = space.sequenceLength
        for i in 0..<covariance.count { covariance[i] = 0 }
        for h in 0..<space.horizon {
            for a in 0..<space.actionDim {
                let s = settings.priorStdFraction * space.halfRange(a)
                let j = h * space.actionDim + a
                let v = max(s * s, floorVar[j])
                if settings.covariance == .full { covariance[j * d + j] = v } else { covariance[j] = v }
            }
        }
    }

    public mutating func reset() {
        nominal = initialNominal
        mean = initialNominal
        best = initialNominal
        setPrior()
        diagnostics = PlanDiagnostics()
        batchCount = 0
        rankedCount = 0
    }

    public mutating func setNominal(_ sequence: [Float]) {
        precondition(sequence.count == space.sequenceLength, "setNominal needs horizon * actionDim values")
        space.clamp(sequence, into: &nominal)
        for j in 0..<sequence.count { mean[j] = nominal[j] }
    }

    /// Sets the plan `reset()` returns to (defaults to the box centre).
    public mutating func setInitialNominal(_ sequence: [Float]) {
        precondition(sequence.count == space.sequenceLength, "setInitialNominal needs horizon * actionDim values")
        space.clamp(sequence, into: &initialNominal)
    }

    public mutating func shift(by steps: Int) {
        let h = space.horizon, a = space.actionDim
        nominal.withUnsafeMutableBufferPointer { PlanningKernels.shift($0, steps: steps, horizon: h, actionDim: a) }
        mean.withUnsafeMutableBufferPointer { PlanningKernels.shift($0, steps: steps, horizon: h, actionDim: a) }
    }

    @discardableResult
    public mutating func plan<C: SequenceCost>(_ cost: inout C, rng: inout RNG) -> PlanDiagnostics {
        let d = space.sequenceLength
        let horizon = space.horizon, adim = space.actionDim
        var diag = PlanDiagnostics()
        var bestCost = Float.infinity
        var fitted = false

        for iteration in 0..<settings.iterations {
            let n = iteration == 0 ? settings.initialSamples : settings.samples
            // sample the batch
            if iteration == 0 {
                lowerBuf.withUnsafeBufferPointer { lo in
                    upperBuf.withUnsafeBufferPointer { hi in
                        samplesBuf.withUnsafeMutableBufferPointer { x in
                            PlanningKernels.fillUniform(x, count: n, horizon: horizon, lower: lo, upper: hi, rng: &rng)
                            if settings.includeNominal {
                                for j in 0..<d { x[j] = nominal[j] }
                            }
                        }
                    }
                }
            } else {
                sampleGaussian(count: n, rng: &rng)
            }

            // score and rank the elites (rankedBuf holds `elites` entries)
            let (finite, elites) = PlanningKernels.scoreAndRank(&cost, samples: samplesBuf, count: n, horizon: horizon,
                                                                actionDim: adim, costs: &costsBuf, ranked: &rankedBuf)
            diag.evaluated += n
            diag.admissible += finite
            batchCount = n
            rankedCount = elites
            guard rankedCount > 0 else {
                // nothing admissible: keep the current Gaussian (prior around the mean)
                diag.rejectedBatches += 1
                if !fitted { setPrior() }
                continue
            }
            let i0 = Int(rankedBuf[0])
            if costsBuf[i0] < bestCost {
                bestCost = costsBuf[i0]
                for j in 0..<d { best[j] = samplesBuf[i0 * d + j] }
            }

            // centred fit on the elites
            samplesBuf.withUnsafeBufferPointer { x in
                rankedBuf.withUnsafeBufferPointer { r in
                    mean.withUnsafeMutableBufferPointer { m in
                        covariance.withUnsafeMutableBufferPointer { cov in
                            CEMPlanner.fitGaussian(x, dim: d, indices: UnsafeBufferPointer(rebasing: r[0..<rankedCount]),
                                                   full: settings.covariance == .full, mean: m, covariance: cov)
                        }
                    }
                }
            }
            fitted = true
            addFloor()

            diag.eliteMeanCost = costsBuf.withUnsafeBufferPointer { c in
                var s = 0.0
                for k in 0..<rankedCount { s += Double(c[Int(rankedBuf[k])]) }
                return Float(s / Double(rankedCount))
            }
        }

        diag.bestCost = bestCost
        diag.meanCost = costsBuf.withUnsafeBufferPointer { PlanningKernels.finiteMean($0, count: batchCount) }
        diag.allRejected = diag.admissible == 0
        if !diag.allRejected {
            switch settings.execute {
            case .mean:
                space.clamp(mean, into: &nominal)
            case .best:
                for j in 0..<d { nominal[j] = best[j] }
            }
        }
        diagnostics = diag
        return diag
    }

    /// Adds the variance floor to the fitted covariance's diagonal.
    private mutating func addFloor() {
        let d = space.sequenceLength
        for j in 0..<d {
            if settings.covariance == .full { covariance[j * d + j] += floorVar[j] } else { covariance[j] += floorVar[j] }
        }
    }

    /// Draws `count` clamped samples from N(mean, covariance) into the sample buffer.
    private mutating func sampleGaussian(count: Int, rng: inout RNG) {
        let d = space.sequenceLength
        let full = settings.covariance == .full
        // factor once per iteration
        covariance.withUnsafeBufferPointer { cov in
            cholesky.withUnsafeMutableBufferPointer { l in
                if full {
                    CEMPlanner.cholesky(cov, dim: d, into: l)
                } else {
                    for j in 0..<d { l[j] = cov[j].squareRoot() }
                }
            }
        }
        lowerBuf.withUnsafeBufferPointer { lo in
            upperBuf.withUnsafeBufferPointer { hi in
                mean.withUnsafeBufferPointer { m in
                    cholesky.withUnsafeBufferPointer { l in
                        noise.withUnsafeMutableBufferPointer { z in
                            samplesBuf.withUnsafeMutableBufferPointer { x in
                                for i in 0..<count {
                                    PlanningKernels.fillNormal(z, rng: &rng)
                                    let row = i * d
                                    for j in 0..<d {
                                        var v = m[j]
                                        if full {
                                            for k in 0...j { v += l[j * d + k] * z[k] }
                                        } else {
                                            v += l[j] * z[j]
                                        }
                                        let a = j % lo.count
                                        x[row + j] = min(max(v, lo[a]), hi[a])
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Maximum-likelihood Gaussian of the rows `indices` of `samples` (`[*][dim]`): the mean, and
    /// the *centred* covariance `(1/E) sum (x - mu)(x - mu)^T` (full `dim x dim`, or its
    /// diagonal when `full` is false). Accumulates in Double.
    static func fitGaussian(_ samples: UnsafeBufferPointer<Float>, dim: Int, indices: UnsafeBufferPointer<Int32>,
                            full: Bool, mean: UnsafeMutableBufferPointer<Float>,
                            covariance: UnsafeMutableBufferPointer<Float>) {
        let e = indices.count
        let inv = 1.0 / Double(e)
        for j in 0..<dim {
            var s = 0.0
            for k in 0..<e { s += Double(samples[Int(indices[k]) * dim + j]) }
            mean[j] = Float(s * inv)
        }
        if full {
            for j in 0..<dim {
                for l in 0...j {
                    var s = 0.0
                    for k in 0..<e {
                        let row = Int(indices[k]) * dim
                        s += (Double(samples[row + j]) - Double(mean[j])) * (Double(samples[row + l]) - Double(mean[l]))
                    }
                    covariance[j * dim + l] = Float(s * inv)
                    covariance[l * dim + j] = Float(s * inv)
                }
            }
        } else {
            for j in 0..<dim {
                var s = 0.0
                for k in 0..<e {
                    let x = Double(samples[Int(indices[k]) * dim + j]) - Double(mean[j])
                    s += x * x
                }
                covariance[j] = Float(s * inv)
            }
        }
    }

    /// Lower Cholesky factor of a symmetric positive semi-definite `dim x dim` matrix (Double
    /// accumulation; non-positive pivots become 0 so a degenerate fit still samples).
    static func cholesky(_ a: UnsafeBufferPointer<Float>, dim: Int, into l: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<(dim * dim) { l[i] = 0 }
        for j in 0..<dim {
            var s = Double(a[j * dim + j])
            for k in 0..<j { s -= Double(l[j * dim + k]) * Double(l[j * dim + k]) }
            let pivot = s > 0 ? s.squareRoot() : 0
            l[j * dim + j] = Float(pivot)
            for i in (j + 1)..<max(j + 1, dim) {
                var t = Double(a[i * dim + j])
                for k in 0..<j { t -= Double(l[i * dim + k]) * Double(l[j * dim + k]) }
                l[i * dim + j] = pivot > 0 ? Float(t / pivot) : 0
            }
        }
    }
}
