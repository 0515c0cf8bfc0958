import Autonomy
import Diagnostics
import Foundation
import Geometry
import Models
import Runtime
import Testing
import World

@Suite("OCS experiment")
struct OCSExperimentTests {
    /// One wall 1.1 m ahead of the origin (facing +x), open space behind.
    static let wallScene = Scene(name: "wall", groundMaterial: 0, materials: [Material(name: "g", albedo: SIMD3(0.5, 0.5, 0.5))],
                                 obstacles: [Obstacle(.box(Box(center: Vec3(1.2, 0, 1), halfExtents: Vec3(0.1, 0.5, 1))), material: 0)],
                                 spawns: [], goals: [], boundsMin: Vec3(-5, -5, 0), boundsMax: Vec3(5, 5, 3))

    @Test func primitivesAreLabelledByTheTrueWorld() throws {
        let sampler = try OCSSampler(settings: OCSDataSettings())
        let model = try EnvModel(scene: Self.wallScene, robot: sampler.robot, settings: OCSDataSettings().envSettings)
        // yaw rates -40, -20, 0, 20, 40 deg/s: straight ahead hits the wall, the hard turns circle
        // (radius 0.57 m) short of it
        let ahead = sampler.labels(OCSPose(world: 0, x: 0, y: 0, yaw: 0), model: model)
        #expect(ahead[2] == 1 && ahead[0] == 0 && ahead[4] == 0, "\(ahead)")
        let away = sampler.labels(OCSPose(world: 0, x: 0, y: 0, yaw: .pi), model: model)
        #expect(away == [0, 0, 0, 0, 0])
        // the sample renders the wall: nearer pixels than the open view behind
        let data = sampler.render(OCSPose(world: 0, x: 0, y: 0, yaw: 0), renderer: model.renderer, model: model)
        #expect(data.count == 1 && data.images.count == 64 * 48 && data.collisions == ahead)
        #expect(data.depth.min()! < 1.2)
    }

    @Test func bouldersAreNestedAndKeepWalls() throws {
        let scene = try WorldGenerators.make("hallway:0")
        #expect(OCSLadder.boulders(scene, fraction: 0, seed: 1).obstacles == scene.obstacles)
        func replaced(_ f: Double) -> Set<Int> {
            let s = OCSLadder.boulders(scene, fraction: f, seed: 1)
            return Set(s.obstacles.indices.filter { s.obstacles[$0] != scene.obstacles[$0] })
        }
        let low = replaced(0.4), high = replaced(0.8), all = replaced(1)
        #expect(low.isSubset(of: high) && high.isSubset(of: all) && low.count < all.count && !low.isEmpty)
        let full = OCSLadder.boulders(scene, fraction: 1, seed: 1)
        for (a, b) in zip(scene.obstacles, full.obstacles) {
            if case .box(let box) = a.shape, 2 * max(box.halfExtents.x, box.halfExtents.y) >= OCSLadder.compactSize {
                #expect(a == b)   // walls stay
            } else if case .sphere = a.shape {
                #expect(a == b)
            } else {
                guard case .sphere(let s) = b.shape else { Issue.record("compact obstacle not replaced"); continue }
                #expect(abs(s.center.z - s.radius) < 1e-12 && s.radius >= 0.3 && s.radius <= 1.2)
            }
        }
        #expect(OCSLadder.heldOutTextures(scene).textureFamilies == [.heldOut])
        #expect(OCSLadder.heldOutTextures(scene).obstacles == scene.obstacles)
    }

