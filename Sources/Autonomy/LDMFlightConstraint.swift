import Models
import Planning

/// The flight experiment's safety-filter stage: a `SafetyFilter` whose values are used as they
/// are, except that LDM values at the energy cap (G = cap: every such candidate looks equally
/// bad, and the fallback's argmin G would pick among them by index, which flew one start
/// straight into the ground) are ranked by the unclipped energy: cap + 0.01 (E - cap). The cap
/// lies above every threshold, so which candidates are admissible does not change; only the
/// fallback among capped candidates prefers the denser first action.
public struct LDMFlightConstraint: SequenceCost {
    public var filter: SafetyFilter
    let density: any DensityModel
    /// The LDM's energy cap (nats).
    public let energyCap: Float
    let workspace = DensityWorkspace()
    var rows: [Float] = []
    var energies: [Float] = []

    public init(filter: SafetyFilter, density: any DensityModel, energyCap: Float) {
        self.filter = filter
        self.density = density
        self.energyCap = energyCap
    }

    /// The compact state the filter evaluates (set every tick).
    public var state: [Float] {
        get { filter.state }
        set { filter.state = newValue }
    }

    public var threshold: Float { filter.threshold }

    public mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                              into costs: UnsafeMutableBufferPointer<Float>) {
        filter.cost(actions, count: count, horizon: horizon, actionDim: actionDim, into: costs)
        guard filter.kind == .ldm else { return }
        let cap = energyCap
        var capped = false
        for i in 0..<count where costs[i] >= cap { capped = true; break }
        guard capped else { return }
        let state = filter.state, sd = state.count, d = sd + actionDim
        if rows.count < count * d { rows = [Float](repeating: 0, count: count * d) }
        if energies.count < count { energies = [Float](repeating: 0, count: count) }
        for i in 0..<count {
            for k in 0..<sd { rows[i * d + k] = state[k] }
            for j in 0..<actionDim { rows[i * d + sd + j] = actions[i * horizon * actionDim + j] }
        }
        let density = self.density, ws = workspace
        rows.withUnsafeBufferPointer { r in
            energies.withUnsafeMutableBufferPointer { density.logDensity(UnsafeBufferPointer(rebasing: r[0..<(count * d)]), count: count, into: $0, workspace: ws) }
        }
        for i in 0..<count where costs[i] >= cap {
            let e = -energies[i]
            costs[i] = e.isFinite ? cap + 0.01 * max(0, e - cap) : cap + 1e6
        }
    }
}

extension SafetyFilter {
    /// This filter with the flight experiment's tie-break at the cap, in front of `objective`.
    public func flightConstraining(_ objective: LDMFlightCost, models: LDMExperimentModels)
        -> ConstrainedCost<LDMFlightCost, LDMFlightConstraint> {
        ConstrainedCost(objective: objective,
                        constraint: LDMFlightConstraint(filter: self, density: models.density, energyCap: models.ldm.energyCap),
                        threshold: threshold)
    }
}
