import Diagnostics
import Dispatch
import Foundation
import Geometry
import Models
import Planning
import Runtime

/// Whose ranking of the planner's candidates is right? (docs/gts.md, "Plan ground truth";
/// `swiftlet experiment gts --plan-agreement --ground-truth --models DIR`.)
///
/// The pilot (GtS) flies real-profile episodes exactly as in `GtSPlanAgreement`. At every
/// `every`-th tick the env state is copied before the tick, and each of the CEM's first-iteration
/// candidates (yaw-rate sequences, `horizon` steps) is flown from that copy in the same env (the
/// real profile's dynamics, this episode's perturbations, wind and RNG state as they are at the
/// tick; privileged, nothing learned): its true label is a collision (contact or tilt) within the
/// horizon. Every model scores the same candidates on the tick's observation with the planner's
/// cost (mean collision probability over the horizon + the yaw penalty, the quantity the CEM
/// ranks by). Per model and tick: ROC AUC of the cost against the labels (ticks with both
/// outcomes), whether its lowest-cost candidate truly collides, and whether the candidate nearest
/// its elite mean (the mean of its k best sequences, what the CEM fits) does.
public enum GtSPlanTruth {
    /// One model on one tick.
    public struct ModelTick: Sendable, Equatable {
        /// ROC AUC of the model's cost against the true collisions; nil when every candidate
        /// collides or none does.
        public var auc: Double?
        /// The model's lowest-cost candidate truly collides within the horizon.
        public var bestCollided: Bool
        /// The candidate nearest (Euclidean over the horizon) the mean of the model's k best truly collides.
        public var eliteCollided: Bool
        /// ROC AUC of the cost the model gives the same candidates with a blank image (every
        /// input value set to the tick's mean input: a flat image of the same brightness), i.e.
        /// of its action-only prior; nil where `auc` is nil.
        public var blankAUC: Double? = nil
        /// Squared Pearson correlation, over the candidates, of the model's cost with the real
        /// image and with the blank image: the share of the cost's variance across candidates
        /// that the actions alone (the blank-image cost) account for linearly; nil when either
        /// cost is constant.
        public var actionShare: Double? = nil
    }

    /// One sampled tick.
    public struct TickTruth: Sendable, Equatable {
        public var tick: Int
        public var candidates: Int
        /// Candidates that truly collide within the horizon.
        public var collided: Int
        /// Per model, `Result.models` order.
        public var models: [ModelTick]
    }

    /// Means over every sampled tick of one model.
    public struct ModelSummary: Sendable, Equatable {
        public var model: String
        public var ticks: Int
        /// Ticks with both outcomes among the candidates (where AUC is defined).
        public var aucTicks: Int
        public var auc: Double
        /// True collision rate of the model's best candidate (all sampled ticks, and the mixed ticks).
        public var bestCollisionRate: Double
        public var bestCollisionRateMixed: Double
        /// True collision rate of the candidate nearest the model's elite mean.
        public var eliteCollisionRate: Double
        public var eliteCollisionRateMixed: Double
        /// Mean `blankAUC` over the mixed ticks, mean `actionShare` over the ticks where it is defined.
        public var blankAUC: Double = 0
        public var actionShare: Double = 0
    }

    public struct Result: Sendable {
        public var pilot: String
        public var models: [String]
        public var every: Int
        public var horizon: Int
        public var elites: Int
        public var episodes: [GtSPlanAgreement.Episode]
        /// `[episode][sampled tick]`.
        public var perTick: [[TickTruth]]
        public var summaries: [ModelSummary]
        /// Fraction of all candidates that truly collide, and of sampled ticks where some do but not all.
        public var candidateCollisionRate: Double
        public var mixedTickFraction: Double
        /// Ground-truth rollouts flown (candidates x sampled ticks) and env steps they took.
        public var rollouts: Int
        public var rolloutSteps: Int
        public var seconds: Double
        /// Which worlds the pilot flew, for the report ("held-out" or "training").
        public var worldSet = "held-out"
    }

    /// What one candidate did when flown from a tick's state.
    public struct Outcome: Sendable, Equatable {
        /// Control step (1-based) of the collision within the actions, nil if none.
        public var collisionStep: Int?
        /// Control steps flown (fewer than the actions when the episode ended).
        public var steps: Int
        /// Quadrotor position after every step flown (only when asked for).
        public var positions: [Vec3]
    }

