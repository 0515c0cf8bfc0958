/// What the flight experiment's filters fly when no candidate is admissible
/// (`LDMFlightSettings.fallbackRule`, `LDMFlightConstraint`).
public enum LDMFlightFallbackRule: String, Sendable, Codable, CaseIterable {
    /// The paper's rule: argmin of the filter's value at the first action, G(s, a_0) for the LDM
    /// (-log p(s, a_0) for greedy).
    case argmin
    /// Steer back to the data: argmin over the candidates of the k-step backup unrolled along
    /// each plan through the learned dynamics f,
    /// V_k = max(E(s_0, a_0), ..., E(s_{k-1}, a_{k-1}), G(s_k, a_k)) with E = -log p and
    /// s_{t+1} = f(s_t, a_t) (k = `fallbackSteps`); greedy uses E in place of G, so its V_k is
    /// max_{t <= k} E(s_t, a_t). G's own backup bounds G(s_0, a_0) by V_k when G is consistent,
    /// and V_k trusts G only k steps ahead, where the plan may be back inside G's admissible set,
    /// instead of at the current state, which already left it.
    case recovery
    /// `recovery` among the candidates whose first action is in the data (log p(s_0, a_0) at or
    /// above the OOD level, as the OOD step measure counts it) when there are any, the others
    /// ranked after them: V_k weighs E(s_0, a_0) only as one term of a max and may otherwise fly
    /// an out-of-distribution first action for a better plan behind it (session 7, post-hoc).
    case recoveryInData
}
