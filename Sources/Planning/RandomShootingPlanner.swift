import Geometry

/// Random shooting: score `samples` sequences drawn uniformly in the box and keep the best.
/// The simplest baseline, and the exact "sample N candidates, filter, take the best" loop of the
/// LDM safety filter (METHODS.md section 3: 5000 candidates).
public struct RandomShootingPlanner: Planner, Sendable {
    /// Random-shooting settings.
    public struct Settings: Sendable, Equatable {
        /// Sequences scored per tick.
        public var samples = 4096
        /// Put the current nominal plan (the shifted previous best) in as candidate 0.
        public var includeNominal = true
        /// How many lowest-cost candidates `lastBatch.ranked` keeps for display.
        public var keepBest = 64

        public init() {}
    }

    public let space: ActionSpace
    public let settings: Settings
    /// The best sequence of the last tick (or the previous plan when all were rejected).
    public private(set) var nominal: [Float]
    public private(set) var diagnostics = PlanDiagnostics()

    private var initialNominal: [Float]
    private var samplesBuf: [Float]
    private var costsBuf: [Float]
    private var rankedBuf: [Int32]
    private var rankedCount = 0
    private var lowerBuf: [Float]
    private var upperBuf: [Float]

    public init(space: ActionSpace, settings: Settings = Settings()) {
        precondition(settings.samples > 0, "RandomShootingPlanner needs a positive sample count")
        self.space = space
        self.settings = settings
        initialNominal = space.centredSequence()
        nominal = initialNominal
        samplesBuf = [Float](repeating: 0, count: settings.samples * space.sequenceLength)
        costsBuf = [Float](repeating: .infinity, count: settings.samples)
        rankedBuf = [Int32](repeating: 0, count: max(1, min(settings.keepBest, settings.samples)))
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
        diagnostics = PlanDiagnostics()
        rankedCount = 0
    }

    public mutating func setNominal(_ sequence: [Float]) {
        precondition(sequence.count == space.sequenceLength, "setNominal needs horizon * actionDim values")
        space.clamp(sequence, into: &nominal)
    }

    public mutating func shift(by steps: Int) {
        let h = space.horizon, a = space.actionDim
        nominal.withUnsafeMutableBufferPointer { PlanningKernels.shift($0, steps: steps, horizon: h, actionDim: a) }
    }

    @discardableResult
    public mutating func plan<C: SequenceCost>(_ cost: inout C, rng: inout RNG) -> PlanDiagnostics {
        let d = space.sequenceLength
        let n = settings.samples
        let horizon = space.horizon, adim = space.actionDim
        var diag = PlanDiagnostics()
        let include = settings.includeNominal
        nominal.withUnsafeBufferPointer { current in
        lowerBuf.withUnsafeBufferPointer { lo in
            upperBuf.withUnsafeBufferPointer { hi in
                samplesBuf.withUnsafeMutableBufferPointer { x in
                    PlanningKernels.fillUniform(x, count: n, horizon: horizon, lower: lo, upper: hi, rng: &rng)
                    if include { for j in 0..<d { x[j] = current[j] } }
                }
            }
        }
        }
        let (finite, kept) = PlanningKernels.scoreAndRank(&cost, samples: samplesBuf, count: n, horizon: horizon,
                                                          actionDim: adim, costs: &costsBuf, ranked: &rankedBuf)
        rankedCount = kept
        diag.evaluated = n
        diag.admissible = finite
        diag.meanCost = costsBuf.withUnsafeBufferPointer { PlanningKernels.finiteMean($0, count: n) }
        if rankedCount > 0 {
            let b = Int(rankedBuf[0])
            diag.bestCost = costsBuf[b]
            diag.eliteMeanCost = costsBuf[b]
            for j in 0..<d { nominal[j] = samplesBuf[b * d + j] }
        } else {
            diag.rejectedBatches = 1
            diag.allRejected = true
        }
        diagnostics = diag
        return diag
    }
}
