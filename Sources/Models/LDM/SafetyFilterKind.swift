/// Which safety filter a run uses.
public enum SafetyFilterKind: String, Sendable, Codable, CaseIterable, Equatable, Hashable {
    /// No filter (every candidate admissible).
    case none
    /// Greedy density threshold p(s, a) >= c.
    case greedy
    /// Lyapunov density model G(s, a) <= -log c.
    case ldm
}
