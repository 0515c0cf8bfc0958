/// The Physics module: robot models (URDF), quadrotor and ground-robot dynamics, integrators, low-level controllers.
///
/// See docs/architecture.md for where it sits.
public enum PhysicsModule {
    /// Module name, for diagnostics.
    public static let name = "Physics"
}
