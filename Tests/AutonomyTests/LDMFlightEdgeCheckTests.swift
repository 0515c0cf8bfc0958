import Foundation
import Geometry
import Models
import Testing
@testable import Autonomy

/// The offline edge check of the learned G (docs/ldm.md, session 5), on a tiny tilt-rate config.
struct LDMFlightEdgeCheckTests {
    @Test func variantWithThePresetsSettingsReproducesThePresetsGAndCountsMatchAnIndependentCheck() throws {
        let robot = try Fixtures.cf2x()
        var s = LDMFlightTests.tiny()
        s.actionMode = .tiltRate
        s.learning.percentiles = [10, 25]
        // a variant with the preset's own settings is the flight's G retrained on the same stream
        var wider = s.learning.ldm
        wider.hidden = [48, 48]
        let results = try LDMFlightEdgeCheck.run(s, variants: [.init(name: "same", ldm: s.learning.ldm), .init(name: "wider", ldm: wider)],
                                                 robot: robot, actionsPerState: 4, points: 5, band: 1)
        #expect(results.map(\.name) == ["preset", "same", "wider"])
        #expect(results[1].rows == results[0].rows)
        #expect(results[1].finalLoss == results[0].finalLoss)
        #expect(results[2].settings.hidden == [48, 48])
        for r in results {
            #expect(r.rows.map(\.percentile) == [10, 25])
            for row in r.rows {
                #expect(row.pairs == 4 * 150)
                #expect(row.broken <= row.nearEdge && row.nearEdge <= row.admissible && row.admissible <= row.pairs)
                #expect(row.shortfallSum >= 0)
            }
        }

        // independent recount on a few held-out states, and the same counts on 1 and 2 threads
        let data = try LDMFlightExperiment.learningData(robot: robot, settings: s)
        let prepared = try LDMFlightExperiment.prepare(robot: robot, settings: s, data: data)
        let ldm = prepared.models.ldm, levels = prepared.models.levels
        let states = Array(data.test.states[0..<(40 * 8)])
        let rng = RNG(seed: 9)
        let one = LDMFlightEdgeCheck.measure(ldm: ldm, dynamics: prepared.dynamics.ldmDynamics, states: states, levels: levels,
                                             actionsPerState: 3, points: 4, band: 2, threads: 1, rng: rng)
        let two = LDMFlightEdgeCheck.measure(ldm: ldm, dynamics: prepared.dynamics.ldmDynamics, states: states, levels: levels,
                                             actionsPerState: 3, points: 4, band: 2, threads: 2, rng: rng)
        #expect(one == two)
        // the recount below must see near-edge pairs to mean anything
        #expect(one.contains { $0.nearEdge > 0 })
        // the same actions drawn again, G per pair, f by the model, min over the 4 x 4 grid
        var draw = rng
        var pairs: [[Float]] = []
        for k in 0..<(40 * 3) {
            let st = Array(states[(k / 3 * 8)..<(k / 3 * 8 + 8)])
            let a0 = ldm.actionLower[0] + (ldm.actionUpper[0] - ldm.actionLower[0]) * draw.uniformFloat()
            let a1 = ldm.actionLower[1] + (ldm.actionUpper[1] - ldm.actionLower[1]) * draw.uniformFloat()
            pairs.append(st + [a0, a1])
        }
        let axis0 = (0..<4).map { ldm.actionLower[0] + (ldm.actionUpper[0] - ldm.actionLower[0]) * Float($0) / 3 }
        let axis1 = (0..<4).map { ldm.actionLower[1] + (ldm.actionUpper[1] - ldm.actionLower[1]) * Float($0) / 3 }
        for (level, row) in zip(levels, one) {
            var admissible = 0, near = 0, broken = 0
            for p in pairs {
                let g = ldm.values(p)[0]
                if g <= level.threshold { admissible += 1 }
                guard g <= level.threshold, g > level.threshold - 2 else { continue }
                near += 1
                let next = prepared.dynamics.predict(states: Array(p[0..<8]), actions: Array(p[8..<10]))
                var best = Float.infinity
                for u in axis0 { for w in axis1 { best = min(best, ldm.values(next + [u, w])[0]) } }
                if best > level.threshold { broken += 1 }
            }
            #expect(row.pairs == pairs.count)
            #expect(row.admissible == admissible)
            #expect(row.nearEdge == near)
            #expect(row.broken == broken)
        }
    }
}
