import Foundation
import Planning

/// A safety-filter constraint for `ConstrainedCost`: one constraint value per candidate action
/// sequence, computed for the *first* action at the current `state` (the action that will be
/// executed), batched over the planner's `[count][horizon][actionDim]` buffer.
///
/// Use it as `ConstrainedCost(objective: task, constraint: filter, threshold: filter.threshold)`
/// (or `filter.constraining(task)`); update `state` before every `plan`.
public protocol DensitySafetyFilter: SequenceCost {
    /// The current state s (`[S]`), set before each planning tick.
    var state: [Float] { get set }
    /// The admissible bound on the constraint value (nats): -log c.
    var threshold: Float { get }
}

extension DensitySafetyFilter {
    /// `objective` restricted by this filter, falling back to argmin of the constraint when no
    /// candidate is admissible.
    public func constraining<O: SequenceCost>(_ objective: O) -> ConstrainedCost<O, Self> {
        ConstrainedCost(objective: objective, constraint: self, threshold: threshold)
    }
}

/// Rows [state, first action] for every candidate of a planner batch.
@inline(__always)
func firstActionRows(state: [Float], actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                     into rows: inout [Float]) {
    let s = state.count, d = s + actionDim, stride = horizon * actionDim
    if rows.count < count * d { rows = [Float](repeating: 0, count: count * d) }
    rows.withUnsafeMutableBufferPointer { r in
        state.withUnsafeBufferPointer { st in
            for i in 0..<count {
                for k in 0..<s { r[i * d + k] = st[k] }
                for j in 0..<actionDim { r[i * d + s + j] = actions[i * stride + j] }
            }
        }
    }
}

/// The LDM filter of METHODS.md section 3: a candidate is admissible when G(s, a_0) <= -log c;
/// with `ConstrainedCost`, when none is, the planner falls back to argmin G(s, a_0). Keeping
/// G <= -log c at every step keeps p(s_t, a_t) >= c forever (up to the learned G's error).
public struct LDMFilter: DensitySafetyFilter {
    public let ldm: LearnedLDM
    public var state: [Float]
    public let level: DensityLevel
    public var threshold: Float { level.threshold }
    let workspace = DensityWorkspace()
    var rows: [Float] = []

    public init(ldm: LearnedLDM, level: DensityLevel, state: [Float]? = nil) {
        self.ldm = ldm
        self.level = level
        self.state = state ?? [Float](repeating: 0, count: ldm.stateDim)
    }

    /// Writes G(state, first action) per candidate.
    public mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                              into costs: UnsafeMutableBufferPointer<Float>) {
        precondition(actionDim == ldm.actionDim && state.count == ldm.stateDim, "LDMFilter sizes disagree with the LDM")
        firstActionRows(state: state, actions: actions, count: count, horizon: horizon, actionDim: actionDim, into: &rows)
        rows.withUnsafeBufferPointer { r in
            ldm.values(UnsafeBufferPointer(rebasing: r[0..<(count * (state.count + actionDim))]), count: count,
                       into: costs, workspace: workspace)
        }
    }
}

/// The greedy baseline: a candidate is admissible when p(s, a_0) >= c now (energy
/// E = -log p <= -log c); fallback argmin E = argmax p. It looks one step ahead only, so dense
/// actions that lead inevitably to sparse states are allowed.
public struct GreedyDensityFilter: DensitySafetyFilter {
    public let density: any DensityModel
    public let stateDim: Int
    public var state: [Float]
    public let level: DensityLevel
    public var threshold: Float { level.threshold }
    let workspace = DensityWorkspace()
    var rows: [Float] = []

    public init(density: any DensityModel, stateDim: Int, level: DensityLevel, state: [Float]? = nil) {
        precondition(stateDim > 0 && stateDim < density.dimension, "GreedyDensityFilter needs 0 < S < density dimension")
        self.density = density
        self.stateDim = stateDim
        self.level = level
        self.state = state ?? [Float](repeating: 0, count: stateDim)
    }

    /// Writes E(state, first action) = -log p per candidate.
    public mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                              into costs: UnsafeMutableBufferPointer<Float>) {
        precondition(stateDim + actionDim == density.dimension && state.count == stateDim, "GreedyDensityFilter sizes disagree with the density")
        firstActionRows(state: state, actions: actions, count: count, horizon: horizon, actionDim: actionDim, into: &rows)
        rows.withUnsafeBufferPointer { r in
            density.logDensity(UnsafeBufferPointer(rebasing: r[0..<(count * density.dimension)]), count: count,
                               into: costs, workspace: workspace)
        }
        for i in 0..<count { costs[i] = -costs[i] }
    }
}

/// Which safety filter a run uses.
public enum SafetyFilterKind: String, Sendable, Codable, CaseIterable, Equatable, Hashable {
    /// No filter (every candidate admissible).
    case none
    /// Greedy density threshold p(s, a) >= c.
    case greedy
    /// Lyapunov density model G(s, a) <= -log c.
    case ldm
}

/// One filter of any kind behind a single concrete type, so a driver can sweep filter kinds and
/// levels with one `ConstrainedCost<Objective, SafetyFilter>`.
public struct SafetyFilter: DensitySafetyFilter {
    public let kind: SafetyFilterKind
    /// The level (nil for `.none`).
    public let level: DensityLevel?
    var greedy: GreedyDensityFilter?
    var ldm: LDMFilter?
    public var state: [Float] {
        didSet {
            greedy?.state = state
            ldm?.state = state
        }
    }

    /// No filter: constraint 0 everywhere, threshold 0.
    public static func unfiltered(stateDim: Int) -> SafetyFilter {
        SafetyFilter(kind: .none, level: nil, greedy: nil, ldm: nil, state: [Float](repeating: 0, count: stateDim))
    }

    /// The greedy density filter at `level`.
    public static func greedy(density: any DensityModel, stateDim: Int, level: DensityLevel) -> SafetyFilter {
        SafetyFilter(kind: .greedy, level: level, greedy: GreedyDensityFilter(density: density, stateDim: stateDim, level: level),
                     ldm: nil, state: [Float](repeating: 0, count: stateDim))
    }

    /// The LDM filter at `level`.
    public static func ldm(_ model: LearnedLDM, level: DensityLevel) -> SafetyFilter {
        SafetyFilter(kind: .ldm, level: level, greedy: nil, ldm: LDMFilter(ldm: model, level: level),
                     state: [Float](repeating: 0, count: model.stateDim))
    }

    public var threshold: Float { level?.threshold ?? 0 }

    public mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                              into costs: UnsafeMutableBufferPointer<Float>) {
        switch kind {
        case .none:
            for i in 0..<count { costs[i] = 0 }
        case .greedy:
            // take the filter out while it runs so its scratch is not copied
            var f = greedy!
            greedy = nil
            f.cost(actions, count: count, horizon: horizon, actionDim: actionDim, into: costs)
            greedy = f
        case .ldm:
            var f = ldm!
            ldm = nil
            f.cost(actions, count: count, horizon: horizon, actionDim: actionDim, into: costs)
            ldm = f
        }
    }
}
