import Foundation
import Geometry
import Testing
@testable import World

/// A scene from parts, bounds around them.
func makeScene(_ shapes: [Shape], spawns: [Spawn] = []) -> Scene {
    Scene(name: "test", groundMaterial: 0, materials: [Material(name: "m", albedo: SIMD3(0.5, 0.5, 0.5))],
          obstacles: shapes.map { Obstacle($0, material: 0) }, spawns: spawns, goals: [],
          boundsMin: Vec3(-30, -30, 0), boundsMax: Vec3(30, 30, 10))
}

@Test func rayHitsBoxFaceAtAnalyticDistance() throws {
    let scene = makeScene([.box(Box(center: Vec3(5, 0, 1), halfExtents: Vec3(0.5, 1, 1)))])
    for y in [-0.9, 0.0, 0.3, 0.95] {
        let hit = try #require(scene.raycast(from: Vec3(0, y, 1), direction: .unitX))
        #expect(abs(hit.distance - 4.5) < 1e-9)
        #expect(hit.normal == Vec3(-1, 0, 0))
        #expect(hit.obstacle == 0)
    }
    // oblique ray onto the face: distance 4.5 / cos(a)
    let a = 0.1
    let hit = try #require(scene.raycast(from: Vec3(0, 0, 1), direction: Vec3(cos(a), sin(a), 0)))
    #expect(abs(hit.distance - 4.5 / cos(a)) < 1e-9)
}

@Test func rotatedBoxNormalFollowsYaw() throws {
    let scene = makeScene([.box(Box(center: Vec3(5, 0, 1), halfExtents: Vec3(0.5, 0.5, 1), yaw: .pi / 4))])
    let hit = try #require(scene.raycast(from: Vec3(0, 0, 1), direction: .unitX))
    // the corner of a 45-degree-rotated unit square points at the ray: 5 - 0.5 * sqrt(2)
    #expect(abs(hit.distance - (5 - 0.5 * 2.0.squareRoot())) < 1e-9)
}

@Test func rayHitsGroundAtAnalyticDistance() throws {
    let scene = makeScene([])
    for (h, angle) in [(1.0, 0.2), (2.5, 0.7), (0.3, 1.2)] {
        let hit = try #require(scene.raycast(from: Vec3(3, 2, h), direction: Vec3(cos(angle), 0, -sin(angle))))
        #expect(abs(hit.distance - h / sin(angle)) < 1e-9)
        #expect(hit.obstacle == -1 && hit.normal == .unitZ)
    }
}

@Test func rayHitsCylinderAtAnalyticDistanceEvenWhenGrazingFar() throws {
    for (d, r) in [(3.0, 0.2), (25.0, 0.15), (28.0, 0.4)] {
        let scene = makeScene([.cylinder(Cylinder(x: d, y: 0, radius: r, zMin: 0, zMax: 5))])
        // offsets up to 0.999 r: nearly grazing
        for f in [0.0, 0.5, 0.9, 0.999] {
            let y = f * r
            let expected = d - (r * r - y * y).squareRoot()
            let hit = try #require(scene.raycast(from: Vec3(0, y, 1), direction: .unitX))
            #expect(abs(hit.distance - expected) < 1e-9)
        }
    }
}

@Test func raysThatShouldMissDo() {
    let scene = makeScene([.cylinder(Cylinder(x: 5, y: 0, radius: 0.5, zMin: 0, zMax: 2)),
                           .box(Box(center: Vec3(0, 5, 1), halfExtents: Vec3(1, 1, 1))),
                           .sphere(Sphere(center: Vec3(-5, 0, 2), radius: 1))])
    #expect(scene.raycast(from: Vec3(0, 0, 1), direction: Vec3(0, 0, 1)) == nil)        // straight up
    #expect(scene.raycast(from: Vec3(0, 0.51, 1), direction: .unitX) == nil)            // beside the cylinder
    #expect(scene.raycast(from: Vec3(0, 0, 2.01), direction: .unitX) == nil)            // over it
    #expect(scene.raycast(from: Vec3(1.01, 0, 1), direction: .unitY) == nil)            // beside the box
    #expect(scene.raycast(from: Vec3(0, 0, 3.01), direction: Vec3(-1, 0, 0)) == nil)    // over the sphere
    #expect(scene.raycast(from: Vec3(0, 0, 1), direction: .unitX, maxDistance: 4) == nil) // out of range
    #expect(scene.raycast(from: Vec3(0, 0, 2), direction: Vec3(-1, 0, 0))?.obstacle == 2)
}

@Test func raycastMatchesBruteForceInGeneratedWorlds() throws {
    var rng = RNG(seed: 5)
    for spec in ["forest:3", "office:1", "field:2", "boulders:4"] {
        let scene = try WorldGenerators.make(spec)
        for _ in 0..<300 {
            let o = Vec3(rng.uniform(scene.boundsMin.x, scene.boundsMax.x), rng.uniform(scene.boundsMin.y, scene.boundsMax.y), rng.uniform(0.1, 3))
            let d = Vec3(rng.normal(), rng.normal(), rng.normal() * 0.3)
            let fast = scene.raycast(from: o, direction: d)
            // brute force over every obstacle
            let u = d.normalized
            var best = d.z < 0 ? (scene.groundHeight - o.z) / u.z : Double.infinity
            for ob in scene.obstacles {
                if let h = ob.shape.intersect(origin: o, direction: u, tMin: 0, tMax: best) { best = min(best, h.t) }
            }
            if best.isFinite {
                let f = try #require(fast)
                #expect(abs(f.distance - best) < 1e-9)
            } else {
                #expect(fast == nil)
            }
        }
    }
}
