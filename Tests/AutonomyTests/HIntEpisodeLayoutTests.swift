import Foundation
import Geometry
import Physics
import Runtime
import Testing
import World
@testable import Autonomy

@Suite struct HIntEpisodeLayoutTests {
    /// A 20 x 20 m field split at x = 10 by a wall along y, with an opening of `gap` m at y = 0
    /// (no opening if `gap` is 0).
    static func split(gap: Double) -> Scene {
        let t = 0.2, half = 10.0
        var obstacles: [Obstacle] = []
        let lower = (-half, -gap / 2), upper = (gap / 2, half)
        for (a, b) in [lower, upper] where b > a {
            obstacles.append(Obstacle(.box(Box(center: Vec3(10, (a + b) / 2, 1), halfExtents: Vec3(t / 2, (b - a) / 2, 1))), material: 1))
        }
        return Scene(name: "split", groundMaterial: 0,
                     materials: [Material(name: "ground", albedo: SIMD3(0.4, 0.4, 0.4)), Material(name: "wall", albedo: SIMD3(0.8, 0.3, 0.3))],
                     obstacles: obstacles, spawns: [Spawn(position: Vec3(2, 0, 0), yaw: 0)], goals: [],
                     boundsMin: Vec3(0, -half, -1), boundsMax: Vec3(20, half, 10))
    }

    @Test func reachabilityNeedsAnOpeningWiderThanTheClearance() {
        let a = SIMD2(5.0, 3.0), b = SIMD2(15.0, -3.0)
        // solid wall: no path; a 1.2 m opening passes a 0.3 m probe but not a 0.7 m one
        #expect(!HIntEpisodeLayout.reachable(scene: Self.split(gap: 0), from: a, to: b, clearance: 0.3))
        #expect(HIntEpisodeLayout.reachable(scene: Self.split(gap: 1.2), from: a, to: b, clearance: 0.3))
        #expect(!HIntEpisodeLayout.reachable(scene: Self.split(gap: 1.2), from: a, to: b, clearance: 0.7))
        // the same side is always reachable
        #expect(HIntEpisodeLayout.reachable(scene: Self.split(gap: 0), from: a, to: SIMD2(2, -6), clearance: 0.3))
    }

    @Test func interiorSpawnsAreFreeInsideTheInsetAndSeeded() throws {
        let scene = try WorldGenerators.make("forest:1000003:trees=600")
        let s = HIntEpisodeLayout.interiorSpawns(scene: scene, count: 40, inset: 4, clearance: 0.6, seed: 9)
        #expect(s.count == 40)
        #expect(s == HIntEpisodeLayout.interiorSpawns(scene: scene, count: 40, inset: 4, clearance: 0.6, seed: 9))
        #expect(s != HIntEpisodeLayout.interiorSpawns(scene: scene, count: 40, inset: 4, clearance: 0.6, seed: 10))
        let probe = CollisionShape.sphere(radius: 0.6)
        for p in s {
            #expect(p.position.x >= scene.boundsMin.x + 4 && p.position.x <= scene.boundsMax.x - 4)
            #expect(p.position.y >= scene.boundsMin.y + 4 && p.position.y <= scene.boundsMax.y - 4)
            let at = Pose(position: Vec3(p.position.x, p.position.y, HIntEpisodeLayout.probeHeight), orientation: .identity)
            #expect(scene.firstOverlap(probe, at: at) == nil)
        }
        // headings cover the circle, not just the generator's +x
        #expect(s.contains { abs($0.yaw) > 2 } && s.contains { abs($0.yaw) < 1 })
    }

    @Test func goalsLieWithinTheBearingAndAreReachable() throws {
        let scene = Self.split(gap: 1.2)
        var rng = RNG(seed: 3, stream: 1)
        var wide = 0
        for k in 0..<40 {
            let start = SIMD2(4.0, Double(k % 5) - 2), yaw = Double(k) * 0.3
            let bearing = radians(120.0)
            let g = try #require(HIntEpisodeLayout.goal(scene: scene, start: start, yaw: yaw, distance: 6, bearing: bearing,
                                                        reachableWith: 0.3, rng: &rng))
            let d = g - start, r = (d * d).sum().squareRoot()
            let off = abs(wrapAngle(atan2(d.y, d.x) - yaw))
            #expect(r >= 3 - 1e-9 && r <= 6 + 1e-9)
            #expect(off <= bearing + 1e-9)
            if off > radians(60.0) { wide += 1 }
            #expect(HIntEpisodeLayout.reachable(scene: scene, from: start, to: g, clearance: 0.3))
        }
        #expect(wide > 5)
        // behind a solid wall nothing is reachable: no goal
        var r2 = RNG(seed: 4, stream: 1)
        #expect(HIntEpisodeLayout.goal(scene: Self.split(gap: 0), start: SIMD2(9.5, 0), yaw: 0, distance: 6, bearing: 0.05,
                                       reachableWith: 0.3, rng: &r2) == nil)
    }

    /// The default configuration keeps the original episode draw (so earlier runs stay paired).
    @Test func defaultSetupIsTheOriginalDraw() throws {
        let robot = try URDFLoader.load(path: Fixtures.root + "/Robots/jackal.urdf")
        var s = Fixtures.settings()
        s.forwardSpeed = 0.5
        let model = try EnvModel(scene: try WorldGenerators.make("forest:1000000:trees=300"), robot: robot, settings: s, domain: .sim)
        let config = HIntExperimentConfig()
        for e in 0..<4 {
            let seed = RNG.mix(RNG.mix(config.seed, 0x4576_616C), UInt64(e))
            var env = Env(model: model)
            let obs = env.reset(seed: seed)
            var rng = RNG(seed: seed, stream: 0x476F_616C)
            let g = HIntExperiment.goal(scene: model.scene, from: obs.robot, distance: config.goalDistance, rng: &rng)
            #expect(HIntExperiment.setup(model, episode: e, config: config) == HIntExperiment.EpisodeSetup(seed: seed, goal: g))
        }
        // the turning regime draws interior starts and reachable wide-bearing goals
        var turning = config
        turning.interiorStarts = true; turning.goalBearingDegrees = 120; turning.reachableClearance = 0.3
        let scene = HIntExperiment.evaluationScenes(turning, [model.scene])[0]
        let m2 = try EnvModel(scene: scene, robot: robot, settings: s, domain: .sim)
        for e in 0..<4 {
            let setup = HIntExperiment.setup(m2, episode: e, config: turning)
            var env = Env(model: m2)
            let start = env.reset(seed: setup.seed).robot
            #expect(start.position.x > 3.9)
            #expect(HIntEpisodeLayout.reachable(scene: scene, from: SIMD2(start.position.x, start.position.y), to: setup.goal, clearance: 0.3))
        }
    }
}
