import Diagnostics
import Dispatch
import Foundation
import Geometry
import Models
import Planning
import Runtime

/// Do the models of the GtS experiment rank the planner's candidates alike? (docs/gts.md,
/// "Plan agreement"; `swiftlet experiment gts --plan-agreement --models DIR`.)
///
/// A pilot model (GtS) flies real-profile episodes with its learned MPC, exactly as
/// `LearnedPolicy` flies it. At every control tick the candidate yaw-rate sequences the CEM scored
/// at its first iteration (the uniform batch plus the shifted previous plan) and at its final
/// iteration, with the tick's observation, are kept; afterwards every model scores the same
/// candidates on the same observation with the planner's cost (`CollisionCost`: mean collision
/// probability over the horizon + the yaw penalty). Per model and candidate set, against the
/// pilot's own costs: Spearman rank correlation, top-1 agreement, top-k overlap (k = the CEM's
/// elites), and the first yaw rate of the plan each model would pick from the set (the mean of
/// its k best candidates, what the CEM fits, and its single best candidate). Calibration: every
/// model's predicted P(collided by step h) for the sequence actually flown after the tick against
/// what happened (masked where the episode ended without a collision before step h).
public enum GtSPlanAgreement {
    /// One candidate set of one tick: `count` sequences `[count][horizon]` (yaw rate, rad/s) and
    /// the pilot's costs as the planner computed them.
    struct CandidateSet {
        var actions: [Float]
        var costs: [Float]
        var count: Int
    }

    /// One control tick of the pilot, kept for scoring after the episode.
    struct Tick {
        var input: [Float]
        var sets: [CandidateSet]
    }

    /// Agreement of one model with the pilot on one tick's candidate set.
    public struct TickAgreement: Sendable, Equatable {
        /// Spearman rank correlation of the two cost vectors (average ranks for ties).
        public var spearman: Double
        /// Both pick the same lowest-cost candidate.
        public var top1: Bool
        /// |top-k(pilot) ∩ top-k(model)| / k.
        public var topKOverlap: Double
        /// |mean first yaw rate of the pilot's k best - the model's k best|, rad/s.
        public var eliteFirstActionGap: Double
        /// |first yaw rate of the pilot's best - the model's best|, rad/s.
        public var bestFirstActionGap: Double
    }

    /// Means over every tick of one (model, candidate set).
    public struct PairSummary: Sendable, Equatable {
        /// "pilot" (the planner's own costs) or a model's name.
        public var reference: String
        public var model: String
        public var set: String
        /// Which ticks (`subsetNames`).
        public var subset: String
        public var ticks: Int
        public var candidates: Int
        public var spearman: Double
        public var top1: Double
        public var topKOverlap: Double
        public var eliteFirstActionGap: Double
        public var bestFirstActionGap: Double
    }

    /// One model's predictions for the flown sequences against the outcomes.
    public struct Calibration: Sendable, Equatable {
        public var model: String
        /// Ticks whose outcome at the end of the horizon is known (a collision within it, or the
        /// whole horizon flown).
        public var ticks: Int
        /// Mean predicted P(collided by step H) over those ticks.
        public var predictedAtHorizon: Double
        /// Fraction of those ticks with a collision within H steps.
        public var observedAtHorizon: Double
        /// Brier score of P(collided by step H) on those ticks.
        public var brierAtHorizon: Double
        /// Mean predicted P(collided by step h) over every observed (tick, h).
        public var predictedPerStep: Double
        /// Fraction of those (tick, h) collided by step h.
        public var observedPerStep: Double
        public var stepsObserved: Int
    }

    /// One tick's scores.
    public struct TickScores: Sendable, Equatable {
        /// Standard deviation of the pilot's costs over the first-iteration candidates (how much
        /// the choice matters to the pilot at this tick).
        public var pilotSpread: Double
        /// A collision followed within the horizon (the tick is one of the last H before it).
        public var collisionAhead: Bool
        /// `[set][model]`: each model against the pilot's costs.
        public var vsPilot: [[TickAgreement]]
        /// `[set][pair]`: model `a` against model `b` for every a < b (`Result.modelPairs` order).
        public var pairs: [[TickAgreement]]
    }

