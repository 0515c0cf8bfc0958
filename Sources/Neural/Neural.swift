/// The Neural module: Float32 tensors, reverse-mode autodiff, layers, losses, optimisers, safetensors checkpoints on OpenBLAS.
///
/// See docs/architecture.md for where it sits.
public enum NeuralModule {
    /// Module name, for diagnostics.
    public static let name = "Neural"
}
