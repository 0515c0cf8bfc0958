import Foundation

/// A safety filter over the actions of a `TabularMDP` at density level c (METHODS.md section 3).
///
/// - `.greedy`: admissible actions keep the density *now*: p(s, a) >= c (E <= -log c); when
///   none does, fall back to argmax p(s, a).
/// - `.ldm`: admissible actions keep the Lyapunov density model: G(s, a) <= -log c; when none
///   does, fall back to argmin G(s, a).
///
/// Ties in the fallback go to the lowest action index (deterministic).
public struct TabularSafetyFilter: Sendable, Equatable {
    /// Which constraint the filter enforces.
    public enum Kind: String, Sendable, Equatable { case greedy, ldm }

    public let kind: Kind
    public let ldm: TabularLDM
    /// Density level c in (0, 1].
    public let level: Double

    public init(kind: Kind, ldm: TabularLDM, level: Double) {
        precondition(level > 0 && level <= 1, "TabularSafetyFilter level c must be in (0, 1]")
        self.kind = kind
        self.ldm = ldm
        self.level = level
    }

    /// The energy threshold -log c.
    public var threshold: Double { -log(level) }

    /// The value the filter constrains for (s, a): E for greedy, G for LDM.
    public func constrained(_ s: Int, _ a: Int) -> Double {
        let i = ldm.mdp.pair(s, a)
        return kind == .greedy ? ldm.energies[i] : ldm.values[i]
    }

    /// Actions satisfying the constraint at s (possibly empty).
    public func admissibleActions(_ s: Int) -> [Int] {
        (0..<ldm.mdp.actionCount).filter { constrained(s, $0) <= threshold }
    }

    /// Whether s is an admissible start (some action satisfies the constraint).
    public func isAdmissible(_ s: Int) -> Bool { !admissibleActions(s).isEmpty }

    /// The fallback action at s: argmin of the constrained value.
    public func fallbackAction(_ s: Int) -> Int {
        var best = 0
        for a in 1..<max(1, ldm.mdp.actionCount) where constrained(s, a) < constrained(s, best) { best = a }
        return best
    }

    /// The actions the filter lets the agent choose from at s: the admissible ones, or the
    /// fallback alone when none is admissible.
    public func allowedActions(_ s: Int) -> [Int] {
        let a = admissibleActions(s)
        return a.isEmpty ? [fallbackAction(s)] : a
    }

    /// The filtered action for a task preference: the allowed action with the lowest `taskCost`
    /// (ties to the lowest index). This is "plan with the task, subject to the filter".
    public func choose(_ s: Int, taskCost: (Int, Int) -> Double) -> Int {
        let allowed = allowedActions(s)
        var best = allowed[0]
        for a in allowed.dropFirst() where taskCost(s, a) < taskCost(s, best) { best = a }
        return best
    }
}
