import Diagnostics
import Foundation
import Geometry
import Runtime
import Testing
import World
@testable import Autonomy

@Suite struct PolicyAndEvalTests {
    @Test func privilegedFliesFartherThanStraightInAForest() throws {
        let robot = try Fixtures.cf2x()
        let specs = ["forest:11:trees=60,size=16", "forest:12:trees=60,size=16"]
        let settings = EvaluationSettings(worlds: specs, episodes: 3, routeLength: 12, seed: 5)
        let models = try specs.map { try EnvModel(scene: try WorldGenerators.make($0), robot: robot, settings: settings.env(Fixtures.settings())) }
        let registry = PolicyRegistry.standard
        let report = Evaluator.run(settings, models: models, policies: [try registry.resolve("straight"), try registry.resolve("privileged")],
                                   domain: "sim")
        let straight = report.outcomes[0], privileged = report.outcomes[1]
        let ds = straight.map(\.distance).reduce(0, +) / 6, dp = privileged.map(\.distance).reduce(0, +) / 6
        #expect(straight.filter(\.collided).count >= 3, "straight flight should hit trees: \(straight)")
        #expect(dp > 1.5 * ds, "privileged \(dp) m vs straight \(ds) m")
        #expect(privileged.filter(\.collided).count <= 1)
        #expect(report.markdown().contains("privileged (true geometry)"))
    }

    @Test func summaryStatisticsAreWiredRight() {
        let outcomes = [
            EpisodeOutcome(world: 0, episode: 0, distance: 10, collided: true, success: false, steps: 100),
            EpisodeOutcome(world: 0, episode: 1, distance: 30, collided: false, success: true, steps: 300),
            EpisodeOutcome(world: 1, episode: 0, distance: 4, collided: true, success: false, steps: 40),
            EpisodeOutcome(world: 1, episode: 1, distance: 30, collided: false, success: true, steps: 300),
            EpisodeOutcome(world: 1, episode: 2, distance: 6, collided: true, success: false, steps: 60),
        ]
        var rng = RNG(seed: 9)
        let s = EvaluationSummary(outcomes, rng: &rng)
        // same RNG sequence: distance bootstrap first, then the collision-rate bootstrap over episode indices
        var replay = RNG(seed: 9)
        #expect(s.distance == Statistics.bootstrapInterval([10, 30, 4, 30, 6], rng: &replay))
        #expect(s.distance.estimate == 16 && s.distance.lower >= 4 && s.distance.upper <= 30)
        #expect(abs(s.collisionsPerKm.estimate - 1000.0 * 3 / 80) < 1e-9)
        #expect(s.collisionsPerKm.lower <= s.collisionsPerKm.estimate && s.collisionsPerKm.estimate <= s.collisionsPerKm.upper)
        #expect(s.collisionsPerKm.upper > s.collisionsPerKm.lower)
        #expect(s.success == Statistics.wilsonInterval(successes: 2, trials: 5))
        let none = EvaluationSummary(outcomes.filter { !$0.success }, rng: &rng)
        #expect(none.success.estimate == 0 && none.success.lower == 0 && none.success.upper > 0.3)
        let all = EvaluationSummary(outcomes.filter(\.success), rng: &rng)
        #expect(all.success.upper == 1 && all.collisionsPerKm.estimate == 0 && all.collisionsPerKm.upper == 0)
        // the report groups per world and overall
        let report = EvaluationReport(settings: EvaluationSettings(worlds: ["a", "b"], episodes: 3, routeLength: 30),
                                      domain: "sim", policies: [PolicySpec(name: "x", isPrivileged: false) { StraightPolicy() }],
                                      outcomes: [outcomes])
        let rows = report.rows()
        #expect(rows.map(\.world) == ["a", "b", "all"])
        #expect(rows[0].summary.distance.estimate == 20 && rows[1].summary.distance.estimate == 40.0 / 3)
        #expect(rows[2].summary.episodes == 5)
        let csv = CSVWriter.parse(report.csv().text)
        #expect(csv.count == 4 && csv[3][2] == "all" && Double(csv[3][4]) == 16)
    }

    @Test func evaluationIsThreadCountIndependentAndRegistryResolves() throws {
        let robot = try Fixtures.cf2x()
        var settings = EvaluationSettings(worlds: ["hallway:2"], episodes: 3, routeLength: 4, seed: 1)
        let models = [try EnvModel(scene: try WorldGenerators.make("hallway:2"), robot: robot, settings: settings.env(Fixtures.settings()))]
        let policies = [try PolicyRegistry.standard.resolve("random")]
        settings.threads = 1
        let a = Evaluator.run(settings, models: models, policies: policies, domain: "sim")
        settings.threads = 2
        let b = Evaluator.run(settings, models: models, policies: policies, domain: "sim")
        #expect(a.outcomes == b.outcomes)

        var registry = PolicyRegistry.standard
        #expect(throws: InputError.self) { try registry.resolve("nonsense") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-policy-\(getpid()).ckpt").path
        _ = FileManager.default.createFile(atPath: dir, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: dir) }
        registry.registerFileLoader(suffix: ".ckpt") { path in PolicySpec(name: path, isPrivileged: false) { StraightPolicy() } }
        #expect(try registry.resolve(dir).name == dir)
        #expect(throws: InputError.self) { try registry.resolve("/no/such/file.ckpt") }
    }
}
