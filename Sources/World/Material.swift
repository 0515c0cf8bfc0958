/// The procedural pattern a material carries (evaluated by the renderer).
///
/// Kinds belong to a `TextureFamily`: training worlds only use `.standard` kinds; the `.heldOut`
/// kinds (`marble`, `dots`, `hexes`) are reserved for evaluation worlds, so a "real" test world can
/// show textures no training image ever contained.
public enum TextureKind: String, Sendable, CaseIterable, Codable {
    case plain, checker, stripes, noise, bark, brick, grass
    case marble, dots, hexes

    /// Which texture set the kind belongs to.
    public var family: TextureFamily {
        switch self {
        case .marble, .dots, .hexes: return .heldOut
        default: return .standard
        }
    }

    /// Stable small integer used by the renderer's switch.
    public var code: Int32 { Int32(TextureKind.allCases.firstIndex(of: self)!) }
}

/// The texture set a kind belongs to (see `TextureKind.family`).
public enum TextureFamily: String, Sendable, CaseIterable {
    case standard, heldOut
}

/// A surface material: base colour, procedural texture and its scale.
public struct Material: Sendable, Equatable, Hashable {
    /// Name, unique within a scene (obstacles refer to it).
    public var name: String
    /// Linear RGB albedo, each channel in [0, 1].
    public var albedo: SIMD3<Double>
    /// Procedural pattern.
    public var texture: TextureKind
    /// Pattern period in metres (> 0).
    public var scale: Double

    public init(name: String, albedo: SIMD3<Double>, texture: TextureKind = .plain, scale: Double = 1) {
        self.name = name
        self.albedo = albedo
        self.texture = texture
        self.scale = scale
    }
}