    /// Two models by index into `Result.models`.
    public struct ModelPair: Sendable, Equatable {
        public var a: Int
        public var b: Int
    }

    /// One pilot episode.
    public struct Episode: Sendable, Equatable {
        public var world: Int
        public var episode: Int
        public var seed: UInt64
        public var distance: Double
        public var collided: Bool
        public var ticks: Int
    }

    public struct Result: Sendable {
        public var pilot: String
        public var models: [String]
        public var sets: [String]
        public var elites: Int
        public var horizon: Int
        public var episodes: [Episode]
        /// Every model against the pilot, and every model pair, per set and subset.
        public var pairs: [PairSummary]
        public var modelPairs: [ModelPair]
        /// Pilot cost spread above which a tick is "contested" (the 75th percentile over all ticks).
        public var contestedThreshold: Double
        public var calibration: [Calibration]
        /// `[episode][tick]`.
        public var perTick: [[TickScores]]
        public var seconds: Double
    }

    public static let setNames = ["first iteration", "final iteration"]
    /// Tick subsets summarised: every tick, the quarter with the largest pilot cost spread, the
    /// ticks followed by a collision within the horizon.
    public static let subsetNames = ["all ticks", "contested (top quarter of pilot cost spread)", "collision ahead (within the horizon)"]

    /// Flies `pilot` for `episodesPerWorld` episodes (0..<n of `evaluation`'s draws) in each of
    /// `envModels` (one per world) and scores every tick's candidates with every one of `models`.
    public static func run(pilot: (name: String, predictor: CollisionPredictor), models: [(name: String, predictor: CollisionPredictor)],
                           settings: LearnedPolicySettings, evaluation: EvaluationSettings, envModels: [EnvModel],
                           progress: Diagnostics.Progress? = nil) throws -> Result {
        guard settings.planner == .cem else { throw InputError("plan agreement", "the pilot's planner is \(settings.planner.rawValue), not cem") }
        precondition(envModels.count == evaluation.worlds.count && evaluation.episodes > 0 && !models.isEmpty)
        let t0 = Diagnostics.Progress.monotonicSeconds()
        let k = settings.cem.elites
        let horizon = pilot.predictor.config.horizon
        // one work item per episode, two at a time (fixed items: the same result for any thread count)
        let items = (0..<envModels.count).flatMap { w in (0..<evaluation.episodes).map { (w, $0) } }
        let slots = FixedPartition.map(count: items.count, threads: evaluation.threads) { i in
            let (w, e) = items[i]
            defer { progress?.advance(by: 1) }
            return scoreEpisode(pilot: pilot.predictor, models: models.map(\.predictor), settings: settings,
                                model: envModels[w], world: w, episode: e, seed: evaluation.episodeSeed(world: w, episode: e))
        }
        var episodes: [Episode] = []
        var perTick: [[TickScores]] = []
        var sums = [CalibrationSums](repeating: CalibrationSums(), count: models.count)
        for s in slots {
            episodes.append(s.episode)
            perTick.append(s.ticks)
            for mi in 0..<models.count { sums[mi].add(s.calibration[mi]) }
        }
        progress?.finish()
        let all = perTick.flatMap { $0 }
        let spreads = all.map(\.pilotSpread).sorted()
        let threshold = spreads.isEmpty ? 0 : spreads[min(spreads.count - 1, (3 * spreads.count) / 4)]
        let subsets: [[TickScores]] = [all, all.filter { $0.pilotSpread >= threshold }, all.filter(\.collisionAhead)]
        let modelPairs = pairList(models.count)
        func summary(_ xs: [TickAgreement], reference: String, model: String, set si: Int, subset: Int) -> PairSummary {
            let n = Double(max(xs.count, 1))
            return PairSummary(reference: reference, model: model, set: setNames[si], subset: subsetNames[subset], ticks: xs.count,
                               candidates: si == 0 ? settings.cem.initialSamples : settings.cem.samples,
                               spearman: xs.reduce(0) { $0 + $1.spearman } / n,
                               top1: Double(xs.filter(\.top1).count) / n,
                               topKOverlap: xs.reduce(0) { $0 + $1.topKOverlap } / n,
                               eliteFirstActionGap: xs.reduce(0) { $0 + $1.eliteFirstActionGap } / n,
                               bestFirstActionGap: xs.reduce(0) { $0 + $1.bestFirstActionGap } / n)
        }
        var pairs: [PairSummary] = []
        for si in 0..<setNames.count {
            for (ui, ticks) in subsets.enumerated() {
                for (mi, m) in models.enumerated() {
                    pairs.append(summary(ticks.map { $0.vsPilot[si][mi] }, reference: "pilot", model: m.name, set: si, subset: ui))
                }
                for (pi, p) in modelPairs.enumerated() {
                    pairs.append(summary(ticks.map { $0.pairs[si][pi] }, reference: models[p.a].name, model: models[p.b].name, set: si, subset: ui))
                }
            }
        }
        let calibration = models.enumerated().map { mi, m in
            let c = sums[mi]
            let nt = Double(max(c.ticks, 1)), ns = Double(max(c.steps, 1))
            return Calibration(model: m.name, ticks: c.ticks, predictedAtHorizon: c.predH / nt, observedAtHorizon: c.obsH / nt,
                               brierAtHorizon: c.brier / nt, predictedPerStep: c.predS / ns, observedPerStep: c.obsS / ns,
                               stepsObserved: c.steps)
        }
        return Result(pilot: pilot.name, models: models.map(\.name), sets: setNames, elites: k, horizon: horizon, episodes: episodes,
                      pairs: pairs, modelPairs: modelPairs, contestedThreshold: threshold, calibration: calibration, perTick: perTick,
                      seconds: Diagnostics.Progress.monotonicSeconds() - t0)
    }

