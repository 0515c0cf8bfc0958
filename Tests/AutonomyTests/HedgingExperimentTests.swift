import Autonomy
import Diagnostics
import Foundation
import Geometry
import Models
import Testing
import World

@Suite("Hedging experiment")
struct HedgingExperimentTests {
    /// K = 3 primitives (yaw rates -20, 0, 20); rows of collisions.
    static func data(_ rows: [[Float]]) -> OCSDataset {
        var d = OCSDataset(width: 1, height: 1, actions: 3)
        for (i, r) in rows.enumerated() {
            d.images.append(0)
            d.depth.append(1)
            d.collisions += r
            d.poses.append(OCSPose(world: 0, x: Double(i), y: 0, yaw: 0))
        }
        return d
    }

    @Test func standardLabelIsTheStraightestSafePrimitiveOrHover() {
        let d = Self.data([[0, 0, 0], [0, 1, 0], [1, 1, 0], [1, 1, 1], [0, 1, 1]])
        #expect(HedgingLabels.standard(d, yawRates: [-20, 0, 20]) == [1, 0, 2, 3, 0])
        #expect(HedgingLabels.isCorrect(3, d, 3) && !HedgingLabels.isCorrect(3, d, 0) && HedgingLabels.isCorrect(2, d, 2) && !HedgingLabels.isCorrect(1, d, 1))
    }

