/// The Rendering module: cameras, ray-cast depth and monocular images, appearance profiles, PNG/PFM export.
///
/// See docs/architecture.md for where it sits.
public enum RenderingModule {
    /// Module name, for diagnostics.
    public static let name = "Rendering"
}
