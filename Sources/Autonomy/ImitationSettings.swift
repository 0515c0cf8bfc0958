import Diagnostics
import Foundation

/// Settings of the multi-task imitation experiment (METHODS.md section 7, docs/imitation.md).
/// Sample counts are (x, u) pairs; demonstrations come in trajectories of `trajectoryLength`.
public struct ImitationSettings: PresetExperimentSettings, Sendable, Equatable {
    /// One sweep: the swept parameter takes each of `values`; the other two sample settings are
    /// fixed at `sources` (H), `sharedSamples` (N_shared per source), `targetSamples` (N_target).
    public struct Sweep: Codable, Sendable, Equatable {
        public var values: [Int]
        public var sources: Int
        public var sharedSamples: Int
        public var targetSamples: Int

        public init(values: [Int], sources: Int, sharedSamples: Int, targetSamples: Int) {
            self.values = values
            self.sources = sources
            self.sharedSamples = sharedSamples
            self.targetSamples = targetSamples
        }
    }

    public var seed: UInt64 = 1
    /// Independent draws of (phi, systems, experts, data); slopes get bootstrap CIs over them.
    public var seeds: Int = 20
    public var stateDim: Int = 20
    public var inputDim: Int = 4
    /// k of the N_target, H and N_shared sweeps.
    public var rank: Int = 4
    /// Spectral radius of every random A_h (open loop).
    public var openLoopRadius: Double = 0.9
    /// Expert gains K_h = F_h phi are redrawn until the closed loop A_h + B_h K_h has at most this radius.
    public var closedLoopRadiusMax: Double = 0.95
    /// Entries of F_h ~ N(0, gainStd^2 / k), so |K_h|_F does not depend on k.
    public var gainStd: Double = 0.5
    /// Initial states x_0 ~ N(0, initialStd^2 I) (demonstrations and evaluation). B_h has
    /// entries N(0, 1 / nx).
    public var initialStd: Double = 1
    /// Process noise w_t ~ N(0, processStd^2 I) (demonstrations and evaluation).
    public var processStd: Double = 1
    /// Expert action noise z_t ~ N(0, inputStd^2 I) in the demonstrations (the label noise).
    public var inputStd: Double = 1
    public var trajectoryLength: Int = 50
    /// Evaluation: rollouts and steps per rollout of the learned and expert closed loops.
    public var rollouts: Int = 200
    public var horizon: Int = 50
    /// Most alternating least-squares steps of pre-training.
    public var pretrainIterations: Int = 100
    public var targetSweep = Sweep(values: [25, 50, 100, 200, 400, 800, 1600], sources: 20, sharedSamples: 5000, targetSamples: 0)
    public var sourcesSweep = Sweep(values: [2, 4, 8, 16, 32, 64], sources: 0, sharedSamples: 100, targetSamples: 50_000)
    public var sharedSweep = Sweep(values: [25, 50, 100, 200, 400, 800, 1600], sources: 5, sharedSamples: 0, targetSamples: 50_000)
    /// k values of the rank sweep, run at (sources, sharedSamples, targetSamples) of `rankSweep`.
    public var rankSweep = Sweep(values: [2, 4, 8], sources: 20, sharedSamples: 5000, targetSamples: 400)
    /// Bootstrap resamples of the seeds for every interval.
    public var bootstrapResamples: Int = 2000
    /// The quadrotor part (same seeds, trajectory length, rollouts, horizon and pre-training steps).
    public var quadrotor = ImitationQuadrotor.Settings()

    public init() {}

    public static let standard = ImitationSettings()

    /// A few seconds: small systems, few seeds and rollouts (used by the tests).
    public static var smoke: ImitationSettings {
        var s = ImitationSettings()
        s.seeds = 4
        s.stateDim = 8
        s.inputDim = 2
        s.rank = 2
        s.rollouts = 20
        s.horizon = 20
        s.targetSweep = Sweep(values: [20, 40, 80], sources: 8, sharedSamples: 1000, targetSamples: 0)
        s.sourcesSweep = Sweep(values: [2, 4, 8], sources: 0, sharedSamples: 40, targetSamples: 5000)
        s.sharedSweep = Sweep(values: [20, 40, 80], sources: 3, sharedSamples: 0, targetSamples: 5000)
        s.rankSweep = Sweep(values: [1, 2, 4], sources: 8, sharedSamples: 1000, targetSamples: 100)
        s.bootstrapResamples = 200
        s.quadrotor.sources = 4
        s.quadrotor.sharedSamples = 500
        s.quadrotor.targetSamples = [20, 40, 80]
        s.quadrotor.ranks = [4]
        s.quadrotor.ratioAt = 80
        return s
    }

