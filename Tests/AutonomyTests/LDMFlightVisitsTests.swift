import Foundation
import Models
import Testing
@testable import Autonomy

/// `ldmVisitRounds`: G trained again on the states the LDM filter visits.
struct LDMFlightVisitsTests {
    @Test func visitedStatesRetrainOnlyG() throws {
        let robot = try Fixtures.cf2x()
        var s = LDMFlightTests.tiny()
        s.actionMode = .tiltRate
        s.ldmVisitEpisodes = 2
        let data = try LDMFlightExperiment.learningData(robot: robot, settings: s)
        let base = try LDMFlightExperiment.prepare(robot: robot, settings: s, data: data)
        var v = s
        v.ldmVisitRounds = 1
        let visits = try LDMFlightExperiment.prepare(robot: robot, settings: v, data: data)
        // the density, levels and dynamics are the data's; only G changes
        #expect(visits.models.levels == base.models.levels && visits.models.oodLevel == base.models.oodLevel)
        #expect(visits.models.trainingLogDensities == base.models.trainingLogDensities)
        #expect(visits.dynamics.parameters == base.dynamics.parameters)
        // data states with a level action
        var rows: [Float] = []
        for r in 0..<8 { rows += Array(data.train.states[(r * 8)..<(r * 8 + 8)]) + [0, 0] }
        #expect(visits.models.ldm.values(rows) != base.models.ldm.values(rows))
        // the visited states are the LDM filter's own episodes, away from the sweep's indices
        let visited = LDMFlightExperiment.visitedStates(prepared: base, robot: robot, settings: v, round: 0)
        var expected: [Float] = []
        for level in base.models.levels {
            for e in 0..<2 {
                _ = LDMFlightExperiment.episode(spec: LDMFilterSpec(kind: .ldm, level: level), prepared: base, robot: robot,
                                                settings: v, index: 100_000 + e) { expected += $0.state }
            }
        }
        #expect(visited == expected && !visited.isEmpty)
        // collected with the paper's argmin fallback whatever the flight's rule
        var recovery = v
        recovery.fallbackRule = .recovery
        #expect(LDMFlightExperiment.visitedStates(prepared: base, robot: robot, settings: recovery, round: 0) == visited)
        // deterministic
        let again = try LDMFlightExperiment.prepare(robot: robot, settings: v, data: data)
        #expect(again.models.ldm.values(rows) == visits.models.ldm.values(rows))
    }
}
