import Geometry

/// The benchmark reference model (issue 4): a 1x64x64 image through three 3x3 stride-2 ReLU
/// convolutions (32, 64, 64 channels), flattened and concatenated with a 10x2 action sequence,
/// then dense 256 (ReLU) and dense 10 logits, trained with sigmoid cross-entropy.
public struct ReferenceModel: Sendable {
    public let trunk = Sequential {
        Conv2d("trunk.conv0", 1, 32, kernel: 3, stride: 2, padding: 1, activation: .relu)
        Conv2d("trunk.conv1", 32, 64, kernel: 3, stride: 2, padding: 1, activation: .relu)
        Conv2d("trunk.conv2", 64, 64, kernel: 3, stride: 2, padding: 1, activation: .relu)
        Flatten()
    }
    public let hidden = Dense("head.fc0", 64 * 8 * 8 + 20, 256, activation: .relu)
    public let output = Dense("head.fc1", 256, 10)

    public init() {}

    public func initialize(_ p: inout Parameters, rng: inout RNG) {
        trunk.initialize(&p, rng: &rng)
        hidden.initialize(&p, rng: &rng)
        output.initialize(&p, rng: &rng)
    }

    /// images [N, 64, 64, 1], actions [N, 20] -> logits [N, 10].
    public func callAsFunction(images: Var, actions: Var) -> Var {
        let g = images.graph
        return output(hidden(g.concat([trunk(images), actions], axis: 1)))
    }
}
