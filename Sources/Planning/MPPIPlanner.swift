import Foundation
import Geometry

/// Model-predictive path integral control with smoothed noise (HInt/BADGR's planner,
/// METHODS.md section 2).
///
/// One tick samples `samples` sequences around the nominal mean `mu`:
///
///     eps_h ~ N(0, diag(sigma^2)),  sigma_d = noiseScale * halfRange_d
///     a_h = beta * (mu_h + eps_h) + (1 - beta) * a_{h-1},   a_{-1} = previous executed action
///
/// each `a_h` clamped to the box before it feeds `a_{h+1}`. Costs become weights
/// `w_k = exp(-gamma * (c_k - c_min))` (`gamma = inverseTemperature`; rejected candidates get 0)
/// and the new mean is `sum_k w_k a_k / sum_k w_k`. Because `shift()` moves the mean forward by
/// one step after each executed action, `mu_h` here is the previous tick's `mu_{h+1}`: exactly
/// METHODS.md's `a_h = 0.6 (mu_{h+1} + eps_h) + 0.4 a_{h-1}`.
///
/// Defaults: 4096 samples, noise 1.0 x half range, gamma 50, beta 0.6. BADGR calls gamma the
/// "temperature" but multiplies by it (weights `exp(gamma * (r - r_max))` on rewards); with costs
/// in [0, 1] (collision probabilities) gamma = 50 is a sharp but not greedy weighting.
public struct MPPIPlanner: Planner, Sendable {
    /// MPPI settings; defaults from METHODS.md section 2.
    public struct Settings: Sendable, Equatable {
        /// Sequences scored per tick.
        public var samples = 4096
        /// Noise standard deviation as a fraction of each component's half range.
        public var noiseScale: Float = 1.0
        /// gamma in `exp(-gamma (c - c_min))`; larger is greedier.
        public var inverseTemperature: Float = 50
        /// beta in `a_h = beta (mu_h + eps_h) + (1 - beta) a_{h-1}`; 1 disables smoothing.
        public var smoothing: Float = 0.6
        /// How many lowest-cost candidates `lastBatch.ranked` keeps for display.
        public var keepBest = 64

        public init() {}
    }

    public let space: ActionSpace
    public let settings: Settings
    /// The mean sequence `mu` (`[horizon][actionDim]`); the executed plan.
    public private(set) var nominal: [Float]
    public private(set) var diagnostics = PlanDiagnostics()
    /// `a_{-1}`: the action executed before the current plan (first action of the previous
    /// tick's mean), or `nil` after `reset()` (then `mu_0` is used).
    public var previousAction: [Float]? { hasPrevious ? previousBuf : nil }

    // a_{-1} lives in its own buffer so recording it never copies (no per-tick allocation)
    private var previousBuf: [Float]
    private var hasPrevious = false

    private var initialNominal: [Float]
    private var samplesBuf: [Float]
    private var costsBuf: [Float]
    private var rankedBuf: [Int32]
    private var rankedCount = 0
    private var sigma: [Float]
    private var noise: [Float]
    private var carry: [Float]
    private var accum: [Double]
    private var lowerBuf: [Float]
    private var upperBuf: [Float]

    public init(space: ActionSpace, settings: Settings = Settings()) {
        precondition(settings.samples > 0, "MPPIPlanner needs a positive sample count")
        precondition(settings.smoothing > 0 && settings.smoothing <= 1, "MPPIPlanner smoothing must be in (0, 1]")
        precondition(settings.inverseTemperature > 0, "MPPIPlanner inverse temperature must be positive")
        self.space = space
        self.settings = settings
        let d = space.sequenceLength
        initialNominal = space.centredSequence()
        nominal = initialNominal
        samplesBuf = [Float](repeating: 0, count: settings.samples * d)
        costsBuf = [Float](repeating: .infinity, count: settings.samples)
        rankedBuf = [Int32](repeating: 0, count: max(1, min(settings.keepBest, settings.samples)))
        sigma = (0..<space.actionDim).map { settings.noiseScale * space.halfRange($0) }
        noise = [Float](repeating: 0, count: d)
        carry = [Float](repeating: 0, count: space.actionDim)
        previousBuf = [Float](repeating: 0, count: space.actionDim)
        accum = [Double](repeating: 0, count: d)
        lowerBuf = space.lower
        upperBuf = space.upper
    }

    public var maxBatch: Int { settings.samples }

    public var lastBatch: CandidateBatch {
        CandidateBatch(actions: samplesBuf, costs: costsBuf, count: diagnostics.evaluated, ranked: rankedBuf,
                       rankedCount: rankedCount, horizon: space.horizon, actionDim: space.actionDim)
    }

    public mutating func reset() {
        nominal = initialNominal
        hasPrevious = false
        diagnostics = PlanDiagnostics()
        rankedCount = 0
    }

