/// The Runtime module: the environment loop: world + robot + sensors + controller at fixed rates, vectorised.
///
/// See docs/architecture.md for where it sits.
public enum RuntimeModule {
    /// Module name, for diagnostics.
    public static let name = "Runtime"
}
