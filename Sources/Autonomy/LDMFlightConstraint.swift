import Models
import Planning

/// The flight experiment's safety-filter stage: a `SafetyFilter` whose values are used as they
/// are, except that LDM values at the energy cap (G = cap: every such candidate looks equally
/// bad, and the fallback's argmin G would pick among them by index, which flew one start
/// straight into the ground) are ranked by the unclipped energy: cap + 0.01 (E - cap). The cap
/// lies above every threshold, so which candidates are admissible does not change; only the
/// fallback among capped candidates prefers the denser first action.
///
/// Optional margin fallback (`fallbackMargin` > 0, with a `task` cost): when no candidate is
/// admissible, the candidates whose value lies within `fallbackMargin` of the batch's minimum are
/// re-ranked by the task cost (values rewritten to min + margin x rank position in [0, 1], still
/// above the threshold, still below every other candidate), so the planner flies the lowest task
/// cost among the least-bad candidates instead of the bare argmin. The same rule applies to both
/// filters. With `fallbackMargin` 0 (default) the fallback is the paper's argmin.
///
/// Optional check along the plan (`constraintSteps` k > 1, with the learned `dynamics`): the
/// value is the maximum of the filter's value over the first k steps of the candidate's
/// learned-model rollout, c(s_t, a_t) for t < k with s_0 = s and s_{t+1} = f(s_t, a_t) (G for the
/// LDM filter, -log p for greedy); non-finite predictions count as +infinity. k = 1 (default)
/// is the paper's first-action filter.
///
/// Optional recovery fallback (`fallbackRule` `.recovery`, with the learned `dynamics`): when no
/// candidate is admissible, the candidates are ranked by the k-step backup unrolled along their
/// learned-model rollouts, V_k = max(E(s_0, a_0), ..., E(s_{k-1}, a_{k-1}), G(s_k, a_k)) with
/// E = -log p (greedy: E(s_k, a_k) in place of G; k = `fallbackSteps`, clipped to horizon - 1),
/// instead of by the value at the current state, which already lies outside the admissible set
/// where the learned G is least reliable. The values are rewritten to min + (V_k - min V_k), min
/// being the batch's least value, so they stay above the threshold and nothing becomes
/// admissible; only the order of the fallback changes. Ticks with an admissible candidate are
/// untouched. The same rule applies to both filters. `.recoveryInData` first keeps the candidates
/// whose first action is in the data (log p(s_0, a_0) >= `oodLogLevel`), when there are any, and
/// ranks the others after them.
public struct LDMFlightConstraint: SequenceCost {
    public var filter: SafetyFilter
    let density: any DensityModel
    /// The LDM's energy cap (nats).
    public let energyCap: Float
    let workspace = DensityWorkspace()
    var rows: [Float] = []
    var energies: [Float] = []
    /// Margin fallback width (nats); 0 = argmin of the constraint.
    public var fallbackMargin: Float
    /// The task cost the margin fallback ranks by (its state follows `state`; set `toGoal`
    /// every tick). Unused when `fallbackMargin` is 0.
    public var task: LDMFlightCost?
    var taskCosts: [Float] = []
    /// Rollout steps checked (>= 1; clipped to the horizon); 1 = the first action only.
    public var constraintSteps: Int
    /// The learned dynamics for the rollout and the LDM for G at predicted states (needed when
    /// `constraintSteps` > 1; the LDM only for the LDM filter).
    public let dynamics: LDMFlightDynamicsModel?
    public let ldm: LearnedLDM?
    /// What flies when nothing is admissible (`.argmin` = the paper's rule).
    public var fallbackRule: LDMFlightFallbackRule
    /// Steps k of the recovery fallback's unrolled backup (>= 1; clipped to horizon - 1).
    public var fallbackSteps: Int
    /// The OOD level (log-density) `.recoveryInData` keeps first actions at or above.
    public var oodLogLevel: Float
    let graph = LDMFlightGraph()
    var states: [Float] = [], next: [Float] = [], stepActions: [Float] = [], stepValues: [Float] = []
    var recovery: [Float] = [], firstInData: [Bool] = []