    /// Calibration sums of one model.
    struct CalibrationSums: Sendable {
        var ticks = 0, steps = 0
        var predH = 0.0, obsH = 0.0, brier = 0.0, predS = 0.0, obsS = 0.0

        mutating func add(_ o: CalibrationSums) {
            ticks += o.ticks; steps += o.steps
            predH += o.predH; obsH += o.obsH; brier += o.brier; predS += o.predS; obsS += o.obsS
        }
    }

    /// One pilot episode scored by every model.
    struct EpisodeScores: Sendable {
        var episode: Episode
        var ticks: [TickScores]
        var calibration: [CalibrationSums]
    }

    /// Flies one pilot episode, then scores each tick's candidate sets and the flown sequence with
    /// every model.
    static func scoreEpisode(pilot: CollisionPredictor, models: [CollisionPredictor], settings: LearnedPolicySettings, model: EnvModel,
                             world: Int, episode e: Int, seed: UInt64) -> EpisodeScores {
        let horizon = pilot.config.horizon, k = settings.cem.elites
        var none: [(tick: Int, state: EnvState)] = []
        let (episode, ticks, executed) = fly(pilot, settings: settings, model: model, world: world, episode: e, seed: seed, kept: &none)
        var costs = models.map { CollisionCost($0, maxBatch: settings.maxBatch, yawWeight: settings.yawWeight,
                                               workers: settings.workers, blockRows: settings.blockRows) }
        var sums = [CalibrationSums](repeating: CalibrationSums(), count: models.count)
        var scores: [TickScores] = []
        let modelPairs = pairList(models.count)
        let last = ticks.count - 1
        for (t, tick) in ticks.enumerated() {
            // the flown sequence after tick t (padded past the end with the last plan)
            let flown = Array(executed[t ..< t + horizon])
            var perSet = [[TickAgreement]](repeating: [], count: tick.sets.count)
            var modelCosts = [[[Float]]](repeating: [], count: tick.sets.count)
            // outcome: a collision ends the episode at the last tick's step (step last - t + 1 after tick t)
            let stepsFlown = last - t + 1
            let toCollision = episode.collided ? stepsFlown : Int.max
            for mi in 0..<models.count {
                tick.input.withUnsafeBufferPointer { costs[mi].setObservation($0) }
                for (si, set) in tick.sets.enumerated() {
                    let c = score(&costs[mi], set.actions, count: set.count, horizon: horizon)
                    perSet[si].append(agreement(pilot: set.costs, model: c, actions: set.actions, horizon: horizon, k: k))
                    modelCosts[si].append(c)
                }
                _ = score(&costs[mi], flown, count: 1, horizon: horizon)
                let p = Array(costs[mi].lastProbabilities.prefix(horizon))
                // P(collided by step h) where the outcome is known: step h was flown, or the collision came by then
                for h in 1...horizon where h <= stepsFlown || toCollision <= h {
                    sums[mi].predS += Double(p[h - 1])
                    sums[mi].obsS += toCollision <= h ? 1 : 0
                    sums[mi].steps += 1
                }
                if stepsFlown >= horizon || toCollision <= horizon {
                    let y = toCollision <= horizon ? 1.0 : 0.0
                    sums[mi].predH += Double(p[horizon - 1])
                    sums[mi].obsH += y
                    sums[mi].brier += (Double(p[horizon - 1]) - y) * (Double(p[horizon - 1]) - y)
                    sums[mi].ticks += 1
                }
            }
            let pairs = tick.sets.indices.map { si in
                modelPairs.map { agreement(pilot: modelCosts[si][$0.a], model: modelCosts[si][$0.b], actions: tick.sets[si].actions,
                                           horizon: horizon, k: k) }
            }
            scores.append(TickScores(pilotSpread: standardDeviation(tick.sets[0].costs), collisionAhead: toCollision <= horizon,
                                     vsPilot: perSet, pairs: pairs))
        }
        return EpisodeScores(episode: episode, ticks: scores, calibration: sums)
    }

