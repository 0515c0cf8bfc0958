import Diagnostics
import Foundation
import Geometry
import Neural

/// Architecture of the OCS models: a small convolutional trunk on one gray camera image, a
/// dense feature layer (the penultimate layer whose norm the experiment measures) and a linear
/// head. Convolutions use "same"-style padding (kernel / 2).
public struct OCSNetworkConfig: Codable, Sendable, Equatable {
    /// Input image rows and columns (gray, one frame).
    public var height = 48
    public var width = 64
    public var filters = [16, 32, 32]
    public var kernels = [5, 3, 3]
    public var strides = [2, 2, 2]
    /// Units of the penultimate (feature) layer, ReLU.
    public var features = 64

    public init() {}

    /// Rows and columns after the convolutions.
    public var trunkOutput: (height: Int, width: Int) {
        var h = height, w = width
        for (k, s) in zip(kernels, strides) {
            h = (h + 2 * (k / 2) - k) / s + 1
            w = (w + 2 * (k / 2) - k) / s + 1
        }
        return (h, w)
    }

    /// Largest image side, layer width (filters, features), kernel or stride, and layer count a
    /// valid config may have: a config from a file or a checkpoint's metadata must not ask for
    /// sizes whose arithmetic overflows.
    public static let maxSide = 4096, maxWidth = 65_536, maxKernel = 64, maxLayers = 16
    /// Most weights a valid config may need (2^26 floats, 256 MB; the default network has 110 k).
    public static let maxParameters = 1 << 26

    /// Whether the layer lists agree, every size is positive and within the limits above, and
    /// the network with one output needs at most `maxParameters` weights.
    public var isValid: Bool {
        let c = Self.self
        guard !filters.isEmpty, filters.count <= c.maxLayers, filters.count == kernels.count, kernels.count == strides.count,
              (filters + kernels + strides).allSatisfy({ $0 >= 1 }), filters.allSatisfy({ $0 <= c.maxWidth }),
              (kernels + strides).allSatisfy({ $0 <= c.maxKernel }), features >= 1, features <= c.maxWidth,
              height >= 1, width >= 1, height <= c.maxSide, width <= c.maxSide else { return false }
        return trunkOutput.height >= 1 && trunkOutput.width >= 1 && parameterCount(outputs: 1) != nil
    }

    /// Weights of the network with `outputs` head units (what `OCSNetwork.initialParameters`
    /// holds), computed without building it; nil when more than `maxParameters`. Call on a
    /// config whose sizes are within the limits (`isValid` checks them first).
    public func parameterCount(outputs: Int) -> Int? {
        var total = 0, channels = 1
        for (f, k) in zip(filters, kernels) {
            total += f * k * k * channels + f
            channels = f
        }
        let (h, w) = trunkOutput
        guard outputs >= 1, let dense = SettingsRangeCheck.product([h, w, channels, features], limit: Self.maxParameters),
              let head = SettingsRangeCheck.product([features + 1, outputs], limit: Self.maxParameters) else { return nil }
        total += dense + features + head
        return total <= Self.maxParameters ? total : nil
    }

    /// Throws unless `loaded` (a checkpoint's tensors, from `source`) holds at least the weights
    /// of this network with `outputs` head units; called before the network is built, so a
    /// checkpoint's metadata alone cannot size an allocation.
    public func requireWeights(outputs: Int, in loaded: Parameters, source: String) throws {
        try Checkpoint.requireWeights(parameterCount(outputs: outputs), in: loaded, source: source, at: "network")
    }

    /// The config as a checkpoint metadata value (JSON, sorted keys), so a checkpoint says which
    /// network its tensors belong to.
    public var metadataValue: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// The config stored by `metadataValue`; nil when `text` is not a valid one.
    public init?(metadataValue text: String) {
        guard let c = try? JSONDecoder().decode(OCSNetworkConfig.self, from: Data(text.utf8)), c.isValid else { return nil }
        self = c
    }
}

/// The OCS trunk and head (`trunk.*`, `head.*` parameters).
public struct OCSNetwork: Sendable {
    public let config: OCSNetworkConfig
    public let outputs: Int
    let trunk: Sequential
    let head: Dense