    public init(filter: SafetyFilter, density: any DensityModel, energyCap: Float, fallbackMargin: Float = 0,
                task: LDMFlightCost? = nil, constraintSteps: Int = 1, dynamics: LDMFlightDynamicsModel? = nil,
                ldm: LearnedLDM? = nil, fallbackRule: LDMFlightFallbackRule = .argmin, fallbackSteps: Int = 3,
                oodLogLevel: Float = -.infinity) {
        self.filter = filter
        self.oodLogLevel = oodLogLevel
        self.fallbackRule = fallbackRule
        self.fallbackSteps = fallbackSteps
        self.density = density
        self.energyCap = energyCap
        self.fallbackMargin = fallbackMargin
        self.task = task
        self.constraintSteps = constraintSteps
        self.dynamics = dynamics
        self.ldm = ldm
    }

    /// The compact state the filter (and the fallback's task cost) evaluates (set every tick).
    public var state: [Float] {
        get { filter.state }
        set {
            filter.state = newValue
            task?.state = newValue
        }
    }

    /// Goal minus current horizontal position (m) for the fallback's task cost (set every tick
    /// when `fallbackMargin` > 0).
    public var toGoal: SIMD2<Float> {
        get { task?.toGoal ?? .zero }
        set { task?.toGoal = newValue }
    }

    public var threshold: Float { filter.threshold }

