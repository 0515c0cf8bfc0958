import Diagnostics
import Geometry
import Models

/// The multi-task imitation experiment (METHODS.md section 7): four sweeps (N_target, H,
/// N_shared, k) over `seeds` independent draws, imitation gaps of the pre-trained target
/// policy (and of least squares from scratch where it applies). Single-threaded, fixed order:
/// the same settings give the same bits.
public enum ImitationExperiment {
    /// Which parameter a sweep varies.
    public enum Parameter: String, Sendable, CaseIterable {
        case targetSamples = "N_target"
        case sources = "H"
        case sharedSamples = "N_shared"
        case rank = "k"
    }

    /// Gaps of one sweep: `pretrained[i][seed]` at `values[i]`; `scratch` likewise (NaN where
    /// from-scratch least squares does not apply or was not run).
    public struct SweepResult: Sendable, Equatable {
        public var parameter: Parameter
        public var sweep: ImitationSettings.Sweep
        public var values: [Int]
        public var pretrained: [[Double]]
        public var scratch: [[Double]]
    }

    public struct Result: Sendable, Equatable {
        public var settings: ImitationSettings
        public var sweeps: [SweepResult]
        /// Mean number of alternating steps pre-training took, over all fits.
        public var meanPretrainSteps: Double
        /// Closed-loop draws rejected per generated system.
        public var rejectionRate: Double
        /// The quadrotor part, when enabled.
        public var quadrotor: ImitationQuadrotor.Result?

        public func sweep(_ p: Parameter) -> SweepResult { sweeps.first { $0.parameter == p }! }
    }

