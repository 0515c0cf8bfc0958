import Diagnostics
import Neural

/// Architecture of the GtS action-conditioned collision predictor (METHODS.md section 1).
///
/// Defaults are the authors' network: 4 stacked 72x96 gray frames (NHWC, channels = frames),
/// conv 64/32/32/32 (kernels 8/4/3/3, strides 4/2/2/2, ReLU), flatten, dense 256, dense 128
/// giving the LSTM's initial h and c, an LSTM with 128 hidden units reading the 12-step action
/// sequence (each action through dense 16 first), and per step dense 16 -> 1 collision logit.
/// Every key is optional when decoding and defaults to these values.
public struct CollisionPredictorConfig: Codable, Sendable, Equatable {
    /// One convolution of the trunk (ReLU after each).
    public struct Conv: Codable, Sendable, Equatable {
        public var filters: Int
        public var kernel: Int
        public var stride: Int
        /// Symmetric zero padding in pixels (`(kernel - 1) / 2` when absent: "same"-like).
        public var padding: Int

        public init(filters: Int, kernel: Int, stride: Int, padding: Int? = nil) {
            self.filters = filters; self.kernel = kernel; self.stride = stride
            self.padding = padding ?? (kernel - 1) / 2
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let k = try c.decode(Int.self, forKey: .kernel)
            self.init(filters: try c.decode(Int.self, forKey: .filters), kernel: k,
                      stride: try c.decode(Int.self, forKey: .stride),
                      padding: try c.decodeIfPresent(Int.self, forKey: .padding))
        }
    }

    /// How the last dense layer's output z becomes the LSTM's initial state.
    public enum InitialState: String, Codable, Sendable {
        /// h0 = c0 = z (width `hidden`; GtS).
        case shared
        /// [h0, c0] = z split in halves (width `2 * hidden`; BADGR/HInt).
        case split
    }

    /// Image height in pixels.
    public var height: Int = 72
    /// Image width in pixels.
    public var width: Int = 96
    /// Stacked frames (image channels), newest last.
    public var frames: Int = 4
    /// Prediction horizon H in control steps (12 x 0.25 s = 3 s).
    public var horizon: Int = 12
    /// Components per action (1: yaw rate).
    public var actionDim: Int = 1
    /// Actions are multiplied by this before the action branch (e.g. 1 / max yaw rate in rad/s),
    /// so the network sees values of order one. One entry per action component.
    public var actionScale: [Float] = [1]
    /// The convolutional trunk.
    public var convs: [Conv] = [Conv(filters: 64, kernel: 8, stride: 4), Conv(filters: 32, kernel: 4, stride: 2),
                                Conv(filters: 32, kernel: 3, stride: 2), Conv(filters: 32, kernel: 3, stride: 2)]
    /// Dense layers after the flattened trunk (ReLU); the last one's width must be `hidden`
    /// (`.shared`) or `2 * hidden` (`.split`) because its output is the LSTM's initial state.
    public var dense: [Int] = [256, 128]
    /// How the trunk output initialises the LSTM.
    public var initialState: InitialState = .shared
    /// LSTM hidden units.
    public var hidden: Int = 128
    /// Width of the per-step action embedding (dense, ReLU).
    public var actionEmbedding: Int = 16
    /// Width of the per-step output layer (dense, ReLU) before the single logit.
    public var headHidden: Int = 16

    public init() {}

    /// A configuration from explicit sizes (unspecified ones keep the GtS defaults).
    public init(height: Int = 72, width: Int = 96, frames: Int = 4, horizon: Int = 12, actionDim: Int = 1,
                actionScale: [Float]? = nil, convs: [Conv]? = nil, dense: [Int] = [256, 128], hidden: Int = 128,
                actionEmbedding: Int = 16, headHidden: Int = 16, initialState: InitialState = .shared) {
        self.height = height; self.width = width; self.frames = frames; self.horizon = horizon
        self.actionDim = actionDim
        self.actionScale = actionScale ?? [Float](repeating: 1, count: actionDim)
        if let convs { self.convs = convs }
        self.dense = dense; self.hidden = hidden
        self.actionEmbedding = actionEmbedding; self.headHidden = headHidden
        self.initialState = initialState
    }