    public mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                              into costs: UnsafeMutableBufferPointer<Float>) {
        filter.cost(actions, count: count, horizon: horizon, actionDim: actionDim, into: costs)
        rankCapped(actions, count: count, horizon: horizon, actionDim: actionDim, into: costs)
        checkAlongRollout(actions, count: count, horizon: horizon, actionDim: actionDim, into: costs)
        recoverFallback(actions, count: count, horizon: horizon, actionDim: actionDim, into: costs)
        rankFallback(actions, count: count, horizon: horizon, actionDim: actionDim, into: costs)
    }

    /// LDM values at the cap ranked by the unclipped energy.
    mutating func rankCapped(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                             into costs: UnsafeMutableBufferPointer<Float>) {
        guard filter.kind == .ldm else { return }
        let cap = energyCap
        var capped = false
        for i in 0..<count where costs[i] >= cap { capped = true; break }
        guard capped else { return }
        firstActionLogDensities(actions, count: count, horizon: horizon, actionDim: actionDim)
        for i in 0..<count where costs[i] >= cap {
            let e = -energies[i]
            costs[i] = e.isFinite ? cap + 0.01 * max(0, e - cap) : cap + 1e6
        }
    }

    /// Steps 1..<k of the learned-model rollout: costs = max(costs, c(s_t, a_t)).
    mutating func checkAlongRollout(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                                    into costs: UnsafeMutableBufferPointer<Float>) {
        let k = min(constraintSteps, horizon)
        guard k > 1, filter.kind != .none, dynamics != nil, count > 0 else { return }
        precondition(filter.kind != .ldm || ldm != nil, "LDMFlightConstraint: constraintSteps > 1 needs the LDM")
        let isLDM = filter.kind == .ldm
        rollout(actions, count: count, horizon: horizon, actionDim: actionDim, through: k - 1, needG: { _ in isLDM }) { _, logp, g in
            for i in 0..<count {
                let v = g?[i] ?? -logp[i]
                costs[i] = v.isNaN ? .infinity : max(costs[i], v)
            }
        }
    }

    /// The batch's least constraint value when no candidate is admissible (a fallback tick);
    /// nil when some candidate is admissible or every value is infinite.
    func fallbackLeast(_ costs: UnsafeMutableBufferPointer<Float>, count: Int) -> Float? {
        let threshold = filter.threshold
        var least = Float.infinity
        for i in 0..<count {
            if costs[i] <= threshold { return nil }
            least = min(least, costs[i])
        }
        return least.isFinite ? least : nil
    }

    /// log p(s, a_0) of every candidate's first action at the current state, into
    /// `energies[0..<count]`.
    mutating func firstActionLogDensities(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int) {
        let state = filter.state, sd = state.count, d = sd + actionDim
        if rows.count < count * d { rows = [Float](repeating: 0, count: count * d) }
        if energies.count < count { energies = [Float](repeating: 0, count: count) }
        for i in 0..<count {
            for j in 0..<sd { rows[i * d + j] = state[j] }
            for j in 0..<actionDim { rows[i * d + sd + j] = actions[i * horizon * actionDim + j] }
        }
        let density = self.density, ws = workspace
        rows.withUnsafeBufferPointer { r in
            energies.withUnsafeMutableBufferPointer { density.logDensity(UnsafeBufferPointer(rebasing: r[0..<(count * d)]), count: count, into: $0, workspace: ws) }
        }
    }

    /// Recovery fallback: nothing admissible -> rank by the unrolled backup V_k along each plan.
    mutating func recoverFallback(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                                  into costs: UnsafeMutableBufferPointer<Float>) {
        let k = min(fallbackSteps, horizon - 1)
        guard fallbackRule != .argmin, k >= 1, filter.kind != .none, dynamics != nil, count > 0 else { return }
        precondition(filter.kind != .ldm || ldm != nil, "LDMFlightConstraint: the recovery fallback needs the LDM")
        guard let least = fallbackLeast(costs, count: count) else { return }
        // V starts at E(s_0, a_0)
        var v = recovery
        recovery = []
        if v.count < count { v = [Float](repeating: 0, count: count) }
        firstActionLogDensities(actions, count: count, horizon: horizon, actionDim: actionDim)
        // first action in the data: the candidates `.recoveryInData` keeps
        if firstInData.count < count { firstInData = [Bool](repeating: false, count: count) }
        var inData = 0
        for i in 0..<count {
            let e = -energies[i]
            v[i] = e.isNaN ? .infinity : e
            firstInData[i] = energies[i] >= oodLogLevel
            if firstInData[i] { inData += 1 }
        }
        let keepInData = fallbackRule == .recoveryInData && inData > 0 && inData < count
        // then E(s_t, a_t) for 0 < t < k and G(s_k, a_k) (E for greedy) along the rollout
        let useG = filter.kind == .ldm
        rollout(actions, count: count, horizon: horizon, actionDim: actionDim, through: k, needG: { useG && $0 == k }) { t, logp, g in
            for i in 0..<count {
                let x = t == k ? (g?[i] ?? -logp[i]) : -logp[i]
                v[i] = x.isNaN ? .infinity : max(v[i], x)
            }
        }
        // `.recoveryInData`: out-of-data first actions after every in-data one
        if keepInData { for i in 0..<count where !firstInData[i] { v[i] = .infinity } }
        // least + (V - min V): the order of V, every value above the threshold
        var lo = Float.infinity, hi = -Float.infinity
        for i in 0..<count where v[i].isFinite {
            lo = min(lo, v[i])
            hi = max(hi, v[i])
        }
        if lo.isFinite {
            for i in 0..<count {
                if v[i].isFinite {
                    costs[i] = least + (v[i] - lo)
                } else {
                    // no finite backup: after every candidate that has one, in the old order
                    costs[i] = costs[i].isFinite ? least + (hi - lo) + 1 + (costs[i] - least) : .infinity
                }
            }
        }
        recovery = v
    }

    /// Rolls every candidate's plan through the learned model, s_0 = `state`,
    /// s_t = f(s_{t-1}, a_{t-1}) for t = 1...last, and hands `body(t, log p(s_t, a_t), G)` each
    /// step's log-densities and, when `needG(t)`, the LDM's values at (s_t, a_t) with the cap's
    /// tie-break (G = cap ranked by the unclipped energy), else nil.
    mutating func rollout(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int, through last: Int,
                          needG: (Int) -> Bool,
                          body: (Int, UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>?) -> Void) {
        guard let model = dynamics, last >= 1 else { return }
        let sd = filter.state.count, d = sd + actionDim
        precondition(model.stateDim == sd && model.actionDim == actionDim, "LDMFlightConstraint sizes disagree with the model")
        precondition(last < horizon, "LDMFlightConstraint: rollout past the horizon")
        if states.count < count * sd {
            states = [Float](repeating: 0, count: count * sd)
            next = states
            stepActions = [Float](repeating: 0, count: count * actionDim)
            stepValues = [Float](repeating: 0, count: count)
        }
        if rows.count < count * d { rows = [Float](repeating: 0, count: count * d) }
        if energies.count < count { energies = [Float](repeating: 0, count: count) }
        let state = filter.state
        for i in 0..<count { for j in 0..<sd { states[i * sd + j] = state[j] } }
        let graph = self.graph, density = self.density, ws = workspace, cap = energyCap
        for t in 1...last {
            // s_t = f(s_{t-1}, a_{t-1})
            for i in 0..<count { for j in 0..<actionDim { stepActions[i * actionDim + j] = actions[(i * horizon + t - 1) * actionDim + j] } }
            states.withUnsafeBufferPointer { sp in
                stepActions.withUnsafeBufferPointer { ap in
                    next.withUnsafeMutableBufferPointer { model.predict(states: sp, actions: ap, count: count, into: $0, graph: graph) }
                }
            }
            swap(&states, &next)
            for i in 0..<count {
                for j in 0..<sd { rows[i * d + j] = states[i * sd + j] }
                for j in 0..<actionDim { rows[i * d + sd + j] = actions[(i * horizon + t) * actionDim + j] }
            }
            // log p(s_t, a_t), and G with the same tie-break at the cap
            let withG = needG(t)
            rows.withUnsafeBufferPointer { r in
                let x = UnsafeBufferPointer(rebasing: r[0..<(count * d)])
                energies.withUnsafeMutableBufferPointer { density.logDensity(x, count: count, into: $0, workspace: ws) }
                if withG, let ldm {
                    stepValues.withUnsafeMutableBufferPointer { ldm.values(x, count: count, into: $0, workspace: ws) }
                    for i in 0..<count where stepValues[i] >= cap {
                        let e = -energies[i]
                        stepValues[i] = e.isFinite ? cap + 0.01 * max(0, e - cap) : cap + 1e6
                    }
                }
            }
            energies.withUnsafeBufferPointer { e in
                let logp = UnsafeBufferPointer(rebasing: e[0..<count])
                if withG, ldm != nil {
                    stepValues.withUnsafeBufferPointer { body(t, logp, UnsafeBufferPointer(rebasing: $0[0..<count])) }
                } else {
                    body(t, logp, nil)
                }
            }
        }
    }

    /// Margin fallback: nothing admissible -> the least-bad candidates ranked by task cost.
    mutating func rankFallback(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                               into costs: UnsafeMutableBufferPointer<Float>) {
        guard fallbackMargin > 0, filter.kind != .none, var objective = task, count > 0 else { return }
        guard let least = fallbackLeast(costs, count: count) else { return }
        // task cost of the whole batch (one batched rollout), then rank the near-minimal ones
        task = nil
        if taskCosts.count < count { taskCosts = [Float](repeating: 0, count: count) }
        taskCosts.withUnsafeMutableBufferPointer { objective.cost(actions, count: count, horizon: horizon, actionDim: actionDim, into: $0) }
        task = objective
        let margin = fallbackMargin, limit = least + margin
        var lo = Float.infinity, hi = -Float.infinity
        for i in 0..<count where costs[i] <= limit && taskCosts[i].isFinite {
            lo = min(lo, taskCosts[i])
            hi = max(hi, taskCosts[i])
        }
        let span = hi - lo
        for i in 0..<count where costs[i] <= limit {
            let t = taskCosts[i]
            let r: Float = t.isFinite ? (span > 0 ? (t - lo) / span : 0) : 1
            costs[i] = least + margin * r
        }
    }
}

