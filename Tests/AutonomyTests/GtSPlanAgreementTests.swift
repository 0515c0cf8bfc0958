import Foundation
import Geometry
import Models
import Physics
import Runtime
import Testing
import World
@testable import Autonomy

/// The plan diagnostics' tests' setup: the tiny GtS config, two untrained predictors (seeds 1
/// and 2), two real-profile episodes in one held-out world.
func planFixture() throws -> (GtSExperimentConfig, CollisionPredictor, CollisionPredictor, EvaluationSettings, [EnvModel]) {
    let c = tinyConfig()
    var r1 = RNG(seed: 1), r2 = RNG(seed: 2)
    let pilot = CollisionPredictor(config: c.modelConfig, rng: &r1)
    let other = CollisionPredictor(config: c.modelConfig, rng: &r2)
    let robot = try URDFLoader.load(path: c.robot)
    let specs = WorldCatalog.heldOutSpecs(count: 1)
    let evaluation = EvaluationSettings(worlds: specs, episodes: 2, routeLength: c.routeLength, seed: c.evaluationSeed)
    let envModels = try WorldSet.scenes(specs).map { try EnvModel(scene: $0, robot: robot, settings: evaluation.env(c.env), domain: .real) }
    return (c, pilot, other, evaluation, envModels)
}

@Suite struct GtSPlanAgreementTests {
    @Test func agreementOfCostVectors() {
        // 4 candidates, horizon 2: first yaw rates 0.1, 0.2, 0.3, 0.4
        let actions: [Float] = [0.1, 0, 0.2, 0, 0.3, 0, 0.4, 0]
        let a: [Float] = [0.5, 0.1, 0.9, 0.3]
        let same = GtSPlanAgreement.agreement(pilot: a, model: a, actions: actions, horizon: 2, k: 2)
        #expect(same == .init(spearman: 1, top1: true, topKOverlap: 1, eliteFirstActionGap: 0, bestFirstActionGap: 0))
        // a monotone transform ranks alike
        #expect(GtSPlanAgreement.agreement(pilot: a, model: a.map { $0 * $0 + 3 }, actions: actions, horizon: 2, k: 2).spearman == 1)
        // the reverse order: rho -1, disjoint top-2 ({1, 3} vs {2, 0})
        let rev = GtSPlanAgreement.agreement(pilot: a, model: a.map { -$0 }, actions: actions, horizon: 2, k: 2)
        #expect(rev.spearman == -1 && !rev.top1 && rev.topKOverlap == 0)
        #expect(abs(rev.eliteFirstActionGap - abs((0.2 + 0.4) / 2 - (0.3 + 0.1) / 2)) < 1e-6)
        #expect(abs(rev.bestFirstActionGap - 0.1) < 1e-6)          // best 0.2 (index 1) vs 0.3 (index 2)
        // one swap among 4: rho = 1 - 6 * 2 / (4 * 15) = 0.8; top-2 shares one candidate
        let b: [Float] = [0.5, 0.3, 0.9, 0.1]
        let swap = GtSPlanAgreement.agreement(pilot: a, model: b, actions: actions, horizon: 2, k: 2)
        #expect(abs(swap.spearman - 0.8) < 1e-12 && !swap.top1 && swap.topKOverlap == 1)
        // ties get average ranks; a constant side correlates 0
        #expect(abs(GtSPlanAgreement.spearman([1, 2, 2, 3], [1, 2, 3, 4]) - 0.9486832980505138) < 1e-12)
        #expect(GtSPlanAgreement.spearman([1, 1, 1], [1, 2, 3]) == 0)
    }

    @Test func pilotFliesAsTheLearnedPolicyAndSelfAgreementIsFull() throws {
        let (c, pilot, other, evaluation, envModels) = try planFixture()
        // no yaw penalty: the ranking is the networks' alone (two untrained nets would otherwise both follow it)
        var settings = c.policySettings
        settings.yawWeight = 0
        let r = try GtSPlanAgreement.run(pilot: ("GtS", pilot), models: [("GtS", pilot), ("other", other)],
                                         settings: settings, evaluation: evaluation, envModels: envModels)

        // the pilot flies exactly the episodes the evaluator flies with the learned policy
        let spec = LearnedPolicy.spec(predictor: pilot, settings: settings, name: "pilot")
        for e in r.episodes {
            let o = Evaluator.runEpisode(envModels[0], policy: spec, world: 0, episode: e.episode, seed: e.seed, routeLength: c.routeLength)
            #expect(o.distance == e.distance && o.collided == e.collided && o.steps == e.ticks)
        }
        let ticks = r.episodes.reduce(0) { $0 + $1.ticks }
        #expect(ticks > 2 && r.perTick.map(\.count).reduce(0, +) == ticks)
        #expect(r.modelPairs == [.init(a: 0, b: 1)])
        // subsets: the contested quarter and the ticks before a collision are parts of all ticks
        let counts = GtSPlanAgreement.subsetNames.map { u in r.pairs.first { $0.subset == u && $0.reference == "pilot" }!.ticks }
        #expect(counts[0] == ticks && counts[1] >= ticks / 4 && counts[1] < ticks && counts[2] <= ticks)
        // the pilot re-scoring its own candidates agrees fully; another model less, within range
        for set in GtSPlanAgreement.setNames {
            let me = try #require(r.pairs.first { $0.set == set && $0.reference == "pilot" && $0.model == "GtS" && $0.subset == "all ticks" })
            #expect(me.ticks == ticks && me.spearman == 1 && me.top1 == 1 && me.topKOverlap == 1)
            #expect(me.eliteFirstActionGap == 0 && me.bestFirstActionGap == 0)
            let o = try #require(r.pairs.first { $0.set == set && $0.reference == "pilot" && $0.model == "other" && $0.subset == "all ticks" })
            // the pair table: the pilot's model against the other gives what the pilot's costs give
            var pair = try #require(r.pairs.first { $0.set == set && $0.reference == "GtS" && $0.model == "other" && $0.subset == "all ticks" })
            pair.reference = "pilot"
            #expect(pair == o)
            #expect(o.spearman < 1 && o.spearman >= -1 && o.topKOverlap < 1 && o.topKOverlap >= 0 && o.top1 >= 0 && o.top1 <= 1)
            #expect(o.eliteFirstActionGap > 0 && o.eliteFirstActionGap <= 2 * Double(c.env.maxYawRate))
        }
        #expect(r.pairs.first { $0.set == "first iteration" }?.candidates == 16)
        // calibration: probabilities and rates in [0, 1], the same outcomes for every model
        #expect(r.calibration.count == 2 && r.calibration[0].observedAtHorizon == r.calibration[1].observedAtHorizon)
        for cal in r.calibration {
            #expect(cal.ticks > 0 && cal.stepsObserved >= cal.ticks)
            for x in [cal.predictedAtHorizon, cal.observedAtHorizon, cal.brierAtHorizon, cal.predictedPerStep, cal.observedPerStep] {
                #expect(x >= 0 && x <= 1)
            }
        }
        #expect(r.calibration[0].predictedAtHorizon != r.calibration[1].predictedAtHorizon)
        #expect(GtSPlanAgreement.markdown(r, command: "test").contains("| other |"))
    }
}
