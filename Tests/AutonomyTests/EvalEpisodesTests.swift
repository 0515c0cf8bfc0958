import Foundation
import Diagnostics
import Runtime
import Testing
import TestSupport
@testable import Autonomy

@Suite struct EvalEpisodesTests {
    /// `straight` over 2 worlds x 3 episodes in `domain`, written to `dir/<domain>`.
    private func eval(_ domain: String, dir: TempDir) throws -> (EvaluationReport, [[String]]) {
        var job = EvalJob()
        job.policies = ["straight"]
        job.baselines = false
        job.worlds = "forest:1,forest:2"
        job.episodes = 3
        job.routeLength = 3
        job.seed = 9
        job.domain = domain
        job.robot = Fixtures.root + "/Robots/cf2x.urdf"
        job.out = dir.file(domain)
        let report = try job.run(progress: .silent)
        let text = try String(contentsOfFile: dir.file(domain) + "/eval-episodes.csv", encoding: .utf8)
        return (report, text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) })
    }

    @Test func everyEpisodeIsWrittenWithItsSeedSoDomainsPairByEpisode() throws {
        let dir = TempDir("eval-episodes")
        defer { dir.remove() }
        let (sim, simRows) = try eval("sim", dir: dir)
        #expect(simRows[0] == ["policy", "world", "episode", "seed", "distance_m", "collided", "success", "steps", "domain"])
        let rows = simRows.dropFirst()
        #expect(rows.count == 6)
        // each row is that episode's outcome, with the reset seed the evaluator used
        for (row, o) in zip(rows, sim.outcomes[0]) {
            #expect(row[0] == "straight" && row[1] == sim.settings.worlds[o.world] && row[2] == String(o.episode))
            #expect(row[3] == String(sim.settings.episodeSeed(world: o.world, episode: o.episode)))
            #expect(Double(row[4]) == o.distance && row[5] == (o.collided ? "1" : "0") && row[6] == (o.success ? "1" : "0"))
            #expect(row[7] == String(o.steps) && row[8] == "sim")
        }
        #expect(Set(rows.map { $0[3] }).count == 6)
        // another profile: the same episodes (seeds), its own outcomes and name
        let (real, realRows) = try eval("real-dynamics", dir: dir)
        #expect(realRows.dropFirst().map { Array($0[0...3]) } == rows.map { Array($0[0...3]) })
        #expect(realRows.dropFirst().allSatisfy { $0[8] == "real-dynamics" } && real.domain == "real-dynamics")
        #expect(real.outcomes[0].map(\.distance) != sim.outcomes[0].map(\.distance))
        // an unknown profile names the known ones
        let refusal = #expect(throws: InputError.self) { _ = try eval("moon", dir: dir) }
        #expect(refusal.map { "\($0)".contains("--domain") && "\($0)".contains("real-appearance") } == true)
    }
}
