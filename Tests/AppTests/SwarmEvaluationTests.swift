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

    /// Episodes whose vehicles flew `distances[e]`; vehicle v of episode e hit the world when
    /// `hits[e][v]`, and touched another vehicle when `contacts[e][v]`.
    static func episodes(_ distances: [[Double]], hits: [[Bool]]? = nil, contacts: [[Bool]]? = nil) -> [SwarmEpisodeOutcome] {
        distances.enumerated().map { e, ds in
            SwarmEpisodeOutcome(episode: e, seed: UInt64(e), vehicles: ds.enumerated().map { v, d in
                SwarmVehicleOutcome(vehicle: v, start: .zero, startYaw: 0, distance: d, worldCollision: hits?[e][v] ?? false,
                                    vehicleContact: contacts?[e][v] ?? false, ticks: 1)
            }, wallSeconds: 1)
        }
    }

    /// A summary of `episodes` on fixed streams.
    static func summary(_ episodes: [SwarmEpisodeOutcome]) -> SwarmEvaluationSummary {
        var rng = RNG(seed: 3), shares = RNG(seed: 4)
        return SwarmEvaluationSummary(episodes, rng: &rng, shareRNG: &shares)
    }

    /// Ten varied episodes of four vehicles: distances, world hits and contacts that differ by episode.
    static var varied: [SwarmEpisodeOutcome] {
        let d: [[Double]] = (0..<10).map { (e: Int) -> [Double] in
            (0..<4).map { (v: Int) -> Double in Double(5 + (e * 7 + v * 3) % 23) }
        }
        let hits: [[Bool]] = d.map { $0.map { $0 < 9 } }, contacts: [[Bool]] = d.map { $0.map { $0 > 24 } }
        return episodes(d, hits: hits, contacts: contacts)
    }

    @Test func theBootstrapResamplesEpisodesNotVehicles() {
        // one episode of four different vehicles: resampling the one episode cannot move the
        // mean (resampling vehicles would give an interval around 15 m)
        let one = Self.summary(Self.episodes([[0, 10, 20, 30]]))
        #expect(one.resamplingUnits == 1 && one.vehicles == 4)
        #expect(one.distance.estimate == 15 && one.distance.lower == 15 && one.distance.upper == 15)
        // two episodes whose vehicles agree within each: every resample mean is 10, 15 or 20 m
        let two = Self.summary(Self.episodes([[10, 10, 10], [20, 20, 20]], hits: [[true, false, false], [false, false, false]]))
        #expect(two.resamplingUnits == 2 && two.vehicles == 6)
        #expect(two.distance.estimate == 15 && two.distance.lower >= 10 && two.distance.upper <= 20)
        // the shares are of vehicles (1 of 6), the rate per km over the distance (1 per 90 m); a
        // resample of the clean episode twice has no hit, so the episodes' interval reaches 0
        // where Wilson's over 6 independent vehicles does not
        #expect(two.worldCollisionShare.estimate == 1.0 / 6 && two.worldCollisionShare.lower == 0)
        #expect(two.worldCollisionShareWilson.estimate == 1.0 / 6 && two.worldCollisionShareWilson.lower > 0)
        #expect(abs(two.worldCollisionsPerKm.estimate - 1000.0 / 90) < 1e-9)
        #expect(two.contactShare.estimate == 0 && two.contactShare.lower == 0 && two.contactShare.upper == 0)
    }

    @Test func theSharesIntervalResamplesEpisodes() {
        // 10 episodes of 4 vehicles, 4 contacts in all (share 0.1)
        let clean = [[Bool]](repeating: [false, false, false, false], count: 10)
        let d = [[Double]](repeating: [20, 20, 20, 20], count: 10)
        // all four in one pile-up in episode 0: the share hangs on whether a resample draws
        // episode 0, so the interval over episodes is wider than Wilson's over 40 vehicles
        var pile = clean
        pile[0] = [true, true, true, true]
        let piled = Self.summary(Self.episodes(d, contacts: pile))
        #expect(piled.contactShare.estimate == 0.1 && piled.contactShareWilson.estimate == 0.1)
        #expect(piled.contactShare.lower < piled.contactShareWilson.lower)
        #expect(piled.contactShare.upper > piled.contactShareWilson.upper)
        #expect(piled.contactShare.lower == 0 && piled.contactShare.upper >= 0.3)
        // one contact in each of episodes 0-3 and the same share in every one of 10 episodes
        // of 4 (1 of 4 each): spread out, the episodes agree, and the interval over episodes
        // is a point where Wilson's is not
        var spread = clean
        for e in 0..<10 { spread[e][e % 4] = true }
        let even = Self.summary(Self.episodes(d, contacts: spread))
        #expect(even.contactShare.estimate == 0.25 && even.contactShare.lower == 0.25 && even.contactShare.upper == 0.25)
        #expect(even.contactShareWilson.upper - even.contactShareWilson.lower > 0.2)
        // the world collision share runs the same way
        let hit = Self.summary(Self.episodes(d, hits: pile))
        #expect(hit.worldCollisionShare.lower == 0 && hit.worldCollisionShare.upper > hit.worldCollisionShareWilson.upper)
    }

    @Test func thePairedComparisonResamplesEpisodesJointlyAcrossPolicies() {
        let a = Self.varied
        // the same episodes twice: every resample draws the same episodes for both, so the
        // ratio is exactly 1 and the differences exactly 0, with zero-width intervals (drawn
        // independently, the episodes' spread would widen them)
        let same = SwarmEvaluationReport(policies: ["a", "a again"], vehicles: 4, seed: 0, routeLength: 30, episodes: [a, a])
        let c = same.comparisons()
        #expect(c.count == 1 && c[0].policy == "a again" && c[0].baseline == "a")
        #expect(c[0].distanceRatio == ConfidenceInterval(estimate: 1, lower: 1, upper: 1, level: 0.95))
        #expect(c[0].worldCollisionsPerKmDifference == ConfidenceInterval(estimate: 0, lower: 0, upper: 0, level: 0.95))
        #expect(c[0].contactsPerKmDifference == ConfidenceInterval(estimate: 0, lower: 0, upper: 0, level: 0.95))
        // a policy that flies every vehicle of every episode twice as far, with the same events:
        // distance ratio exactly 2 in every resample; half the rates per km, so the differences
        // are minus half the first's rates, resample by resample
        var far = a
        for e in far.indices { for v in far[e].vehicles.indices { far[e].vehicles[v].distance *= 2 } }
        let r = SwarmEvaluationReport(policies: ["a", "far", "a again"], vehicles: 4, seed: 0, routeLength: 30, episodes: [a, far, a])
        let rows = r.comparisons()
        #expect(rows.map(\.policy) == ["far", "a again"] && rows.allSatisfy { $0.baseline == "a" })
        #expect(rows[0].distanceRatio.estimate == 2 && rows[0].distanceRatio.lower == 2 && rows[0].distanceRatio.upper == 2)
        let s = r.summaries()[0]
        #expect(abs(rows[0].worldCollisionsPerKmDifference.estimate + s.worldCollisionsPerKm.estimate / 2) < 1e-9)
        #expect(rows[0].worldCollisionsPerKmDifference.upper < 0 && rows[0].contactsPerKmDifference.upper < 0)
        #expect(rows[1] == c[0])
        // deterministic, and in the Markdown (the table after the per-policy one) but not for one policy
        #expect(r.comparisons() == rows)
        let md = r.markdown()
        #expect(md.contains("| far ") && md.contains("distance per vehicle, ratio") && md.contains("2.00 [2.00, 2.00]"))
        let alone = SwarmEvaluationReport(policies: ["a"], vehicles: 4, seed: 0, routeLength: 30, episodes: [a])
        #expect(alone.comparisons().isEmpty && !alone.markdown().contains("ratio"))
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
