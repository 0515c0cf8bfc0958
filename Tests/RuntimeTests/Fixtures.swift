import Foundation
import Geometry
import Physics
import Runtime
import World

/// Robots and small hand-made scenes for the runtime tests.
enum Fixtures {
    static let robots: String = {
        let here = URL(fileURLWithPath: #filePath)
        return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Robots").path
    }()

    static func robot(_ name: String) throws -> RobotDescription {
        try URDFLoader.load(path: robots + "/" + name + ".urdf")
    }

    /// An open field with one wall whose near face is at x = `wallX`, spanning y in [-5, 5].
    static func wall(at wallX: Double, spawnYaw: Double = 0) -> Scene {
        Scene(name: "wall", groundMaterial: 0,
              materials: [Material(name: "ground", albedo: SIMD3(0.4, 0.4, 0.4)), Material(name: "wall", albedo: SIMD3(0.8, 0.3, 0.3))],
              obstacles: [Obstacle(.box(Box(center: Vec3(wallX + 0.5, 0, 1.5), halfExtents: Vec3(0.5, 5, 1.5))), material: 1)],
              spawns: [Spawn(position: Vec3(0, 0, 1), yaw: spawnYaw)], goals: [],
              boundsMin: Vec3(-20, -20, -1), boundsMax: Vec3(20, 20, 10))
    }

    /// Nothing but ground, large bounds.
    static func empty() -> Scene {
        Scene(name: "empty", groundMaterial: 0, materials: [Material(name: "ground", albedo: SIMD3(0.4, 0.4, 0.4))],
              obstacles: [], spawns: [Spawn(position: Vec3(0, 0, 1), yaw: 0)], goals: [],
              boundsMin: Vec3(-100, -100, -1), boundsMax: Vec3(100, 100, 20))
    }

    /// Small settings so tests run quickly (images still rendered).
    static func settings(_ edit: (inout EnvSettings) -> Void = { _ in }) -> EnvSettings {
        var s = EnvSettings()
        s.imageWidth = 32
        s.imageHeight = 24
        s.spawnYawJitter = 0
        edit(&s)
        return s
    }
}
