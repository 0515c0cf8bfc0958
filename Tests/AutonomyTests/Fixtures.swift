import Foundation
import Geometry
import Physics
import Runtime
import World

enum Fixtures {
    static let root: String = {
        let here = URL(fileURLWithPath: #filePath)
        return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()

    static func cf2x() throws -> RobotDescription { try URDFLoader.load(path: root + "/Robots/cf2x.urdf") }

    /// Small images so tests stay quick.
    static func settings(_ edit: (inout EnvSettings) -> Void = { _ in }) -> EnvSettings {
        var s = EnvSettings()
        s.imageWidth = 24
        s.imageHeight = 18
        edit(&s)
        return s
    }

    /// A wall across the flight direction with its near face at x = `wallX`.
    static func wall(at wallX: Double) -> Scene {
        Scene(name: "wall", groundMaterial: 0,
              materials: [Material(name: "ground", albedo: SIMD3(0.4, 0.4, 0.4)), Material(name: "wall", albedo: SIMD3(0.8, 0.3, 0.3))],
              obstacles: [Obstacle(.box(Box(center: Vec3(wallX + 0.5, 0, 1.5), halfExtents: Vec3(0.5, 20, 1.5))), material: 1)],
              spawns: [Spawn(position: Vec3(0, 0, 1), yaw: 0)], goals: [],
              boundsMin: Vec3(-30, -30, -1), boundsMax: Vec3(30, 30, 10))
    }
}