extension SafetyFilter {
    /// This filter with the flight experiment's tie-break at the cap, in front of `objective`;
    /// `fallbackMargin` > 0 (nats) turns on the margin fallback (ranked by a copy of `objective`).
    /// `constraintSteps` > 1 checks the filter along that many steps of the learned-model rollout.
    /// `fallbackRule` `.recovery` ranks the fallback by the backup unrolled `fallbackSteps` steps along each plan.
    public func flightConstraining(_ objective: LDMFlightCost, models: LDMExperimentModels, fallbackMargin: Double = 0,
                                   constraintSteps: Int = 1, fallbackRule: LDMFlightFallbackRule = .argmin,
                                   fallbackSteps: Int = 3) -> ConstrainedCost<LDMFlightCost, LDMFlightConstraint> {
        let task = fallbackMargin > 0 ? LDMFlightCost(model: objective.model, settings: objective.settings) : nil
        return ConstrainedCost(objective: objective,
                               constraint: LDMFlightConstraint(filter: self, density: models.density, energyCap: models.ldm.energyCap,
                                                               fallbackMargin: Float(fallbackMargin), task: task,
                                                               constraintSteps: constraintSteps, dynamics: objective.model,
                                                               ldm: models.ldm, fallbackRule: fallbackRule, fallbackSteps: fallbackSteps,
                                                               oodLogLevel: Float(models.oodLevel.logLevel)),
                               threshold: threshold)
    }
}

extension ConstrainedCost where Objective == LDMFlightCost, Constraint == LDMFlightConstraint {
    /// Sets the tick's compact state and goal offset (m) on the task cost, the filter and the
    /// margin fallback alike.
    public mutating func update(state: [Float], toGoal: SIMD2<Float>) {
        objective.state = state
        objective.toGoal = toGoal
        constraint.state = state
        constraint.toGoal = toGoal
    }
}