    private enum CodingKeys: String, CodingKey {
        case height, width, frames, horizon, actionDim, actionScale, convs, dense, hidden, actionEmbedding, headHidden,
             initialState
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CollisionPredictorConfig()
        height = try c.decodeIfPresent(Int.self, forKey: .height) ?? d.height
        width = try c.decodeIfPresent(Int.self, forKey: .width) ?? d.width
        frames = try c.decodeIfPresent(Int.self, forKey: .frames) ?? d.frames
        horizon = try c.decodeIfPresent(Int.self, forKey: .horizon) ?? d.horizon
        actionDim = try c.decodeIfPresent(Int.self, forKey: .actionDim) ?? d.actionDim
        // the default scale has one entry per action component; an out-of-range actionDim
        // (negative, or large enough to size a huge array) is left to `validationProblem`
        actionScale = try c.decodeIfPresent([Float].self, forKey: .actionScale)
            ?? (1...Self.maxChannels ~= actionDim ? [Float](repeating: 1, count: actionDim) : [])
        convs = try c.decodeIfPresent([Conv].self, forKey: .convs) ?? d.convs
        dense = try c.decodeIfPresent([Int].self, forKey: .dense) ?? d.dense
        hidden = try c.decodeIfPresent(Int.self, forKey: .hidden) ?? d.hidden
        actionEmbedding = try c.decodeIfPresent(Int.self, forKey: .actionEmbedding) ?? d.actionEmbedding
        headHidden = try c.decodeIfPresent(Int.self, forKey: .headHidden) ?? d.headHidden
        initialState = try c.decodeIfPresent(InitialState.self, forKey: .initialState) ?? d.initialState
        if let problem = validationProblem {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: problem))
        }
    }

    /// Spatial size (height, width) after each convolution, input first.
    public var featureSizes: [(height: Int, width: Int)] {
        var out = [(height, width)]
        for c in convs {
            let (h, w) = out.last!
            out.append(((h + 2 * c.padding - c.kernel) / c.stride + 1, (w + 2 * c.padding - c.kernel) / c.stride + 1))
        }
        return out
    }

    /// Length of the flattened trunk output.
    public var flattened: Int {
        let last = featureSizes.last!
        return last.height * last.width * (convs.last?.filters ?? frames)
    }

    /// Floats in one observation (`height * width * frames`, NHWC).
    public var observationSize: Int { height * width * frames }

    /// Floats in one action sequence (`horizon * actionDim`).
    public var sequenceSize: Int { horizon * actionDim }

    /// Largest image side; frames and action components; layer width (filters, dense, hidden,
    /// embeddings); kernel, stride and padding; layers per kind. A config read from a file or a
    /// checkpoint's metadata must not ask for sizes whose arithmetic overflows.
    public static let maxSide = 4096, maxChannels = 256, maxWidth = 65_536, maxKernel = 64, maxLayers = 16
    /// Most weights a valid config may need (2^26 floats, 256 MB; the GtS network has 0.3 M).
    public static let maxParameters = 1 << 26

    /// Why the sizes exceed the limits above, or nil.
    var limitProblem: String? {
        if height > Self.maxSide || width > Self.maxSide { return "image \(height)x\(width) is larger than \(Self.maxSide) pixels a side" }
        if frames > Self.maxChannels || actionDim > Self.maxChannels || horizon > Self.maxWidth {
            return "frames \(frames), actionDim \(actionDim) must be at most \(Self.maxChannels), horizon \(horizon) at most \(Self.maxWidth)"
        }
        if convs.count > Self.maxLayers || dense.count > Self.maxLayers { return "more than \(Self.maxLayers) conv or dense layers" }
        if let w = (dense + [hidden, actionEmbedding, headHidden] + convs.map(\.filters)).first(where: { $0 > Self.maxWidth }) {
            return "layer width \(w) is larger than \(Self.maxWidth)"
        }
        if let c = convs.first(where: { $0.kernel > Self.maxKernel || $0.stride > Self.maxKernel || $0.padding > Self.maxKernel }) {
            return "conv kernel \(c.kernel), stride \(c.stride), padding \(c.padding): each at most \(Self.maxKernel)"
        }
        return nil
    }

    /// Weights of the predictor built from this config (what `CollisionPredictor(config:rng:)`
    /// allocates), computed without building it; nil when more than `maxParameters`. Call on a
    /// config without a `validationProblem`.
    public var parameterCount: Int? {
        var total = 0, channels = frames
        for c in convs {
            total += c.filters * c.kernel * c.kernel * channels + c.filters
            channels = c.filters
        }
        var inputs = flattened
        for d in dense {
            guard let w = SettingsRangeCheck.product([inputs + 1, d], limit: Self.maxParameters) else { return nil }
            total += w
            inputs = d
        }
        // action embedding, LSTM (input, recurrent, bias), head
        total += (actionDim + 1) * actionEmbedding + 4 * hidden * (actionEmbedding + hidden + 1)
            + (hidden + 1) * headHidden + headHidden + 1
        return total <= Self.maxParameters ? total : nil
    }

    /// Why this configuration cannot be built, or nil when it can.
    public var validationProblem: String? {
        if height <= 0 || width <= 0 || frames <= 0 { return "image \(height)x\(width)x\(frames) must be positive" }
        if let why = limitProblem { return why }
        if horizon <= 0 { return "horizon \(horizon) must be positive" }
        if actionDim <= 0 { return "actionDim \(actionDim) must be positive" }
        if actionScale.count != actionDim { return "actionScale has \(actionScale.count) entries for actionDim \(actionDim)" }
        if dense.isEmpty || dense.contains(where: { $0 <= 0 }) { return "dense \(dense) must be non-empty and positive" }
        let stateWidth = initialState == .shared ? hidden : 2 * hidden
        if dense.last != stateWidth {
            return "last dense width \(dense.last!) must be \(stateWidth) (the LSTM's initial state, \(initialState.rawValue), hidden \(hidden))"
        }
        if hidden <= 0 || actionEmbedding <= 0 || headHidden <= 0 {
            return "hidden \(hidden), actionEmbedding \(actionEmbedding), headHidden \(headHidden) must be positive"
        }
        for (i, c) in convs.enumerated() where c.filters <= 0 || c.kernel <= 0 || c.stride <= 0 || c.padding < 0 {
            return "conv \(i) (filters \(c.filters), kernel \(c.kernel), stride \(c.stride), padding \(c.padding)) is invalid"
        }
        for (i, s) in featureSizes.enumerated().dropFirst() where s.height <= 0 || s.width <= 0 {
            return "conv \(i - 1) leaves no pixels (\(s.height)x\(s.width)) from a \(height)x\(width) image"
        }
        if parameterCount == nil { return "the network needs more than \(Self.maxParameters) weights" }
        return nil
    }
}