    /// Flies `actions` (yaw rates, rad/s, one per control step) from a copy of `state` in `model`,
    /// exactly as `Env.step` would; stops at the episode's end (collision, tilt or a limit).
    public static func rollout(_ model: EnvModel, from state: EnvState, actions: UnsafeBufferPointer<Float>, recordPositions: Bool = false) -> Outcome {
        var env = Env(model: model)
        env.state = state
        var out = Outcome(collisionStep: nil, steps: 0, positions: [])
        for a in actions where !env.state.done {
            let r = env.step(.yawRate(Double(a)))
            out.steps += 1
            if recordPositions { out.positions.append(env.state.quadrotor.position) }
            if r.terminated { out.collisionStep = out.steps }
        }
        return out
    }

    /// ROC AUC of `scores` (higher = more likely to collide) against `labels` (true = collided):
    /// P(a random positive scores above a random negative), ties counting half. Nil without both
    /// classes.
    public static func auc(scores: [Float], labels: [Bool]) -> Double? {
        precondition(scores.count == labels.count)
        let pos = labels.filter { $0 }.count, neg = labels.count - pos
        guard pos > 0 && neg > 0 else { return nil }
        // Mann-Whitney U from average ranks (0-based ascending)
        let ranks = GtSPlanAgreement.averageRanks(scores)
        var sum = 0.0
        for i in 0..<labels.count where labels[i] { sum += ranks[i] + 1 }
        return (sum - Double(pos) * Double(pos + 1) / 2) / (Double(pos) * Double(neg))
    }