    /// Runs all four sweeps; `log` gets one line per finished seed.
    public static func run(_ s: ImitationSettings, progress: Progress? = nil, log: (String) -> Void = { _ in }) throws -> Result {
        let n = s.seeds
        func blank(_ count: Int) -> [[Double]] { Array(repeating: Array(repeating: Double.nan, count: n), count: count) }
        var target = (blank(s.targetSweep.values.count), blank(s.targetSweep.values.count))
        var sources = blank(s.sourcesSweep.values.count)
        var shared = blank(s.sharedSweep.values.count)
        var rank = (blank(s.rankSweep.values.count), blank(s.rankSweep.values.count))
        var steps = 0.0, fits = 0, rejections = 0, systems = 0

        for seed in 0..<n {
            // N_target sweep: one pre-training, nested target data
            do {
                let sw = s.targetSweep
                let fam = ImitationTaskFamily(settings: s, seedIndex: seed, rank: s.rank, sources: sw.sources)
                rejections += fam.rejections; systems += fam.systems.count
                let data = (1...sw.sources).map { fam.demonstrations(s, seedIndex: seed, system: $0, checkpoints: [sw.sharedSamples])[0] }
                let rep = try ImitationEstimators.pretrain(data, rank: s.rank, iterations: s.pretrainIterations)
                steps += Double(rep.objectiveTrace.count - 1); fits += 1
                let targetData = fam.demonstrations(s, seedIndex: seed, system: 0, checkpoints: sw.values.sorted())
                let bySize = Dictionary(uniqueKeysWithValues: zip(sw.values.sorted(), targetData))
                for (i, v) in sw.values.enumerated() {
                    let m = bySize[v]!
                    var learned = [try ImitationEstimators.fineTune(m, phi: rep.phi)]
                    let canScratch = v > s.stateDim + 1
                    if canScratch { learned.append(try ImitationEstimators.scratch(m)) }
                    let gaps = fam.targetGaps(s, seedIndex: seed, learned: learned)
                    target.0[i][seed] = gaps[0]
                    if canScratch { target.1[i][seed] = gaps[1] }
                }
                progress?.advance(by: sw.values.count)
            }
            // H sweep: nested sources, one target data set
            do {
                let sw = s.sourcesSweep
                let maxH = sw.values.max()!
                let fam = ImitationTaskFamily(settings: s, seedIndex: seed, rank: s.rank, sources: maxH)
                rejections += fam.rejections; systems += fam.systems.count
                let data = (1...maxH).map { fam.demonstrations(s, seedIndex: seed, system: $0, checkpoints: [sw.sharedSamples])[0] }
                let m = fam.demonstrations(s, seedIndex: seed, system: 0, checkpoints: [sw.targetSamples])[0]
                for (i, h) in sw.values.enumerated() {
                    let rep = try ImitationEstimators.pretrain(Array(data[0..<h]), rank: s.rank, iterations: s.pretrainIterations)
                    steps += Double(rep.objectiveTrace.count - 1); fits += 1
                    sources[i][seed] = fam.targetGaps(s, seedIndex: seed, learned: [try ImitationEstimators.fineTune(m, phi: rep.phi)])[0]
                    progress?.advance()
                }
            }
            // N_shared sweep: nested source data, one target data set
            do {
                let sw = s.sharedSweep
                let fam = ImitationTaskFamily(settings: s, seedIndex: seed, rank: s.rank, sources: sw.sources)
                rejections += fam.rejections; systems += fam.systems.count
                let sorted = sw.values.sorted()
                let data = (1...sw.sources).map { fam.demonstrations(s, seedIndex: seed, system: $0, checkpoints: sorted) }
                let m = fam.demonstrations(s, seedIndex: seed, system: 0, checkpoints: [sw.targetSamples])[0]
                for (i, v) in sw.values.enumerated() {
                    let j = sorted.firstIndex(of: v)!
                    let rep = try ImitationEstimators.pretrain(data.map { $0[j] }, rank: s.rank, iterations: s.pretrainIterations)
                    steps += Double(rep.objectiveTrace.count - 1); fits += 1
                    shared[i][seed] = fam.targetGaps(s, seedIndex: seed, learned: [try ImitationEstimators.fineTune(m, phi: rep.phi)])[0]
                    progress?.advance()
                }
            }
            // k sweep: a family per k, pre-trained and from scratch
            do {
                let sw = s.rankSweep
                for (i, k) in sw.values.enumerated() {
                    let fam = ImitationTaskFamily(settings: s, seedIndex: seed, rank: k, sources: sw.sources)
                    rejections += fam.rejections; systems += fam.systems.count
                    let data = (1...sw.sources).map { fam.demonstrations(s, seedIndex: seed, system: $0, checkpoints: [sw.sharedSamples])[0] }
                    let rep = try ImitationEstimators.pretrain(data, rank: k, iterations: s.pretrainIterations)
                    steps += Double(rep.objectiveTrace.count - 1); fits += 1
                    let m = fam.demonstrations(s, seedIndex: seed, system: 0, checkpoints: [sw.targetSamples])[0]
                    let gaps = fam.targetGaps(s, seedIndex: seed, learned: [try ImitationEstimators.fineTune(m, phi: rep.phi),
                                                                            try ImitationEstimators.scratch(m)])
                    rank.0[i][seed] = gaps[0]
                    rank.1[i][seed] = gaps[1]
                    progress?.advance()
                }
            }
            log("seed \(seed + 1)/\(n) done")
        }
        let quad = s.quadrotor.enabled
            ? try ImitationQuadrotor.run(s.quadrotor, seed: s.seed, seeds: n, trajectoryLength: s.trajectoryLength, rollouts: s.rollouts,
                                         horizon: s.horizon, pretrainIterations: s.pretrainIterations, progress: progress)
            : nil
        let none = { (c: Int) in blank(c) }
        return Result(settings: s, sweeps: [
            SweepResult(parameter: .targetSamples, sweep: s.targetSweep, values: s.targetSweep.values, pretrained: target.0, scratch: target.1),
            SweepResult(parameter: .sources, sweep: s.sourcesSweep, values: s.sourcesSweep.values, pretrained: sources,
                        scratch: none(s.sourcesSweep.values.count)),
            SweepResult(parameter: .sharedSamples, sweep: s.sharedSweep, values: s.sharedSweep.values, pretrained: shared,
                        scratch: none(s.sharedSweep.values.count)),
            SweepResult(parameter: .rank, sweep: s.rankSweep, values: s.rankSweep.values, pretrained: rank.0, scratch: rank.1),
        ], meanPretrainSteps: steps / Double(max(fits, 1)), rejectionRate: Double(rejections) / Double(max(systems, 1)),
           quadrotor: quad)
    }

    /// Work units of `run` (for a progress bar).
    public static func workUnits(_ s: ImitationSettings) -> Int {
        s.seeds * (s.targetSweep.values.count + s.sourcesSweep.values.count + s.sharedSweep.values.count + s.rankSweep.values.count
                   + (s.quadrotor.enabled ? 1 : 0))
    }
}
