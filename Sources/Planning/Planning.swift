/// The Planning module: the Planner protocol with CEM, MPPI and random shooting over action sequences.
///
/// See docs/architecture.md for where it sits.
public enum PlanningModule {
    /// Module name, for diagnostics.
    public static let name = "Planning"
}