    /// One episode flown by the pilot exactly as `LearnedPolicy.act` flies it (same planner,
    /// RNG stream and warm start), keeping each tick's input and the CEM's first and final
    /// candidate sets. `executed` holds the yaw rates flown, then the last plan's remaining steps
    /// (so every tick has a full horizon of actions after it).
    /// With `keepEvery` > 0, `kept` receives the env state before every `keepEvery`-th tick
    /// (ticks 0, n, 2n, ...), for the ground-truth rollouts (`GtSPlanTruth`).
    static func fly(_ predictor: CollisionPredictor, settings: LearnedPolicySettings, model: EnvModel, world: Int, episode: Int,
                    seed: UInt64, keepEvery: Int = 0, kept: inout [(tick: Int, state: EnvState)]) -> (Episode, [Tick], [Float]) {
        var env = Env(model: model)
        env.reset(seed: seed)
        var policy = LearnedPolicy(predictor: predictor, settings: settings, name: "pilot")
        policy.reset(seed: RNG.mix(seed, 0x504F))
        let c = predictor.config
        let m = Float(model.settings.maxYawRate)
        var planner = CEMPlanner(space: ActionSpace(horizon: c.horizon, lower: [-m], upper: [m]), settings: settings.cem)
        var cost = RecordingCost(base: CollisionCost(predictor, maxBatch: settings.maxBatch, yawWeight: settings.yawWeight,
                                                     workers: settings.workers, blockRows: settings.blockRows))
        var ticks: [Tick] = []
        var executed: [Float] = []
        var collided = false
        while true {
            if keepEvery > 0 && ticks.count % keepEvery == 0 { kept.append((ticks.count, env.state)) }
            policy.fillInput(env.state.observation, settings: model.settings)
            cost.calls.removeAll(keepingCapacity: true)
            policy.input.withUnsafeBufferPointer { cost.base.setObservation($0) }
            planner.plan(&cost, rng: &policy.rng)
            let a = planner.nominal[0]
            let plan = planner.nominal
            if settings.warmStart { planner.shift(by: 1) }
            ticks.append(Tick(input: policy.input, sets: [cost.calls[0], cost.calls[cost.calls.count - 1]]))
            executed.append(a)
            let r = env.step(.yawRate(Double(a)))
            if r.done {
                collided = r.terminated
                executed.append(contentsOf: plan.dropFirst())
                break
            }
        }
        return (Episode(world: world, episode: episode, seed: seed, distance: env.state.distance, collided: collided, ticks: ticks.count),
                ticks, executed)
    }

