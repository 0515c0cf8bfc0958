/// Which worlds are for training and which are reserved for evaluation.
///
/// Held out (never used for training, data collection or model selection):
/// - every generator seed >= `heldOutSeedStart` (1,000,000), in any family;
/// - every seed of the `heldOutFamilies` (`boulders`: spheres and tall rotated blocks, a
///   geometry family no training world contains);
/// - any scene using a held-out texture kind (`TextureKind.family == .heldOut`).
/// Held-out generator worlds also draw their textures from the held-out set (marble, dots,
/// hexes) with shifted hues, so "real"-profile test worlds show geometry and textures never seen
/// in training.
public enum WorldCatalog {
    public static let heldOutSeedStart: UInt64 = 1_000_000
    public static let heldOutFamilies: Set<String> = ["boulders"]
    public static let trainingFamilies = ["forest", "hallway", "office", "warehouse", "field"]

    /// Whether generator `family` with `seed` is reserved for evaluation.
    public static func isHeldOut(family: String, seed: UInt64) -> Bool {
        heldOutFamilies.contains(family) || seed >= heldOutSeedStart
    }

    /// Whether a scene is reserved for evaluation (by origin or by its textures).
    public static func isHeldOut(_ scene: Scene) -> Bool {
        if let f = scene.origin.family, let s = scene.origin.seed, isHeldOut(family: f, seed: s) { return true }
        return scene.textureFamilies.contains(.heldOut)
    }

    /// `count` training world specs (`family:seed`), cycling through the training families,
    /// seeds from `firstSeed`.
    public static func trainingSpecs(count: Int, firstSeed: UInt64 = 0, families: [String] = trainingFamilies) -> [String] {
        precondition(families.allSatisfy { !heldOutFamilies.contains($0) })
        return (0..<count).map { i in
            let seed = firstSeed + UInt64(i / families.count)
            precondition(seed < heldOutSeedStart, "training seeds must stay below \(heldOutSeedStart)")
            return "\(families[i % families.count]):\(seed)"
        }
    }

    /// `count` held-out world specs: training families at seeds from `heldOutSeedStart`, and the
    /// held-out families, interleaved.
    public static func heldOutSpecs(count: Int) -> [String] {
        let fams = trainingFamilies + heldOutFamilies.sorted()
        return (0..<count).map { i in "\(fams[i % fams.count]):\(heldOutSeedStart + UInt64(i / fams.count))" }
    }
}
