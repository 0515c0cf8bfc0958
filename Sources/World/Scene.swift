import Foundation
import Geometry

/// A start pose for a robot: position (metres, world frame) and heading (radians about +z).
public struct Spawn: Sendable, Equatable, Hashable {
    public var position: Vec3
    public var yaw: Double

    public init(position: Vec3, yaw: Double = 0) {
        self.position = position
        self.yaw = yaw
    }

    /// The spawn as a pose (level, heading `yaw`).
    public var pose: Pose { Pose(position: position, orientation: Quaternion(roll: 0, pitch: 0, yaw: yaw)) }
}

/// A goal region: a sphere the robot should reach.
public struct GoalRegion: Sendable, Equatable, Hashable {
    public var center: Vec3
    /// Radius in metres (> 0).
    public var radius: Double

    public init(center: Vec3, radius: Double) {
        self.center = center
        self.radius = radius
    }

    public func contains(_ p: Vec3) -> Bool { (p - center).lengthSquared <= radius * radius }
}

/// Where a scene came from: a generator family and seed, or a hand-written file.
public struct SceneOrigin: Sendable, Equatable, Hashable {
    /// Generator family name ("forest"), or nil for a hand-written scene.
    public var family: String?
    public var seed: UInt64?

    public init(family: String? = nil, seed: UInt64? = nil) {
        self.family = family
        self.seed = seed
    }
}

/// An immutable world: ground plane, obstacles, materials, spawns, goals, bounds, and the
/// acceleration grid built from them.
///
/// World frame: x forward/east, y left/north, z up, metres. Everything stands in 2.5D (boxes rotate
/// about z only, cylinders are vertical), which is what the grid exploits.
///
/// ```swift
/// let scene = try WorldGenerators.make("forest:7")
/// if let hit = scene.raycast(from: Vec3(0, 0, 1), direction: .unitX) { print(hit.distance) }
/// ```
public struct Scene: Sendable {
    public let name: String
    public let origin: SceneOrigin
    /// Height of the ground plane (metres).
    public let groundHeight: Double
    /// Material index of the ground.
    public let groundMaterial: Int
    public let materials: [Material]
    public let obstacles: [Obstacle]
    public let spawns: [Spawn]
    public let goals: [GoalRegion]
    /// The flight volume: robots leaving it end their episode (min and max corners, metres).
    public let boundsMin: Vec3
    public let boundsMax: Vec3
    /// The 2D uniform grid over the ground used by every query.
    public let grid: SceneGrid
    /// Cosine and sine of each obstacle's yaw (boxes; (1, 0) for the others), for the queries.
    public let yawTrig: [SIMD2<Double>]

    /// Builds a scene. Inputs must already be valid (use `SceneLoader` for untrusted input):
    /// material indices in range, positive sizes, finite numbers.
    public init(name: String, origin: SceneOrigin = SceneOrigin(), groundHeight: Double = 0, groundMaterial: Int,
                materials: [Material], obstacles: [Obstacle], spawns: [Spawn], goals: [GoalRegion],
                boundsMin: Vec3, boundsMax: Vec3, cellSize: Double = 2) {
        precondition(materials.indices.contains(groundMaterial), "ground material out of range")
        precondition(obstacles.allSatisfy { materials.indices.contains($0.material) }, "obstacle material out of range")
        self.name = name
        self.origin = origin
        self.groundHeight = groundHeight
        self.groundMaterial = groundMaterial
        self.materials = materials
        self.obstacles = obstacles
        self.spawns = spawns
        self.goals = goals
        self.boundsMin = boundsMin
        self.boundsMax = boundsMax
        self.yawTrig = obstacles.map { o in
            if case .box(let b) = o.shape { return SIMD2(cos(b.yaw), sin(b.yaw)) }
            return SIMD2(1, 0)
        }
        self.grid = SceneGrid(obstacles: obstacles, boundsMin: boundsMin, boundsMax: boundsMax, cellSize: cellSize)
    }

    /// The same world with other spawn poses (e.g. an experiment's starts inside the obstacle
    /// field); everything else, the query grid included, is rebuilt as the original was.
    public func replacingSpawns(_ spawns: [Spawn]) -> Scene {
        Scene(name: name, origin: origin, groundHeight: groundHeight, groundMaterial: groundMaterial, materials: materials,
              obstacles: obstacles, spawns: spawns, goals: goals, boundsMin: boundsMin, boundsMax: boundsMax)
    }

    /// Index of the material called `name`, if any.
    public func materialIndex(named name: String) -> Int? { materials.firstIndex { $0.name == name } }

    /// Whether `p` is inside the world bounds.
    public func inBounds(_ p: Vec3) -> Bool {
        p.x >= boundsMin.x && p.y >= boundsMin.y && p.z >= boundsMin.z
            && p.x <= boundsMax.x && p.y <= boundsMax.y && p.z <= boundsMax.z
    }

    /// The texture families this scene's materials use.
    public var textureFamilies: Set<TextureFamily> { Set(materials.map(\.texture.family)) }
}
