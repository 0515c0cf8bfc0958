import Autonomy
import Diagnostics
import Foundation
import Geometry
import Models
import Testing

@Suite("Hedging risk model")
struct HedgingRiskTests {
    @Test func pIsTheMeanProbabilityOfEachPrimitivesTrueOutcome() {
        let d = HedgingExperimentTests.data([[0, 1, 1], [0, 0, 0], [1, 1, 1], [1, 0, 0]])
        // classifier outputs = P(collide) per primitive
        let q: [Float] = [0.1, 0.9, 0.8,    // (0.9 + 0.9 + 0.8) / 3 = 0.8667
                          0.3, 0.3, 0.3,    // 0.7: unfamiliar (boundary)
                          0.5, 1.0, 0.0,    // 0.5
                          0.2, 0.1, 0.1]    // (0.2 + 0.9 + 0.9) / 3 = 0.6667
        let p = HedgingRiskLabels.probabilityCorrect(OCSPredictions(outputs: q, featureNorms: [1, 1, 1, 1], width: 3), d)
        let expected = [2.6 / 3, 0.7, 0.5, 2.0 / 3]
        for i in 0..<4 { #expect(abs(p[i] - expected[i]) < 1e-6, "row \(i): \(p[i])") }
        #expect(HedgingLabels.unfamiliar(p) == [false, true, true, true])
    }

    @Test func conservativeRelabellingTouchesExactlyTheUnfamiliarRows() {
        let labels: [Float] = [0, 1, 0,  0, 0, 0,  1, 1, 0,  0, 0, 1]
        let unfamiliar = [true, false, false, true]
        let c = HedgingRiskLabels.conservative(labels, actions: 3, unfamiliar: unfamiliar)
        #expect(c == [1, 1, 1,  0, 0, 0,  1, 1, 0,  1, 1, 1])
        #expect(HedgingRiskLabels.conservative(labels, actions: 3, unfamiliar: [false, false, false, false]) == labels)
    }

    @Test func comparisonOnHandMadeFlights() {
        func row(_ collided: [Bool], _ d: [Double]) -> OCSClosedLoopRow {
            var r = OCSClosedLoopRow(model: .safetyClassifier, severity: 0, episodes: d.count, collisions: collided.filter { $0 }.count,
                                     distances: d, hoverFraction: 0)
            r.collided = collided
            return r
        }
        // standard: 2 collisions in 1 km; conservative: 1 collision in 0.9 km
        let c = HedgingRisk.compare([[row([true, true, false, false], [250, 250, 250, 250])],
                                     [row([true, false, false, false], [200, 250, 200, 250])]], severity: nil, resamples: 200, seed: 1)
        #expect(c.collisions == [2, 1] && c.episodes == 4)
        #expect(abs(c.collisionsPerKm[0].estimate - 2) < 1e-12 && abs(c.collisionsPerKm[1].estimate - 1 / 0.9) < 1e-12)
        #expect(abs(c.collisionReduction.estimate - (1 - (1 / 0.9) / 2)) < 1e-12)
        #expect(abs(c.progressLoss.estimate - 0.1) < 1e-12 && abs(c.pathLength[1].estimate - 225) < 1e-12)
        #expect(c.targetMet)   // a 44 % cut at 10 % progress lost
        // the same cut at 20 % progress lost misses the target; no standard collision leaves the cut undefined
        let slow = HedgingRisk.compare([[row([true, true, false, false], [250, 250, 250, 250])],
                                        [row([true, false, false, false], [200, 200, 200, 200])]], severity: nil, resamples: 50, seed: 1)
        #expect(abs(slow.progressLoss.estimate - 0.2) < 1e-12 && !slow.targetMet)
        let safe = HedgingRisk.compare([[row([false, false], [250, 250])], [row([false, false], [250, 250])]], severity: 0, resamples: 50, seed: 1)
        #expect(safe.collisionReduction.estimate.isNaN && !safe.targetMet && safe.undefinedDraws == 50)
        #expect(c.collisionsPerKm[0].lower <= 2 && c.collisionsPerKm[0].upper >= 2)
    }

    @Test func matchedThresholdEqualisesTheAbstainRate() {
        // P(collide) rows; the safest primitive's P(safe) = 0.1, 0.5, 0.8, 0.95
        let q: [Float] = [0.9, 0.95, 0.5, 0.6, 0.2, 0.9, 0.05, 0.5]
        let p = OCSPredictions(outputs: q, featureNorms: [1, 1, 1, 1], width: 2)
        #expect(abs(HedgingRisk.matchedThreshold(p, abstainRate: 0.5) - 0.51) < 1e-12)   // abstain on 0.1 and 0.5
        #expect(HedgingRisk.matchedThreshold(p, abstainRate: 0) == 0)
        #expect(abs(HedgingRisk.matchedThreshold(p, abstainRate: 0.3) - 0.11) < 1e-12)   // 0.25 is the closest reachable rate
    }

    static func tinyRisk(threshold: Double = HedgingLabels.defaultThreshold) -> HedgingSettings {
        var s = HedgingSettings.smoke
        s.ladderRungs = [.noise]
        s.unfamiliarThreshold = threshold
        s.risk.enabled = true
        s.risk.flights.episodesPerWorld = 1
        s.risk.flights.worlds = 2
        s.risk.flights.episodeTime = 3
        s.risk.flights.severities = [0, 5]
        s.risk.bootstrapResamples = 50
        return s
    }

    @Test func armsStartFromTheSameBaseRelabelOnlyUnfamiliarRowsAndAreDeterministic() throws {
        let s = Self.tinyRisk()
        let a = try #require(try HedgingExperiment.run(s).risk)
        let b = try #require(try HedgingExperiment.run(s).risk)
        #expect(a.arms.map(\.arm) == HedgingRiskArm.allCases)
        for arm in a.arms {
            #expect(arm.startParameters == a.baseParameters)
            #expect(arm.model.parameters != a.baseParameters)
            #expect(arm.flights.count == 2 && arm.flights.allSatisfy { $0.episodes == 2 && $0.collided.count == 2 })
        }
        // only unfamiliar rows change, and every one that was not already all-collide does
        let unfamiliar = a.unfamiliar.filter { $0 }.count
        #expect(unfamiliar > 0)
        #expect(a.arm(.standard).changedRows == 0)
        #expect(a.arm(.conservative).changedRows <= unfamiliar && a.arm(.conservative).changedRows > 0)
        #expect(a.arm(.conservative).model.parameters != a.arm(.standard).model.parameters)
        // same seed, same bits
        #expect(a.finetuneP == b.finetuneP && a.baseParameters == b.baseParameters)
        for (x, y) in zip(a.arms, b.arms) {
            #expect(x.model.parameters == y.model.parameters && x.flights == y.flights && x.threshold == y.threshold)
        }
        #expect(a.comparisons.count == 3 && a.comparisons.map(\.severity) == [nil, 0, 5])
        #expect(a.comparisons.map(\.collisions) == b.comparisons.map(\.collisions))
        #expect(a.comparisons.map(\.collisionReduction.lower).description == b.comparisons.map(\.collisionReduction.lower).description)
    }

    @Test func withNothingUnfamiliarBothArmsEndBitIdentical() throws {
        var s = Self.tinyRisk(threshold: 0)
        s.risk.flights.episodesPerWorld = 0
        let r = try #require(try HedgingExperiment.run(s).risk)
        #expect(r.unfamiliar.allSatisfy { !$0 })
        #expect(r.arm(.conservative).changedRows == 0)
        #expect(r.arm(.conservative).model.parameters == r.arm(.standard).model.parameters)
        #expect(r.comparisons.isEmpty)
    }

    @Test func riskSettingsOverlayAndValidation() throws {
        let s = try HedgingSettings.overlay(.smoke, json: Data(#"{"risk": {"enabled": true, "flights": {"episodesPerWorld": 3}}}"#.utf8), source: "c.json")
        #expect(s.risk.enabled && s.risk.flights.episodesPerWorld == 3 && s.risk.flights.severities == [0] && s.risk.positiveWeight == 10)
        #expect(!HedgingSettings.smoke.risk.enabled && !HedgingSettings.standard.risk.enabled)
        #expect(throws: InputError.self) {
            try HedgingSettings.overlay(.smoke, json: Data(#"{"risk": {"flights": {"severities": [6]}}}"#.utf8), source: "c.json")
        }
        #expect(throws: InputError.self) {
            try HedgingSettings.overlay(.smoke, json: Data(#"{"heldOutTestWorlds": 0, "risk": {"enabled": true}}"#.utf8), source: "c.json")
        }
    }
}
