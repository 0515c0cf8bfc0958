import Autonomy
import Diagnostics
import Foundation
import Geometry
import Physics
import Runtime
import Testing
import TestSupport
import World

@Suite("PreMem task and experiment")
struct PreMemExperimentTests {
    @Test func demonstrationsAreCollisionFreeAndReachTheGoal() throws {
        let s = PreMemSettings.smoke
        let task = try PreMemTask(settings: s.task)
        let ex = task.examples(worlds: task.trainWorldIndices, count: 6, seed: 4)
        #expect(ex.count == 6)
        for e in ex {
            #expect(e.tokens.count == s.task.steps && e.tokens.allSatisfy { $0 >= 0 && $0 < s.task.tokens })
            let r = task.rollout(e.query, tokens: e.tokens, margin: s.task.demoMargin)
            #expect(!r.collided)
            #expect(PreMemTask.distance(r.final, e.query.goal) <= s.task.goalRadius)
            #expect(task.solves(e.query, tokens: e.tokens))
            #expect(e.features.count == task.queryDim)
        }
        // straight ahead for 12 steps rarely ends at a goal drawn at a bearing: not all solved
        let straight = [Int](repeating: s.task.tokens / 2, count: s.task.steps)
        #expect(ex.filter { task.solves($0.query, tokens: straight) }.count < ex.count)
    }

    @Test func rolloutCollisionsAgreeWithThePrivilegedPlannersCost() throws {
        let s = PreMemSettings.smoke
        let task = try PreMemTask(settings: s.task)
        let model = try EnvModel(scene: task.scenes[0], robot: task.robot, settings: task.envSettings)
        var ps = PrivilegedPlannerPolicy.Settings()
        ps.margin = 0
        ps.substeps = s.task.substeps
        ps.velocityTimeConstant = s.task.velocityTimeConstant
        ps.clearanceWeight = 0
        ps.yawWeight = 0
        var rng = RNG(seed: 9)
        var hits = 0, free = 0
        for _ in 0..<40 {
            guard let q = task.drawQuery(world: 0, rng: &rng) else { continue }
            let start = RobotObservation(time: 0, position: Vec3(q.start.x, q.start.y, task.altitude),
                                         attitude: Quaternion(roll: 0, pitch: 0, yaw: q.yaw),
                                         velocity: Vec3(s.task.forwardSpeed * cos(q.yaw), s.task.forwardSpeed * sin(q.yaw), 0), bodyRate: .zero)
            var cost = KinematicRolloutCost(model: model, start: start, settings: ps)
            for _ in 0..<10 {
                let tokens = (0..<s.task.steps).map { _ in rng.int(below: s.task.tokens) }
                let actions = tokens.map { Float(task.vocabulary.rate($0)) }
                var c: [Float] = [0]
                actions.withUnsafeBufferPointer { a in
                    c.withUnsafeMutableBufferPointer { cost.cost(a, count: 1, horizon: s.task.steps, actionDim: 1, into: $0) }
                }
                let collided = task.rollout(q, tokens: tokens).collided
                #expect(collided == (c[0] > 0))
                if collided { hits += 1 } else { free += 1 }
            }
        }
        #expect(hits > 10 && free > 10)
    }

    @Test func smokePresetIsDeterministicAndComplete() throws {
        let s = PreMemSettings.smoke
        try s.validate()
        #expect(s.grid.count >= 12)
        let a = try PreMemExperiment.run(s)
        let b = try PreMemExperiment.run(s)
        let dirs = [a, b].enumerated().map { i, _ in
            FileManager.default.temporaryDirectory.appendingPathComponent("premem-smoke-\(ProcessInfo.processInfo.processIdentifier)-\(i)").path
        }
        var written: [[String]] = []
        for (r, d) in zip([a, b], dirs) {
            try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
            written.append(try PreMemReport.write(r, to: d, command: "test", seconds: 0))
        }
        defer { for d in dirs { try? FileManager.default.removeItem(atPath: d) } }
        #expect(written[0] == written[1])
        #expect(Set(written[0]).isSuperset(of: ["report.md", "configs.csv", "curation.csv", "robustness.csv", "premem_vs_test.svg", "curation.svg"]))
        for f in written[0] {
            let x = try Data(contentsOf: URL(fileURLWithPath: (dirs[0] as NSString).appendingPathComponent(f)))
            let y = try Data(contentsOf: URL(fileURLWithPath: (dirs[1] as NSString).appendingPathComponent(f)))
            #expect(x == y, "\(f) differs between two runs with the same seed")
        }
        #expect(a.runs.count == s.grid.count && a.fits.count == 3)
        for r in a.runs {
            #expect(r.premem.count == r.config.examples)
            #expect(r.premem.allSatisfy { $0 >= 0 && $0 <= 1 })
            // premem never exceeds the final accuracy
            for j in r.premem.indices { #expect(r.premem[j] <= r.finalAccuracy[j]) }
            #expect(r.testAccuracy >= 0 && r.testAccuracy <= 1 && r.finalTrainLoss > 0)
        }
        let c = try #require(a.curation)
        #expect(c.points.map(\.added) == [0] + s.curationAdded)
        #expect(a.checks.count >= 3)
    }

    @Test func dataNeededInterpolatesAndFitHandlesAConstantPredictor() {
        // reaches 0.5 halfway between 64 (0.4) and 128 (0.6)
        #expect(PreMemExperiment.dataNeeded(sizes: [0, 32, 64, 128], values: [0.3, 0.35, 0.4, 0.6], target: 0.5) == 96)
        #expect(PreMemExperiment.dataNeeded(sizes: [0, 32], values: [0.5, 0.4], target: 0.45) == 0)
        #expect(PreMemExperiment.dataNeeded(sizes: [0, 32, 64], values: [0.1, 0.2, 0.3], target: 0.4) == nil)
        var rng = RNG(seed: 1)
        let line = PreMemExperiment.fit("x", x: [0, 1, 2, 3], y: [1, 3, 5, 7], resamples: 50, rng: &rng)
        #expect(abs(line.rSquared.estimate - 1) < 1e-12 && abs(line.fit!.slope - 2) < 1e-12)
        let constant = PreMemExperiment.fit("c", x: [0.5, 0.5, 0.5], y: [0.1, 0.2, 0.3], resamples: 50, rng: &rng)
        #expect(constant.fit == nil && constant.rSquared.estimate == 0)
    }

    @Test func shippedConfigsLoadAndTyposAreRefused() throws {
        let dir = Fixtures.root + "/Experiments"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("premem-") && $0.hasSuffix(".json") }
        #expect(files.count >= 3)
        for f in files {
            let s = try PreMemSettings.load(configPath: dir + "/" + f, base: .standard)
            #expect(s != .standard, "\(f) changes nothing")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("premem-typo-\(ProcessInfo.processInfo.processIdentifier).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"task": {"goalRadious": 0.3}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect { _ = try PreMemSettings.load(configPath: path, base: .standard) } throws: { ($0 as? InputError)?.location == "$.task.goalRadious" }
        try #"{"curationSelection": "best"}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect { _ = try PreMemSettings.load(configPath: path, base: .standard) } throws: { $0 is InputError }
    }
}
