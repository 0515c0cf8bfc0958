/// The Autonomy module: agents: MPC policies, safety filters, exploration, data collection, training, evaluation, experiments.
///
/// See docs/architecture.md for where it sits.
public enum AutonomyModule {
    /// Module name, for diagnostics.
    public static let name = "Autonomy"
}
