import Autonomy
import Diagnostics
import Foundation
import Geometry
import Models
import Physics
import TestSupport
import Testing

@Suite("Imitation experiment")
struct ImitationExperimentTests {
    @Test func familiesAreStableShareThePhiAndNestOverSources() throws {
        let s = ImitationSettings.smoke
        let small = ImitationTaskFamily(settings: s, seedIndex: 1, rank: 2, sources: 3)
        let large = ImitationTaskFamily(settings: s, seedIndex: 1, rank: 2, sources: 6)
        #expect(small.systems.count == 4 && large.systems.count == 7)
        #expect(Array(large.systems[0...3]) == small.systems && Array(large.experts[0...3]) == small.experts)
        let pp = small.phi * small.phi.transposed
        for i in 0..<2 { for j in 0..<2 { #expect(abs(pp[i, j] - (i == j ? 1 : 0)) < 1e-12) } }
        for (sys, k) in zip(large.systems, large.experts) {
            #expect(sys.closedLoop(k).spectralRadius <= s.closedLoopRadiusMax + 1e-9)
            #expect(abs(sys.a.spectralRadius - s.openLoopRadius) < 1e-3)
            // the expert lies in the row space of phi: K (I - phi^T phi) = 0
            let residual = k - k * large.phi.transposed * large.phi
            #expect(residual.frobeniusNorm < 1e-12)
        }
        // another seed draws other systems
        #expect(ImitationTaskFamily(settings: s, seedIndex: 2, rank: 2, sources: 3).systems != small.systems)
    }

    @Test func smokeRunIsDeterministicAndShowsTheTrends() throws {
        let s = ImitationSettings.smoke
        try s.validate()
        let r = try ImitationExperiment.run(s)
        // same settings, same bits (NaN-safe comparison through the CSV text)
        #expect(ImitationReport.gapsCSV(try ImitationExperiment.run(s)).text == ImitationReport.gapsCSV(r).text)
        for sw in r.sweeps { for row in sw.pretrained { for g in row { #expect(g.isFinite && g > 0) } } }
        // more target data, more sources, more shared data: smaller mean gap at the far end
        func mean(_ row: [Double]) -> Double { Statistics.mean(row) }
        for p in [ImitationExperiment.Parameter.targetSamples, .sources, .sharedSamples] {
            let sw = r.sweep(p)
            #expect(mean(sw.pretrained.last!) < mean(sw.pretrained.first!), "\(p)")
        }
        // from scratch is worse than pretrained at every k < n_x
        let rank = r.sweep(.rank)
        for i in rank.values.indices { #expect(mean(rank.scratch[i]) > mean(rank.pretrained[i])) }
        let a = ImitationAnalysis(r)
        #expect(a.checks.count == 4 + rank.values.count + 2 * s.quadrotor.ranks.count)
        // the quadrotor part ran: every pretrained gap finite and positive, shrinking with N_target
        let q = try #require(r.quadrotor)
        for row in q.pretrained[0] { for g in row { #expect(g.isFinite && g > 0) } }
        #expect(mean(q.pretrained[0].last!) < mean(q.pretrained[0].first!))
        #expect(a.slopes["N_target"]!.estimate < 0)
        #expect(a.ratios.allSatisfy { $0.ratio.estimate > 1 })
    }

    @Test func reportFilesAreWrittenAndReadable() throws {
        var s = ImitationSettings.smoke
        s.seeds = 2
        let r = try ImitationExperiment.run(s)
        let a = ImitationAnalysis(r)
        let dir = TempDir("imitation")
        defer { dir.remove() }
        let files = try ImitationReport.write(r, a, to: dir.path, command: "test", seconds: 1)
        #expect(files.count == 8)
        let rows = CSVWriter.parse(try String(contentsOfFile: dir.file("gaps.csv"), encoding: .utf8))
        let points = r.sweeps.reduce(0) { $0 + $1.values.count } + s.quadrotor.targetSamples.count * s.quadrotor.ranks.count
        #expect(rows.count == 1 + points * s.seeds)
        let report = try String(contentsOfFile: dir.file("report.md"), encoding: .utf8)
        #expect(report.contains("## Targets") && report.contains("slope of gap vs N_shared"))
    }

    @Test func quadrotorHoverLinearisationAndLQRExperts() throws {
        let robot = try URDFLoader.load(path: BundledResource.resolve("Robots/cf2x.urdf"))
        let s = ImitationQuadrotor.Settings()
        let dt = s.dt
        for scales in [(1.0, 1.0, 1.0), (0.7, 1.3, 0.7), (1.3, 0.7, 1.3)] {
            let f = try ImitationQuadrotor.airframe(robot: robot, massScale: scales.0, inertiaScale: scales.1, armScale: scales.2, dt: dt)
            let sys = f.system
            // tilt couples into horizontal velocity with gravity: dvx/dtheta = g dt, dvy/dphi = -g dt
            #expect(abs(sys.a[3, 7] - 9.81 * dt) < 1e-9 && abs(sys.a[4, 6] + 9.81 * dt) < 1e-9)
            // equal thrust on all rotors: vertical acceleration only (no torque), sum f / m
            let up = sys.b.apply([1, 1, 1, 1])
            let hover = robot.mass * 9.81 / 4
            #expect(abs(up[5] - 4 * hover / (robot.mass * scales.0) * dt) < 1e-9)
            for i in [3, 4, 9, 10, 11] { #expect(abs(up[i]) < 1e-9) }
            // the LQR expert stabilises the airframe
            let k = try ImitationQuadrotor.expert(sys, s)
            #expect(sys.closedLoop(k).spectralRadius < 1)
        }
        // a larger inertia turns more slowly under the same thrust difference
        let light = try ImitationQuadrotor.airframe(robot: robot, massScale: 1, inertiaScale: 1, armScale: 1, dt: dt)
        let heavy = try ImitationQuadrotor.airframe(robot: robot, massScale: 1, inertiaScale: 1.3, armScale: 1, dt: dt)
        let diff: [Double] = [1, -1, -1, 1]
        let a = light.system.b.apply(diff), b = heavy.system.b.apply(diff)
        let rate = { (v: [Double]) in (v[9] * v[9] + v[10] * v[10] + v[11] * v[11]).squareRoot() }
        #expect(rate(a) > 0 && abs(rate(b) / rate(a) - 1 / 1.3) < 1e-6)
    }

    @Test func configOverlayRejectsBadSettings() throws {
        let base = ImitationSettings.smoke
        let ok = try ImitationSettings.overlay(base, json: Data(#"{"seeds": 3, "targetSweep": {"values": [30, 60]}}"#.utf8), source: "t.json")
        #expect(ok.seeds == 3 && ok.targetSweep.values == [30, 60] && ok.targetSweep.sources == base.targetSweep.sources)
        #expect(throws: InputError.self) { try ImitationSettings.overlay(base, json: Data(#"{"seedz": 3}"#.utf8), source: "t.json") }
        #expect(throws: InputError.self) { try ImitationSettings.overlay(base, json: Data(#"{"rank": 8}"#.utf8), source: "t.json") }
        #expect(throws: InputError.self) {
            try ImitationSettings.overlay(base, json: Data(#"{"sharedSweep": {"values": [4, 40]}}"#.utf8), source: "t.json")
        }
    }
}
