import Foundation
import Diagnostics
import Geometry
import Testing
@testable import App

/// `eval --swarm N`: paired, deterministic swarm episodes per policy, summaries that resample
/// episodes (not vehicles), the written table and CSV, and the errors.
@Suite struct SwarmEvaluationTests {
    /// A small job: `count` vehicles, `episodes` episodes of a `route` m route.
    static func job(_ policies: [String], count: Int = 3, episodes: Int = 2, route: Double = 6, workers: Int = 2) -> SwarmEvalJob {
        var j = SwarmEvalJob()
        j.policies = policies
        j.count = count
        j.episodes = episodes
        j.routeLength = route
        j.workers = workers
        return j
    }

    @Test func theSameCommandGivesTheSameVehiclesAndCSVForAnyWorkerCount() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-eval-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var written = Self.job(["straight"], workers: 1)
        written.out = dir
        let a = try written.run(progress: .silent)
        let b = try Self.job(["straight"], workers: 2).run(progress: .silent)
        #expect(a.episodes == b.episodes)
        #expect(a.csv().text == b.csv().text)
        // every vehicle flew and ended, and the files hold the table and one row per episode and vehicle
        #expect(a.episodes[0].allSatisfy { $0.vehicles.count == 3 && $0.vehicles.allSatisfy { $0.distance > 0 && $0.ticks > 0 } })
        let csv = try String(contentsOfFile: dir + "/swarm-eval.csv", encoding: .utf8)
        #expect(csv == a.csv().text)
        #expect(csv.split(separator: "\n").count == 1 + 2 * 3)
        let md = try String(contentsOfFile: dir + "/swarm-eval.md", encoding: .utf8)
        #expect(md.contains("| straight") && md.contains("2 x 3"))
    }

    @Test func everyPolicyFliesEpisodeKFromTheSameStarts() throws {
        let r = try Self.job(["straight", "privileged"], episodes: 3).run(progress: .silent)
        let starts = r.episodes.map { $0.map { $0.vehicles.map { [$0.start.x, $0.start.y, $0.start.z, $0.startYaw].map(\.bitPattern) } } }
        #expect(starts[0] == starts[1])
        #expect(r.episodes[0].map(\.seed) == r.episodes[1].map(\.seed))
        // the episodes are different draws (other seeds, other spawns)
        #expect(Set(r.episodes[0].map(\.seed)).count == 3)
        #expect(starts[0][0] != starts[0][1] && starts[0][1] != starts[0][2])
    }

    @Test func thePrivilegedPlannerHitsTheForestLessThanStraightFlight() throws {
        let r = try Self.job(["straight", "privileged"], count: 4, episodes: 2, route: 15).run(progress: .silent)
        let world = r.episodes.map { $0.reduce(0) { $0 + $1.worldCollisions } }
        #expect(world[0] > world[1], "world collisions straight \(world[0]), privileged \(world[1])")
        let s = r.summaries()
        #expect(s[0].worldCollisionShare.estimate > s[1].worldCollisionShare.estimate)
        #expect(s[0].worldCollisionsPerKm.estimate > s[1].worldCollisionsPerKm.estimate)
    }

    /// Episodes whose vehicles flew `distances[e]`; vehicle v of episode e hit the world when `hits[e][v]`.
    static func episodes(_ distances: [[Double]], hits: [[Bool]]? = nil) -> [SwarmEpisodeOutcome] {
        distances.enumerated().map { e, ds in
            SwarmEpisodeOutcome(episode: e, seed: UInt64(e), vehicles: ds.enumerated().map { v, d in
                SwarmVehicleOutcome(vehicle: v, start: .zero, startYaw: 0, distance: d, worldCollision: hits?[e][v] ?? false,
                                    vehicleContact: false, ticks: 1)
            }, wallSeconds: 1)
        }
    }

    @Test func theBootstrapResamplesEpisodesNotVehicles() {
        // one episode of four different vehicles: resampling the one episode cannot move the
        // mean (resampling vehicles would give an interval around 15 m)
        var rng = RNG(seed: 3)
        let one = SwarmEvaluationSummary(Self.episodes([[0, 10, 20, 30]]), rng: &rng)
        #expect(one.resamplingUnits == 1 && one.vehicles == 4)
        #expect(one.distance.estimate == 15 && one.distance.lower == 15 && one.distance.upper == 15)
        // two episodes whose vehicles agree within each: every resample mean is 10, 15 or 20 m
        let two = SwarmEvaluationSummary(Self.episodes([[10, 10, 10], [20, 20, 20]], hits: [[true, false, false], [false, false, false]]),
                                         rng: &rng)
        #expect(two.resamplingUnits == 2 && two.vehicles == 6)
        #expect(two.distance.estimate == 15 && two.distance.lower >= 10 && two.distance.upper <= 20)
        // the shares are over vehicles (1 of 6), the rate per km over the distance (1 per 90 m)
        #expect(two.worldCollisionShare.estimate == 1.0 / 6 && two.worldCollisionShare.lower > 0)
        #expect(abs(two.worldCollisionsPerKm.estimate - 1000.0 / 90) < 1e-9)
        #expect(two.contactShare.estimate == 0 && two.contactShare.lower == 0)
    }

    @Test func badInputIsOneLineNamingTheFlag() throws {
        func error(_ edit: (inout SwarmEvalJob) -> Void) -> InputError? {
            var j = Self.job(["straight"])
            edit(&j)
            do { _ = try j.run(progress: .silent) } catch let e as InputError { return e } catch { return nil }
            return nil
        }
        #expect(error { $0.count = 0 }?.source == "--swarm")
        #expect(error { $0.count = 65 }?.description.contains("65") == true)
        #expect(error { $0.policies = [] }?.source == "--policy")
        #expect(error { $0.policies = ["straight", "nonsense"] }?.description.contains("nonsense") == true)
        #expect(error { $0.episodes = 0 }?.source == "--episodes")
        #expect(error { $0.routeLength = -1 }?.source == "--route")
        #expect(error { $0.domain = "moon" }?.source == "--domain")
        #expect(error { $0.world = "nowhere:1" }?.source == "--world")
        for e in [error { $0.count = 0 }, error { $0.episodes = -2 }] { #expect(e?.description.contains("\n") == false) }
    }
}