    public mutating func setNominal(_ sequence: [Float]) {
        precondition(sequence.count == space.sequenceLength, "setNominal needs horizon * actionDim values")
        space.clamp(sequence, into: &nominal)
    }

    /// Sets the plan `reset()` returns to (defaults to the box centre).
    public mutating func setInitialNominal(_ sequence: [Float]) {
        precondition(sequence.count == space.sequenceLength, "setInitialNominal needs horizon * actionDim values")
        space.clamp(sequence, into: &initialNominal)
    }

    /// Sets `a_{-1}` explicitly (e.g. the action the robot is actually executing).
    public mutating func setPreviousAction(_ action: [Float]) {
        precondition(action.count == space.actionDim, "setPreviousAction needs actionDim values")
        space.clamp(action, into: &previousBuf)
        hasPrevious = true
    }

    /// Warm start: shifts the mean by `steps` (tail repeats the last action). The first action
    /// of the old mean becomes `a_{-1}` for one-step shifts.
    public mutating func shift(by steps: Int) {
        let h = space.horizon, a = space.actionDim
        if steps > 0 {
            let executed = steps - 1 < h ? steps - 1 : h - 1
            for k in 0..<a { previousBuf[k] = nominal[executed * a + k] }
            hasPrevious = true
        }
        nominal.withUnsafeMutableBufferPointer { PlanningKernels.shift($0, steps: steps, horizon: h, actionDim: a) }
    }

    @discardableResult
    public mutating func plan<C: SequenceCost>(_ cost: inout C, rng: inout RNG) -> PlanDiagnostics {
        let d = space.sequenceLength
        let horizon = space.horizon, adim = space.actionDim
        let n = settings.samples
        let beta = settings.smoothing
        var diag = PlanDiagnostics()

        // a_{-1}
        for k in 0..<adim { carry[k] = hasPrevious ? previousBuf[k] : nominal[k] }

        // sample smoothed, clamped sequences
        nominal.withUnsafeBufferPointer { mu in
        sigma.withUnsafeBufferPointer { sig in
        carry.withUnsafeBufferPointer { start in
        lowerBuf.withUnsafeBufferPointer { lo in
            upperBuf.withUnsafeBufferPointer { hi in
                noise.withUnsafeMutableBufferPointer { z in
                    samplesBuf.withUnsafeMutableBufferPointer { x in
                        for i in 0..<n {
                            PlanningKernels.fillNormal(z, rng: &rng)
                            let row = i * d
                            for h in 0..<horizon {
                                for k in 0..<adim {
                                    let j = h * adim + k
                                    let prev = h == 0 ? start[k] : x[row + j - adim]
                                    let v = beta * (mu[j] + sig[k] * z[j]) + (1 - beta) * prev
                                    x[row + j] = min(max(v, lo[k]), hi[k])
                                }
                            }
                        }
                    }
                }
            }
        }
        }
        }
        }

        // score
        let (finite, kept) = PlanningKernels.scoreAndRank(&cost, samples: samplesBuf, count: n, horizon: horizon,
                                                          actionDim: adim, costs: &costsBuf, ranked: &rankedBuf)
        diag.evaluated = n
        diag.admissible = finite
        rankedCount = kept
        diag.meanCost = costsBuf.withUnsafeBufferPointer { PlanningKernels.finiteMean($0, count: n) }

        guard finite > 0 else {
            // everything rejected: keep the mean
            diag.rejectedBatches = 1
            diag.allRejected = true
            diagnostics = diag
            return diag
        }
        let cmin = costsBuf[Int(rankedBuf[0])]
        diag.bestCost = cmin

        // exponential weights and the weighted mean (Double accumulation, fixed order)
        let gamma = Double(settings.inverseTemperature)
        var wsum = 0.0, w2sum = 0.0, wcost = 0.0
        for j in 0..<d { accum[j] = 0 }
        costsBuf.withUnsafeBufferPointer { c in
            samplesBuf.withUnsafeBufferPointer { x in
                accum.withUnsafeMutableBufferPointer { acc in
                    for i in 0..<n where c[i].isFinite {
                        let w = exp(-gamma * Double(c[i] - cmin))
                        guard w > 0 else { continue }
                        wsum += w
                        w2sum += w * w
                        wcost += w * Double(c[i])
                        let row = i * d
                        for j in 0..<d { acc[j] += w * Double(x[row + j]) }
                    }
                }
            }
        }
        for j in 0..<d { nominal[j] = space.clamp(Float(accum[j] / wsum), j % adim) }
        diag.eliteMeanCost = Float(wcost / wsum)
        diag.effectiveSamples = Float(wsum * wsum / w2sum)
        diagnostics = diag
        return diag
    }
}
