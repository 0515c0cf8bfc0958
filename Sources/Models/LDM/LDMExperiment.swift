import Diagnostics
import Foundation
import Geometry

/// The driver pieces of the LDM experiment (issue 10), independent of any environment:
/// training arrays and a dynamics closure in, a fitted density, a learned LDM and filters at
/// percentile levels out. The flight experiment and the point-mass toy both use it.
///
/// ```swift
/// let models = try LDMExperiment.prepare(states: s, actions: a, stateDim: 12, actionLower: lo,
///                                        actionUpper: hi, dynamics: learnedModel, settings: cfg, rng: &rng)
/// for spec in models.filterSpecs {
///     var cost = models.makeFilter(spec).constraining(taskCost)
///     // per tick: cost.constraint.state = s; planner.plan(&cost, rng: &rng) ...
/// }
/// ```
public enum LDMExperiment {
    /// Rows [s, a] (`[N, S + A]`) from separate state and action arrays.
    public static func pairs(states: [Float], actions: [Float], stateDim: Int, actionDim: Int) -> [Float] {
        let n = states.count / stateDim
        precondition(states.count == n * stateDim && actions.count == n * actionDim, "pairs needs N states and N actions")
        var rows = [Float](repeating: 0, count: n * (stateDim + actionDim))
        for r in 0..<n {
            for i in 0..<stateDim { rows[r * (stateDim + actionDim) + i] = states[r * stateDim + i] }
            for j in 0..<actionDim { rows[r * (stateDim + actionDim) + stateDim + j] = actions[r * actionDim + j] }
        }
        return rows
    }

    /// Fits the density model chosen in `settings` to rows `[N, dimension]`.
    public static func fitDensity(rows: [Float], dimension: Int, settings: LDMExperimentSettings,
                                  rng: inout RNG) throws -> any DensityModel {
        switch settings.density {
        case .gmm: return try GaussianMixture.fit(rows.map(Double.init), dimension: dimension, settings: settings.gmm, rng: &rng)
        case .flow: return try RealNVPFlow.fit(rows, dimension: dimension, settings: settings.flow, rng: &rng)
        }
    }

    /// Fits the density to the training pairs, learns G with `dynamics`, and computes the filter
    /// levels at `settings.percentiles` and the OOD level. `log` receives one line per stage.
    public static func prepare(states: [Float], actions: [Float], stateDim: Int, actionLower: [Float],
                               actionUpper: [Float], dynamics: LDMDynamics, settings: LDMExperimentSettings,
                               rng: inout RNG, log: (String) -> Void = { _ in }) throws -> LDMExperimentModels {
        let actionDim = actionLower.count
        guard stateDim > 0, actionDim > 0, states.count % stateDim == 0, actions.count * stateDim == states.count * actionDim else {
            throw InputError("LDMExperiment", "need N states of \(stateDim) and N actions of \(actionDim) values")
        }
        let rows = pairs(states: states, actions: actions, stateDim: stateDim, actionDim: actionDim)
        var densityRNG = rng.derived(1)
        let t0 = Stopwatch.now()
        let density = try fitDensity(rows: rows, dimension: stateDim + actionDim, settings: settings, rng: &densityRNG)
        let t1 = Stopwatch.now()
        let logp = density.logDensities(rows.map(Double.init))
        log("density \(settings.density.rawValue): \(String(format: "%.1f", t1 - t0)) s, mean train log p \(String(format: "%.3f", Statistics.mean(logp)))")
        let levels = DensityThresholds.levels(trainingLogDensities: logp, percentiles: settings.percentiles)
        let ood = DensityThresholds.levels(trainingLogDensities: logp, percentiles: [settings.oodPercentile])[0]
        var ldmSettings = settings.ldm
        if let margin = settings.capAboveOODLevel { ldmSettings.energyCap = ood.threshold + margin }
        var ldmRNG = rng.derived(2)
        let ldm = try LearnedLDM.train(density: density, dynamics: dynamics, states: states, stateDim: stateDim,
                                       actionLower: actionLower, actionUpper: actionUpper, settings: ldmSettings, rng: &ldmRNG)
        let t2 = Stopwatch.now()
        log("ldm: \(String(format: "%.1f", t2 - t1)) s, \(settings.ldm.steps) steps, final backup MSE \(String(format: "%.4f", ldm.finalLoss)), cap \(String(format: "%.2f", ldm.energyCap))")
        return LDMExperimentModels(stateDim: stateDim, actionDim: actionDim, density: density, ldm: ldm, levels: levels,
                                   oodLevel: ood, trainingLogDensities: logp, densitySeconds: t1 - t0, ldmSeconds: t2 - t1)
    }
}