    public init(config: OCSNetworkConfig, outputs: Int) {
        precondition(config.isValid && outputs >= 1, "invalid OCS network config")
        self.config = config
        self.outputs = outputs
        var layers: [any Layer] = []
        var channels = 1
        for (i, f) in config.filters.enumerated() {
            layers.append(Conv2d("trunk.conv\(i)", channels, f, kernel: config.kernels[i], stride: config.strides[i],
                                 padding: config.kernels[i] / 2, activation: .relu))
            channels = f
        }
        layers.append(Flatten())
        let (h, w) = config.trunkOutput
        layers.append(Dense("trunk.features", h * w * channels, config.features, activation: .relu))
        trunk = Sequential(layers)
        head = Dense("head", config.features, outputs)
    }

    /// Fresh parameters.
    public func initialParameters(rng: inout RNG) -> Parameters {
        var p = Parameters()
        trunk.initialize(&p, rng: &rng)
        head.initialize(&p, rng: &rng)
        return p
    }

    /// images `[N, H, W, 1]` -> penultimate features `[N, features]` and outputs `[N, outputs]`.
    public func callAsFunction(_ images: Var) -> (features: Var, outputs: Var) {
        let z = trunk(images)
        return (z, head(z))
    }

    /// Trains `parameters` in place on images `[count][H][W]` bytes: `settings.epochs` passes
    /// over seeded shuffled minibatches (the last partial batch kept), Adam, global-norm clip.
    /// `loss(graph, outputs, rows)` builds the minibatch's mean loss from the head's raw outputs
    /// `[rows.count, outputs]` for the stored images `rows`. Returns the mean training loss of
    /// each epoch; `onEpoch` gets (epoch, loss) after each.
    @discardableResult
    public func train(_ parameters: inout Parameters, images: [UInt8], count: Int, settings: OCSTrainingSettings, rng: inout RNG,
                      onEpoch: ((Int, Double) -> Void)? = nil, loss: (Graph, Var, [Int]) -> Var) -> [Double] {
        precondition(count > 0 && images.count == count * config.height * config.width, "images must be [count][H][W]")
        var opt = Adam(learningRate: Float(settings.learningRate))
        let g = Graph()
        var losses: [Double] = []
        for epoch in 0..<settings.epochs {
            var sum = 0.0
            for rows in Minibatches.shuffled(count: count, size: settings.batchSize, rng: &rng) {
                g.reset()
                g.setParameters(parameters)
                let (_, out) = self(input(g, images: images, rows: rows))
                let l = loss(g, out, rows)
                g.backward(l)
                if settings.gradientClip > 0 { _ = g.clipGradients(maxNorm: Float(settings.gradientClip)) }
                opt.step(&parameters, graph: g)
                sum += Double(g.value(l).scalar) * Double(rows.count)
            }
            losses.append(sum / Double(count))
            onEpoch?(epoch + 1, losses.last!)
        }
        return losses
    }

    /// Batched inference: `activation(outputs)` and the penultimate feature norms for images
    /// `[count][H][W]` bytes, in blocks of `block` images (one graph, reset per block).
    /// `activation` maps the head's raw outputs `[n, outputs]` (identity, sigmoid, softmax...).
    public func predict(_ parameters: Parameters, images: [UInt8], count: Int, block: Int = 256,
                        activation: (Graph, Var) -> Var) -> OCSPredictions {
        precondition(images.count == count * config.height * config.width, "images must be [count][H][W]")
        let g = Graph(parameters: parameters, recording: false)
        var out = [Float](repeating: 0, count: count * outputs)
        var norms = [Float](repeating: 0, count: count)
        let f = config.features
        var start = 0
        while start < count {
            let n = min(block, count - start)
            g.reset()
            let (z, y) = self(input(g, images: images, rows: Array(start..<(start + n))))
            g.withValue(activation(g, y)) { v in for i in 0..<(n * outputs) { out[start * outputs + i] = v[i] } }
            g.withValue(z) { v in
                for i in 0..<n {
                    var s: Float = 0
                    for j in 0..<f { s += v[i * f + j] * v[i * f + j] }
                    norms[start + i] = s.squareRoot()
                }
            }
            start += n
        }
        return OCSPredictions(outputs: out, featureNorms: norms, width: outputs)
    }

    /// Input tensor `[count, H, W, 1]` for images stored as bytes `[count][H][W]`, scaled
    /// (x - 128) / 128, taking `rows` (indices into the stored images) in order.
    public func input(_ graph: Graph, images: [UInt8], rows: [Int]) -> Var {
        let n = config.height * config.width
        return graph.input(shape: [rows.count, config.height, config.width, 1]) { dst in
            images.withUnsafeBufferPointer { src in
                for (r, i) in rows.enumerated() {
                    for p in 0..<n { dst[r * n + p] = (Float(src[i * n + p]) - 128) / 128 }
                }
            }
        }
    }
}
