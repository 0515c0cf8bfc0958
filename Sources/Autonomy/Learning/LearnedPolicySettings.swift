import Diagnostics
import Planning

/// How the learned GtS policy plans (stored in a checkpoint's metadata, `policy_settings`, and
/// in the `policy` key of a training config). Every key is optional when decoding.
///
/// Defaults are METHODS.md section 1: CEM with 4096 uniform sequences, then 1024 per iteration,
/// 128 elites, 3 iterations, executing the first yaw rate of the final mean; the previous plan,
/// shifted by one step, joins the uniform batch as a candidate (warm start).
public struct LearnedPolicySettings: Codable, Sendable, Equatable {
    /// Which sampling planner scores the candidates.
    public enum PlannerKind: String, Codable, Sendable, Equatable {
        case cem, mppi
    }

    public var planner = PlannerKind.cem
    /// CEM settings (METHODS.md defaults, with `includeNominal` on for the warm start).
    public var cem: CEMPlanner.Settings = {
        var s = CEMPlanner.Settings()
        s.includeNominal = true
        return s
    }()
    /// MPPI settings (Planning defaults: 4096 samples, temperature 50, smoothing 0.6).
    public var mppi = MPPIPlanner.Settings()
    /// Weight of the mean |yaw rate| / max penalty in the cost (CollisionCost).
    public var yawWeight: Float = 0.01
    /// Shift the plan by one step after acting, so the next tick starts from it.
    public var warmStart = true
    /// Threads of the batched model evaluation (fixed blocks: same bits for any count).
    public var workers = 2
    /// Candidates per work block of the batched evaluation.
    public var blockRows = 256

    public init() {}

    /// A cheaper planner for on-policy data collection and tests: CEM with `initial` uniform
    /// samples, then `initial / 4` per iteration, `initial / 32` elites, one worker.
    public static func budget(initial: Int, iterations: Int = 3) -> LearnedPolicySettings {
        var s = LearnedPolicySettings()
        s.cem.initialSamples = initial
        s.cem.samples = max(1, initial / 4)
        s.cem.elites = max(1, min(initial / 32, s.cem.samples))
        s.cem.iterations = iterations
        s.mppi.samples = initial
        s.mppi.keepBest = min(s.mppi.keepBest, initial)
        s.workers = 1
        s.blockRows = min(256, max(16, initial / 4))
        return s
    }

    /// The largest batch the planner hands the cost.
    public var maxBatch: Int {
        planner == .cem ? max(cem.initialSamples, cem.samples) : mppi.samples
    }

    private enum CodingKeys: String, CodingKey {
        case planner, cem, mppi, yawWeight, warmStart, workers, blockRows
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        planner = try c.decodeIfPresent(PlannerKind.self, forKey: .planner) ?? planner
        cem = try c.decodeIfPresent(CEMPlanner.Settings.self, forKey: .cem) ?? cem
        mppi = try c.decodeIfPresent(MPPIPlanner.Settings.self, forKey: .mppi) ?? mppi
        yawWeight = try c.decodeIfPresent(Float.self, forKey: .yawWeight) ?? yawWeight
        warmStart = try c.decodeIfPresent(Bool.self, forKey: .warmStart) ?? warmStart
        workers = try c.decodeIfPresent(Int.self, forKey: .workers) ?? workers
        blockRows = try c.decodeIfPresent(Int.self, forKey: .blockRows) ?? blockRows
        guard workers >= 1, blockRows >= 1, yawWeight >= 0, yawWeight.isFinite else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription:
                "policy settings need workers >= 1 (got \(workers)), blockRows >= 1 (got \(blockRows)) and a finite yawWeight >= 0 (got \(yawWeight))"))
        }
        if let why = plannerProblem { throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: why)) }
    }

    /// Why the planners (and the batched evaluation) cannot be built from these settings, or nil:
    /// what `CEMPlanner` and `MPPIPlanner` require, and counts of at most
    /// `SettingsRangeCheck.maxCount` (a checkpoint's settings size the planner's buffers).
    public var plannerProblem: String? {
        if let (key, value) = SettingsRangeCheck.excessCount(["cem.initialSamples": cem.initialSamples, "cem.samples": cem.samples,
                                                              "cem.iterations": cem.iterations, "mppi.samples": mppi.samples,
                                                              "mppi.keepBest": mppi.keepBest, "workers": workers, "blockRows": blockRows]) {
            return "\(key) \(value) is more than \(SettingsRangeCheck.maxCount)"
        }
        if cem.initialSamples < 1 || cem.samples < 1 || cem.iterations < 1 || cem.elites < 1 || cem.elites > min(cem.initialSamples, cem.samples) {
            return "CEM needs initialSamples, samples, iterations >= 1 and elites in 1...min(samples, initialSamples) "
                + "(got \(cem.initialSamples), \(cem.samples), \(cem.iterations), \(cem.elites))"
        }
        if mppi.samples < 1 || !(mppi.smoothing > 0 && mppi.smoothing <= 1) || !(mppi.inverseTemperature > 0) || !mppi.inverseTemperature.isFinite {
            return "MPPI needs samples >= 1, smoothing in (0, 1] and a finite inverseTemperature > 0 "
                + "(got \(mppi.samples), \(mppi.smoothing), \(mppi.inverseTemperature))"
        }
        return nil
    }
}