    @Test func familiaritySplitOnAHandMadeTable() {
        let d = Self.data([[0, 1, 1], [0, 1, 1], [1, 0, 0], [1, 1, 1], [1, 1, 1]])
        // probabilities of classes (primitive 0, 1, 2, hover): p = mass on the correct actions
        let table: [[Float]] = [[0.7, 0.3, 0, 0],      // p 0.7: unfamiliar
                                [0.71, 0.29, 0, 0],    // p 0.71: familiar
                                [0.5, 0.2, 0.3, 0],    // two safe primitives: p 0.5
                                [0.2, 0.1, 0, 0.7],    // all collide: only hover is right, p 0.7
                                [0, 0, 0.01, 0.99]]    // p 0.99
        let p = HedgingLabels.probabilityCorrect(OCSPredictions(outputs: table.flatMap { $0 }, featureNorms: [1, 1, 1, 1, 1], width: 4), d)
        let expected = [0.7, 0.71, 0.5, 0.7, 0.99]
        for i in 0..<5 { #expect(abs(p[i] - expected[i]) < 1e-6, "row \(i): \(p[i])") }
        #expect(HedgingLabels.unfamiliar(p) == [true, false, true, true, false])
        #expect(HedgingLabels.unfamiliar([0.7, 0.71, 0.7000001, 0]) == [true, false, false, true])
    }

    @Test func relabellingChangesExactlyTheUnfamiliarTargets() {
        let labels = [0, 1, 2, 3, 1, 0]
        let unfamiliar = [true, false, true, false, false, true]
        #expect(HedgingLabels.relabel(labels, unfamiliar: unfamiliar, to: nil) == labels)
        let hover = HedgingLabels.relabel(labels, unfamiliar: unfamiliar, to: 3)
        #expect(hover == [3, 1, 3, 3, 1, 3])
        let left = HedgingLabels.relabel(labels, unfamiliar: unfamiliar, to: 2)
        for i in labels.indices { #expect(left[i] == (unfamiliar[i] ? 2 : labels[i])) }
    }

    @Test func groupsRankByFamiliarity() {
        let fam = [0.9, 0.2, 0.5, 0.2, 0.95, 0.3, 0.8, 0.6, 0.4, 0.7]
        #expect(HedgingLabels.fifth(fam, least: true) == [1, 3])
        #expect(HedgingLabels.fifth(fam, least: false) == [4, 0])
    }

    @Test func smokeArmsShareTheBaseAndTheRunIsDeterministicToTheByte() throws {
        let s = HedgingSettings.smoke
        var dirs: [String] = []
        for run in 0..<2 {
            let r = try HedgingExperiment.run(s)
            #expect(r.arms.map(\.arm) == HedgingArm.allCases)
            // every arm starts from the base model's weights, bit for bit, and moves away from them
            for a in r.arms {
                #expect(a.startParameters == r.base.parameters)
                #expect(a.model.parameters != r.base.parameters)
            }
            // the arms' labels differ from the standard ones exactly on unfamiliar examples
            let k = s.data.yawRatesDegrees.count
            #expect(r.arm(.standard).changedLabels == 0)
            let unfamiliar = r.unfamiliar.indices.filter { r.unfamiliar[$0] }
            #expect(!unfamiliar.isEmpty)
            #expect(r.arm(.hedge).changedLabels == unfamiliar.filter { r.finetuneLabels[$0] != k }.count)
            #expect(r.arm(.control).changedLabels == unfamiliar.filter { r.finetuneLabels[$0] != s.controlAction }.count)
            #expect(r.ladder.count == s.ladderRungs.count * 6 * 3)
            if run == 0 {
                // one arm trained alone (the viewer's case) is that arm of the full run, bit for bit
                var one = s
                one.ladderRungs = []
                one.risk.enabled = false
                let alone = try HedgingExperiment.run(one, arms: [.hedge])
                #expect(alone.arms.map(\.arm) == [.hedge])
                #expect(alone.arm(.hedge).model.parameters == r.arm(.hedge).model.parameters)
            }
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hedging-smoke-\(ProcessInfo.processInfo.processIdentifier)-\(run)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try HedgingReport.write(r, to: dir, command: "test", seconds: 0)
            dirs.append(dir)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: dirs[0]).sorted()
        #expect(names.contains("report.md") && names.contains("groups.csv") && names.contains("hover-by-familiarity.svg"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dirs[1]).sorted() == names)
        for n in names {
            let a = FileManager.default.contents(atPath: dirs[0] + "/" + n), b = FileManager.default.contents(atPath: dirs[1] + "/" + n)
            #expect(a != nil && a == b, "\(n) differs between two runs with one seed")
        }
        for d in dirs { try? FileManager.default.removeItem(atPath: d) }
    }

    @Test func equalLabelsGiveBitIdenticalArms() throws {
        var s = HedgingSettings.smoke
        s.pretrainSamplesPerWorld = 6
        s.finetuneSamplesPerWorld = 4
        let sampler = try OCSSampler(settings: s.data)
        var poseRNG = RNG(seed: 4)
        let data = try sampler.sample(scene: try WorldGenerators.make("forest:0"), world: 0, count: 8, rng: &poseRNG)
        var rng = RNG(seed: 5)
        let base = HedgingPolicy(actions: data.actions, config: s.network, rng: &rng)
        let labels = HedgingLabels.standard(data, yawRates: s.data.yawRatesDegrees)
        let a = HedgingExperiment.finetune(base, images: data.images, labels: labels, settings: s)
        let b = HedgingExperiment.finetune(base, images: data.images, labels: labels, settings: s)
        #expect(a.model == b.model && a.model != base)
        let other = HedgingExperiment.finetune(base, images: data.images, labels: labels.map { _ in data.actions }, settings: s)
        #expect(other.model != a.model)
    }

    @Test func settingsOverlayAndValidation() throws {
        let s = try HedgingSettings.overlay(.smoke, json: Data(#"{"controlAction": 0, "finetuning": {"epochs": 3}}"#.utf8), source: "c.json")
        #expect(s.controlAction == 0 && s.finetuning.epochs == 3 && s.pretrainWorlds == HedgingSettings.smoke.pretrainWorlds)
        #expect(throws: InputError.self) { try HedgingSettings.overlay(.smoke, json: Data(#"{"controlActions": 0}"#.utf8), source: "c.json") }
        #expect(throws: InputError.self) { try HedgingSettings.overlay(.smoke, json: Data(#"{"controlAction": 5}"#.utf8), source: "c.json") }
        #expect(throws: InputError.self) { try HedgingSettings.overlay(.smoke, json: Data(#"{"ladderRungs": ["shapes"]}"#.utf8), source: "c.json") }
    }
}
