import Foundation
import Geometry
import Rendering
import World

/// Scene and appearance changes of the `textures` and `shapes` rungs.
public enum OCSLadder {
    /// Blend weight of the held-out-texture rendering per severity.
    public static let textureBlend: [Double] = [0, 0.2, 0.4, 0.6, 0.8, 1]
    /// Fraction of compact obstacles turned into spheres per severity.
    public static let shapeFractions: [Double] = [0, 0.2, 0.4, 0.6, 0.8, 1]
    /// Largest footprint side (m) of an obstacle the shapes rung may replace (walls, shelves and
    /// long boxes stay, so corridors keep their layout).
    public static let compactSize = 3.0

    /// The sim profile with textures drawn (the textures rung's second rendering).
    public static var texturedProfile: AppearanceProfile {
        var p = AppearanceProfile.sim
        p.name = "sim-textured"
        p.textures = true
        return p
    }

    /// `scene` with every material's texture replaced by a held-out kind (cycling marble, dots,
    /// hexes by material index); colours, scales and geometry unchanged.
    public static func heldOutTextures(_ scene: Scene) -> Scene {
        let kinds: [TextureKind] = [.marble, .dots, .hexes]
        let materials = scene.materials.enumerated().map { i, m in
            Material(name: m.name, albedo: m.albedo, texture: kinds[i % kinds.count], scale: m.scale)
        }
        return Scene(name: scene.name + "-heldout-textures", origin: scene.origin, groundHeight: scene.groundHeight,
                     groundMaterial: scene.groundMaterial, materials: materials, obstacles: scene.obstacles,
                     spawns: scene.spawns, goals: scene.goals, boundsMin: scene.boundsMin, boundsMax: scene.boundsMax)
    }

    /// `scene` with a fraction of its compact obstacles replaced by spheres resting on the
    /// ground, radius = the footprint's larger half-side clamped to [0.3, 1.2] m. Obstacle i is
    /// replaced iff a uniform draw keyed by (`seed`, i) is below `fraction`, so the replaced sets
    /// are nested as the fraction grows.
    public static func boulders(_ scene: Scene, fraction: Double, seed: UInt64) -> Scene {
        guard fraction > 0 else { return scene }
        var materials = scene.materials
        materials.append(Material(name: "ocs-boulder", albedo: SIMD3(0.55, 0.5, 0.62), texture: .marble, scale: 0.5))
        let m = materials.count - 1
        let obstacles = scene.obstacles.enumerated().map { i, o -> Obstacle in
            var draw = RNG(seed: RNG.mix(seed, UInt64(i)), stream: 0x4f43_5353)
            guard draw.uniform() < fraction else { return o }
            let half: Double
            let x: Double, y: Double
            switch o.shape {
            case .sphere: return o
            case .box(let b):
                half = max(b.halfExtents.x, b.halfExtents.y)
                x = b.center.x
                y = b.center.y
            case .cylinder(let c):
                half = c.radius
                x = c.x
                y = c.y
            }
            guard 2 * half < compactSize else { return o }
            let r = min(max(half, 0.3), 1.2)
            return Obstacle(.sphere(Sphere(center: Vec3(x, y, scene.groundHeight + r), radius: r)), material: m)
        }
        return Scene(name: scene.name + "-boulders", origin: scene.origin, groundHeight: scene.groundHeight,
                     groundMaterial: scene.groundMaterial, materials: materials, obstacles: obstacles,
                     spawns: scene.spawns, goals: scene.goals, boundsMin: scene.boundsMin, boundsMax: scene.boundsMax)
    }
}
