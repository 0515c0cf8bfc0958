import Rendering

/// The rungs of the OCS familiarity ladder (METHODS.md 4, docs/ocs.md), each at severities
/// 0 (clean: the same test images for every rung) ... 5. The first four are pixel corruptions of
/// the rendered image (`ImageCorruption`); `textures` and `shapes` change the world the camera
/// sees.
public enum OCSRung: String, CaseIterable, Codable, Sendable {
    case noise, blur, fog, brightness
    /// The clean image blended with a rendering of the same pose in which every material carries
    /// a held-out texture (marble, dots, hexes; textures drawn, which the sim profile never
    /// does), blend weight `OCSLadder.textureBlend[severity]`.
    case textures
    /// A fraction `OCSLadder.shapeFractions[severity]` of the test worlds' compact obstacles
    /// (footprint under 3 m) replaced by half-sunk spheres ("boulders") of a new material; poses
    /// are drawn again in the changed world and labelled there.
    case shapes

    /// The pixel corruption of this rung, if it is one.
    public var corruption: ImageCorruption? { ImageCorruption(rawValue: rawValue) }
}
