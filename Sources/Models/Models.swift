/// The Models module: the learned models of METHODS.md (GtS, HInt, LDM, OCS).
///
/// See docs/architecture.md for where it sits.
public enum ModelsModule {
    /// Module name, for diagnostics.
    public static let name = "Models"
}