    @Test func decisionsAndTheThresholdRule() {
        var data = OCSDataset(width: 1, height: 1, actions: 1)
        data.collisions = [0, 1, 1]
        data.poses = (0..<3).map { OCSPose(world: 0, x: 0, y: 0, yaw: Double($0)) }
        data.images = [0, 0, 0]
        let p = OCSPredictions(outputs: [0.1, 0.5, 0.9], featureNorms: [1, 1, 1], width: 1)
        // P(safe) 0.9, 0.5, 0.1: acting on all gives -7/3, abstaining below 0.5 < t <= 0.9 gives 1/3
        let best = OCSDecisions.bestThreshold(p, data: data, rewards: OCSRewardScheme())
        #expect(best.threshold == 0.51 && abs(best.reward - 1.0 / 3) < 1e-12 && abs(best.abstainRate - 2.0 / 3) < 1e-12)
        #expect(OCSDecisions.classifier(p, 0, threshold: 0.51) == 0 && OCSDecisions.classifier(p, 1, threshold: 0.51) == nil)
        let r = OCSPredictions(outputs: [0.2, -1, 0.1, -0.5, -0.3, 0], featureNorms: [1, 1], width: 3)
        #expect(OCSDecisions.rewardRegression(r, 0) == 0)
        #expect(OCSDecisions.rewardRegression(r, 1) == nil)
        #expect(OCSDecisions.meanReward([0, nil, 0], data: data, rewards: OCSRewardScheme()) == (1 + 0 - 4) / 3.0)
    }

    @Test func smokeRunIsDeterministicToTheByte() throws {
        let s = OCSSettings.smoke
        var dirs: [String] = []
        for run in 0..<2 {
            let r = try OCSExperiment.run(s)
            #expect(r.levels.count == s.rungs.count * 6)
            #expect(r.models.count == 2 && r.models[1].threshold != nil)
            // severity 0 is the same clean set for every rung
            for l in r.levels where l.severity == 0 { #expect(l.models == r.levels[0].models) }
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ocs-smoke-\(ProcessInfo.processInfo.processIdentifier)-\(run)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try OCSReport.write(r, OCSAnalysis(r), to: dir, command: "test", seconds: 0)
            dirs.append(dir)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: dirs[0]).sorted()
        #expect(names.contains("report.md") && names.contains("levels.csv") && names.contains("rewardRegression.safetensors"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dirs[1]).sorted() == names)
        for n in names {
            let a = FileManager.default.contents(atPath: dirs[0] + "/" + n), b = FileManager.default.contents(atPath: dirs[1] + "/" + n)
            #expect(a != nil && a == b, "\(n) differs between two runs with one seed")
        }
        for d in dirs { try? FileManager.default.removeItem(atPath: d) }
    }

    @Test func settingsAreValidatedAndOverlaid() throws {
        let s = try OCSSettings.overlay(.smoke, json: Data(#"{"trainWorlds": 3, "data": {"horizon": 8}}"#.utf8), source: "c.json")
        #expect(s.trainWorlds == 3 && s.data.horizon == 8 && s.data.imageWidth == 64)
        #expect(throws: InputError.self) { try OCSSettings.overlay(.smoke, json: Data(#"{"trainWorld": 3}"#.utf8), source: "c.json") }
        var bad = OCSSettings.smoke
        bad.network.width = 32
        #expect(throws: InputError.self) { try bad.validate() }
    }
}

@Suite("OCS closed loop")
struct OCSClosedLoopTests {
    @Test func closedLoopFliesBothPoliciesDeterministically() throws {
        var s = OCSSettings.smoke
        s.rungs = [.noise]
        s.closedLoop.episodesPerWorld = 1
        s.closedLoop.worlds = 2
        s.closedLoop.severities = [0, 5]
        s.closedLoop.episodeTime = 5
        let a = try OCSExperiment.run(s), b = try OCSExperiment.run(s)
        #expect(a.closedLoop == b.closedLoop)
        #expect(a.closedLoop.count == 4)
        for row in a.closedLoop {
            #expect(row.episodes == 2 && row.distances.count == 2 && row.collisions <= 2)
            #expect(row.hoverFraction >= 0 && row.hoverFraction <= 1)
            // at most 0.4 m/s for 5 s, plus the settling of the first steps
            #expect(row.distances.allSatisfy { $0 >= 0 && $0 < 3 })
        }
        // off by default
        #expect(try OCSExperiment.run(OCSSettings.smoke).closedLoop.isEmpty)
    }
}