    /// Squared Pearson correlation of `a` and `b`; nil when either is constant.
    public static func squaredCorrelation(_ a: [Float], _ b: [Float]) -> Double? {
        precondition(a.count == b.count)
        let n = Double(a.count)
        let ma = a.reduce(0.0) { $0 + Double($1) } / n, mb = b.reduce(0.0) { $0 + Double($1) } / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            let x = Double(a[i]) - ma, y = Double(b[i]) - mb
            sab += x * y; saa += x * x; sbb += y * y
        }
        guard saa > 0 && sbb > 0 else { return nil }
        return sab * sab / (saa * sbb)
    }

    /// Index of the candidate nearest (squared Euclidean over `[horizon]`) the mean of the `k`
    /// lowest-cost candidates.
    static func eliteNearest(costs: [Float], actions: [Float], horizon: Int, k: Int) -> Int {
        let order = GtSPlanAgreement.ranking(costs)
        let kk = min(k, costs.count)
        var mean = [Double](repeating: 0, count: horizon)
        for i in order.prefix(kk) { for h in 0..<horizon { mean[h] += Double(actions[i * horizon + h]) / Double(kk) } }
        var best = 0, bestD = Double.infinity
        for i in 0..<costs.count {
            var d = 0.0
            for h in 0..<horizon { let x = Double(actions[i * horizon + h]) - mean[h]; d += x * x }
            if d < bestD { best = i; bestD = d }
        }
        return best
    }

    /// Flies `pilot` for `evaluation.episodes` episodes in each of `envModels` and, every `every`
    /// ticks, labels the first-iteration candidates by flying them and scores them with every model.
    public static func run(pilot: (name: String, predictor: CollisionPredictor), models: [(name: String, predictor: CollisionPredictor)],
                           settings: LearnedPolicySettings, evaluation: EvaluationSettings, envModels: [EnvModel], every: Int,
                           progress: Diagnostics.Progress? = nil) throws -> Result {
        guard settings.planner == .cem else { throw InputError("plan ground truth", "the pilot's planner is \(settings.planner.rawValue), not cem") }
        guard every > 0 else { throw InputError("--truth-every", "\(every) must be at least 1") }
        precondition(envModels.count == evaluation.worlds.count && evaluation.episodes > 0 && !models.isEmpty)
        let t0 = Diagnostics.Progress.monotonicSeconds()
        // one work item per episode (fixed partition: the same result for any thread count)
        let items = (0..<envModels.count).flatMap { w in (0..<evaluation.episodes).map { (w, $0) } }
        let slots = FixedPartition.map(count: items.count, threads: evaluation.threads) { i in
            let (w, e) = items[i]
            defer { progress?.advance(by: 1) }
            return episode(pilot: pilot.predictor, models: models.map(\.predictor), settings: settings, model: envModels[w],
                           world: w, episode: e, seed: evaluation.episodeSeed(world: w, episode: e), every: every)
        }
        progress?.finish()
        let episodes = slots.map(\.0), perTick = slots.map(\.1)
        let all = perTick.flatMap { $0 }
        let mixed = all.filter { $0.collided > 0 && $0.collided < $0.candidates }
        func rate(_ xs: [TickTruth], _ mi: Int, _ f: (ModelTick) -> Bool) -> Double {
            Double(xs.filter { f($0.models[mi]) }.count) / Double(max(xs.count, 1))
        }
        func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(max(xs.count, 1)) }
        let summaries = models.indices.map { mi in
            let aucs = all.compactMap { $0.models[mi].auc }
            return ModelSummary(model: models[mi].name, ticks: all.count, aucTicks: aucs.count,
                                auc: mean(aucs),
                                bestCollisionRate: rate(all, mi, \.bestCollided), bestCollisionRateMixed: rate(mixed, mi, \.bestCollided),
                                eliteCollisionRate: rate(all, mi, \.eliteCollided), eliteCollisionRateMixed: rate(mixed, mi, \.eliteCollided),
                                blankAUC: mean(all.compactMap { $0.models[mi].blankAUC }),
                                actionShare: mean(all.compactMap { $0.models[mi].actionShare }))
        }
        let candidates = all.reduce(0) { $0 + $1.candidates }
        return Result(pilot: pilot.name, models: models.map(\.name), every: every, horizon: pilot.predictor.config.horizon,
                      elites: settings.cem.elites, episodes: episodes, perTick: perTick, summaries: summaries,
                      candidateCollisionRate: Double(all.reduce(0) { $0 + $1.collided }) / Double(max(candidates, 1)),
                      mixedTickFraction: Double(mixed.count) / Double(max(all.count, 1)),
                      rollouts: candidates, rolloutSteps: slots.reduce(0) { $0 + $1.2 },
                      seconds: Diagnostics.Progress.monotonicSeconds() - t0)
    }

    /// One pilot episode: its sampled ticks labelled and scored. Returns the env steps the rollouts took.
    static func episode(pilot: CollisionPredictor, models: [CollisionPredictor], settings: LearnedPolicySettings, model: EnvModel,
                        world: Int, episode e: Int, seed: UInt64, every: Int) -> (GtSPlanAgreement.Episode, [TickTruth], Int) {
        let horizon = pilot.config.horizon, k = settings.cem.elites
        var kept: [(tick: Int, state: EnvState)] = []
        let (ep, ticks, _) = GtSPlanAgreement.fly(pilot, settings: settings, model: model, world: world, episode: e, seed: seed,
                                                  keepEvery: every, kept: &kept)
        var costs = models.map { CollisionCost($0, maxBatch: settings.maxBatch, yawWeight: settings.yawWeight,
                                               workers: settings.workers, blockRows: settings.blockRows) }
        var out: [TickTruth] = []
        var steps = 0
        for (t, state) in kept {
            let set = ticks[t].sets[0]
            var labels = [Bool](repeating: false, count: set.count)
            set.actions.withUnsafeBufferPointer { a in
                for i in 0..<set.count {
                    let o = rollout(model, from: state, actions: UnsafeBufferPointer(rebasing: a[(i * horizon)..<((i + 1) * horizon)]))
                    labels[i] = o.collisionStep != nil
                    steps += o.steps
                }
            }
            var perModel: [ModelTick] = []
            // the blank image: every input value at the tick's mean
            let input = ticks[t].input
            let blank = [Float](repeating: input.reduce(0, +) / Float(max(input.count, 1)), count: input.count)
            for mi in 0..<models.count {
                input.withUnsafeBufferPointer { costs[mi].setObservation($0) }
                let c = GtSPlanAgreement.score(&costs[mi], set.actions, count: set.count, horizon: horizon)
                let best = GtSPlanAgreement.ranking(c)[0]
                let near = eliteNearest(costs: c, actions: set.actions, horizon: horizon, k: k)
                var m = ModelTick(auc: auc(scores: c, labels: labels), bestCollided: labels[best], eliteCollided: labels[near])
                blank.withUnsafeBufferPointer { costs[mi].setObservation($0) }
                let b = GtSPlanAgreement.score(&costs[mi], set.actions, count: set.count, horizon: horizon)
                if m.auc != nil { m.blankAUC = auc(scores: b, labels: labels) }
                m.actionShare = squaredCorrelation(c, b)
                perModel.append(m)
            }
            out.append(TickTruth(tick: t, candidates: set.count, collided: labels.filter { $0 }.count, models: perModel))
        }
        return (ep, out, steps)
    }
}