    /// Throws an `InputError` naming the first setting out of range.
    public func validate(source: String = "settings") throws {
        let need = SettingsRangeCheck(source: source)
        let q = quadrotor
        try need.counts(["seeds": seeds, "stateDim": stateDim, "inputDim": inputDim, "rank": rank, "trajectoryLength": trajectoryLength,
                         "rollouts": rollouts, "horizon": horizon, "pretrainIterations": pretrainIterations,
                         "bootstrapResamples": bootstrapResamples, "quadrotor.sources": q.sources, "quadrotor.sharedSamples": q.sharedSamples,
                         "quadrotor.ratioAt": q.ratioAt])
        try need.counts(["quadrotor.targetSamples": q.targetSamples.max() ?? 0, "quadrotor.ranks": q.ranks.max() ?? 0])
        for (key, sweep) in [("targetSweep", targetSweep), ("sourcesSweep", sourcesSweep), ("sharedSweep", sharedSweep), ("rankSweep", rankSweep)] {
            let most = sweep.values.max() ?? 0
            try need.counts([key + ".sources": sweep.sources, key + ".sharedSamples": sweep.sharedSamples,
                             key + ".targetSamples": sweep.targetSamples, key + ".values": most])
            try need.size(key, [sweep.sources + most, sweep.sharedSamples + sweep.targetSamples + most, stateDim], "sample values")
        }
        try need(seeds >= 2, "seeds", seeds)
        try need(stateDim >= 2 && inputDim >= 1, "stateDim", stateDim)
        try need(rank >= 1 && rank < stateDim, "rank", rank)
        try need(openLoopRadius > 0 && openLoopRadius < 1, "openLoopRadius", openLoopRadius)
        try need(closedLoopRadiusMax > 0 && closedLoopRadiusMax < 1, "closedLoopRadiusMax", closedLoopRadiusMax)
        try need(gainStd > 0 && initialStd >= 0 && processStd > 0 && inputStd > 0, "gainStd/initialStd/processStd/inputStd", gainStd)
        try need(trajectoryLength >= 1 && rollouts >= 1 && horizon >= 1 && pretrainIterations >= 0, "trajectoryLength/rollouts/horizon", trajectoryLength)
        try need(bootstrapResamples >= 10, "bootstrapResamples", bootstrapResamples)
        // per-source least squares starts pre-training: every source needs nx samples
        try need(targetSweep.values.count >= 2 && targetSweep.values.allSatisfy { $0 >= rank }, "targetSweep.values", targetSweep.values)
        try need(targetSweep.sources >= 1 && targetSweep.sharedSamples >= stateDim, "targetSweep", targetSweep.sharedSamples)
        try need(sourcesSweep.values.count >= 2 && sourcesSweep.values.allSatisfy { $0 >= 1 } && sourcesSweep.values == sourcesSweep.values.sorted(),
                 "sourcesSweep.values", sourcesSweep.values)
        try need(sourcesSweep.sharedSamples >= stateDim && sourcesSweep.targetSamples >= rank, "sourcesSweep", sourcesSweep.sharedSamples)
        try need(sharedSweep.values.count >= 2 && sharedSweep.values.allSatisfy { $0 >= stateDim }, "sharedSweep.values", sharedSweep.values)
        try need(sharedSweep.sources >= 1 && sharedSweep.targetSamples >= rank, "sharedSweep", sharedSweep.sources)
        try need(rankSweep.values.count >= 2 && rankSweep.values.allSatisfy { $0 >= 1 && $0 < stateDim }, "rankSweep.values", rankSweep.values)
        try need(rankSweep.sources >= 1 && rankSweep.sharedSamples >= stateDim && rankSweep.targetSamples > stateDim + 1,
                 "rankSweep", rankSweep.targetSamples)
        try need(q.variation >= 0 && q.variation < 1 && q.dt > 0, "quadrotor.variation/dt", q.variation)
        try need(q.sources >= 1 && q.sharedSamples >= 12 && q.targetSamples.count >= 2 && q.ranks.allSatisfy { $0 >= 1 && $0 < 12 && $0 <= 4 * q.sources }
                 && q.targetSamples.allSatisfy { $0 >= (q.ranks.max() ?? 1) }, "quadrotor", q.targetSamples)
        try need(q.targetSamples.contains(q.ratioAt) && q.ratioAt > 13, "quadrotor.ratioAt", q.ratioAt)
        try need(q.inputWeight > 0 && q.initialStd >= 0 && q.processStd > 0 && q.inputStd > 0, "quadrotor.inputWeight/noise", q.inputStd)
        // the joint least squares for phi needs sum_h F_h^T F_h of rank k: H * nu >= k
        for (key, h, ks) in [("targetSweep.sources", targetSweep.sources, [rank]), ("sourcesSweep.values", sourcesSweep.values.min() ?? 0, [rank]),
                             ("sharedSweep.sources", sharedSweep.sources, [rank]), ("rankSweep.sources", rankSweep.sources, rankSweep.values)] {
            try need(h * inputDim >= (ks.max() ?? 0), key, h)
        }
    }
}
