/// The World module: scene, primitives, BVH, ray and overlap queries, loaders and generators.
///
/// See docs/architecture.md for where it sits.
public enum WorldModule {
    /// Module name, for diagnostics.
    public static let name = "World"
}
