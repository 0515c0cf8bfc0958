/// The Viewer module: the SDL2 window (the only module that imports SDL).
///
/// See docs/architecture.md for where it sits.
public enum ViewerModule {
    /// Module name, for diagnostics.
    public static let name = "Viewer"
}