    /// The planner's cost of `count` sequences under `cost`'s current observation.
    static func score(_ cost: inout CollisionCost, _ actions: [Float], count: Int, horizon: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        actions.withUnsafeBufferPointer { a in
            out.withUnsafeMutableBufferPointer { o in
                cost.cost(UnsafeBufferPointer(rebasing: a[0..<(count * horizon)]), count: count, horizon: horizon, actionDim: 1, into: o)
            }
        }
        return out
    }

    /// Agreement of two cost vectors over the same candidates (`actions` `[n][horizon]`, actionDim 1).
    public static func agreement(pilot a: [Float], model b: [Float], actions: [Float], horizon: Int, k: Int) -> TickAgreement {
        precondition(a.count == b.count && !a.isEmpty && actions.count >= a.count * horizon)
        let n = a.count, kk = min(k, n)
        let ta = ranking(a), tb = ranking(b)
        let sa = Set(ta.prefix(kk)), sb = Set(tb.prefix(kk))
        func eliteMean(_ order: [Int]) -> Double { order.prefix(kk).reduce(0) { $0 + Double(actions[$1 * horizon]) } / Double(kk) }
        return TickAgreement(spearman: spearman(a, b), top1: ta[0] == tb[0], topKOverlap: Double(sa.intersection(sb).count) / Double(kk),
                             eliteFirstActionGap: abs(eliteMean(ta) - eliteMean(tb)),
                             bestFirstActionGap: abs(Double(actions[ta[0] * horizon]) - Double(actions[tb[0] * horizon])))
    }

    /// Every pair a < b of `n` models, in order (0-1, 0-2, ..., 1-2, ...).
    static func pairList(_ n: Int) -> [ModelPair] {
        (0..<n).flatMap { a in ((a + 1)..<max(a + 1, n)).map { ModelPair(a: a, b: $0) } }
    }

    static func standardDeviation(_ x: [Float]) -> Double {
        let n = Double(x.count)
        let m = x.reduce(0.0) { $0 + Double($1) } / n
        return (x.reduce(0.0) { $0 + (Double($1) - m) * (Double($1) - m) } / n).squareRoot()
    }

    /// Candidate indices, lowest cost first (non-finite last; ties by index).
    static func ranking(_ c: [Float]) -> [Int] {
        let key = c.map { $0.isFinite ? $0 : .infinity }
        return (0..<c.count).sorted { key[$0] != key[$1] ? key[$0] < key[$1] : $0 < $1 }
    }

    /// Spearman rank correlation with average ranks for ties (0 when either side is constant).
    public static func spearman(_ a: [Float], _ b: [Float]) -> Double {
        let ra = averageRanks(a), rb = averageRanks(b)
        let n = Double(a.count)
        let ma = ra.reduce(0, +) / n, mb = rb.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in 0..<a.count {
            sab += (ra[i] - ma) * (rb[i] - mb)
            saa += (ra[i] - ma) * (ra[i] - ma)
            sbb += (rb[i] - mb) * (rb[i] - mb)
        }
        return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : 0
    }

    static func averageRanks(_ c: [Float]) -> [Double] {
        let order = ranking(c)
        let key = c.map { $0.isFinite ? $0 : .infinity }
        var ranks = [Double](repeating: 0, count: c.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && key[order[j + 1]] == key[order[i]] { j += 1 }
            let r = Double(i + j) / 2
            for q in i...j { ranks[order[q]] = r }
            i = j + 1
        }
        return ranks
    }

    /// A cost that keeps a copy of every batch it scores (candidates and costs).
    struct RecordingCost: SequenceCost {
        var base: CollisionCost
        var calls: [CandidateSet] = []

        mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                           into costs: UnsafeMutableBufferPointer<Float>) {
            base.cost(actions, count: count, horizon: horizon, actionDim: actionDim, into: costs)
            calls.append(CandidateSet(actions: Array(actions.prefix(count * horizon * actionDim)),
                                      costs: Array(costs.prefix(count)), count: count))
        }
    }
}
