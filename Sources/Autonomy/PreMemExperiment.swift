import Diagnostics
import Foundation
import Geometry
import Models
import Neural

/// `swiftlet experiment premem` (METHODS.md 6, docs/premem.md): (a) premem vs test accuracy over
/// a grid of training configurations, (b) curation near low-premem examples vs i.i.d.
/// collection, (c) low premem as a detector of fragile starts.
public enum PreMemExperiment {
    /// One training run scored at every checkpoint.
    public struct Run: Sendable {
        public var config: PreMemSettings.Config
        public var checkpointEpochs: [Int]
        /// Per-example premem, final accuracy and first memorised checkpoint (nil: never).
        public var premem: [Double]
        public var finalAccuracy: [Double]
        public var memorizedAt: [Int?]
        /// Mean train accuracy and mean train loss (nats per token) at each checkpoint.
        public var trainAccuracy: [Double]
        public var trainLoss: [Double]
        public var testAccuracy: Double
        public var parameters: Parameters

        public var datasetPremem: Double { Statistics.mean(premem) }
        public var finalTrainAccuracy: Double { trainAccuracy.last ?? 0 }
        public var finalTrainLoss: Double { trainLoss.last ?? 0 }
        public var memorizedFraction: Double { Double(memorizedAt.filter { $0 != nil }.count) / Double(max(memorizedAt.count, 1)) }
    }

    /// A predictor's linear fit to test accuracy over the grid with a bootstrap CI of R^2.
    public struct Fit: Sendable {
        public var predictor: String
        public var fit: LinearFit?
        public var rSquared: ConfidenceInterval
    }

    public struct CurationPoint: Sendable {
        public var added: Int
        /// Test accuracy per training seed.
        public var iid: [Double]
        public var curated: [Double]
    }

    public struct Curation: Sendable {
        public var base: Run
        public var lowIndices: [Int]
        /// Point 0 is the base (0 added).
        public var points: [CurationPoint]
        /// i.i.d. success at the largest added size (`added`); added data each arm needs to reach
        /// it (linear interpolation between sizes, from 0 = the base; nil = never within the sizes run).
        public var target: Double
        public var added: Int
        public var curatedNeeded: Double?
        public var iidNeeded: Double?
        /// Curated data needed / i.i.d.'s final added data (the METHODS.md 6 reading).
        public var ratio: Double? { curatedNeeded.map { $0 / Double(max(added, 1)) } }
        /// Whether i.i.d. collection improved on the base at all (otherwise the ratio is void).
        public var iidImproved: Bool { target > (points.first.map { Statistics.mean($0.iid) } ?? 0) }
    }

    public struct Robustness: Sendable {
        /// Per base example (those with at least one solvable perturbed start).
        public var example: [Int]
        public var premem: [Double]
        public var finalAccuracy: [Double]
        public var perturbedSuccess: [Double]
        public var fragile: [Bool]
        /// AUROC of (1 - premem) and of (1 - final train accuracy) for fragile; nil with one class.
        public var auroc: Double?
        public var aurocCI: ConfidenceInterval?
        public var aurocFinalAccuracy: Double?
    }

    public struct Check: Sendable {
        public var name: String
        public var value: Double
        public var threshold: String
        public var met: Bool
    }

    public struct Result: Sendable {
        public var settings: PreMemSettings
        public var poolSize: Int
        public var testSize: Int
        /// Queries drawn (including those the demonstration planner could not solve or that had no room).
        public var poolAttempts: Int
        public var testAttempts: Int
        public var runs: [Run]
        public var fits: [Fit]
        public var curation: Curation?
        public var robustness: Robustness?
        public var checks: [Check]
    }

    /// Progress units: one per training run.
    public static func workUnits(_ s: PreMemSettings) -> Int {
        var n = 0
        if s.parts.contains("a") { n += s.grid.count }
        if s.parts.contains("b") || s.parts.contains("c") { n += 1 }
        if s.parts.contains("b") { n += 2 * s.curationAdded.count * s.curationSeeds }
        return n
    }

    /// Trains `config` on `examples` (initialisation and minibatch order from `seed`) and scores
    /// every checkpoint (samples from a separate stream), then the held-out `test` queries.
    public static func trainAndScore(task: PreMemTask, settings s: PreMemSettings, examples: ArraySlice<PreMemExample>,
                                     config: PreMemSettings.Config, test: [PreMemExample], seed: UInt64) -> Run {
        let ex = Array(examples)
        let policy = PreMemSequencePolicy(queryDim: task.queryDim, tokens: task.vocabulary.count, steps: task.settings.steps,
                                          width: config.width, tokenTurn: task.tokenTurn)
        var ts = PreMemTrainer.Settings()
        ts.width = config.width
        ts.learningRate = config.learningRate
        ts.epochs = config.epochs
        ts.batchSize = s.batchSize
        ts.checkpointEvery = max(1, config.epochs / s.checkpoints)
        let trainer = PreMemTrainer(policy: policy, settings: ts)
        var trainRng = RNG(seed: seed, stream: 0x7072_656d)
        var evalRng = RNG(seed: seed, stream: 0x6576_616c)
        let queries = ex.map(\.query), feats = ex.map(\.features), targets = ex.map(\.tokens)
        var acc: [[Double]] = [], ppl: [[Double]] = [], loss: [Double] = []
        let params = trainer.train(queries: feats, targets: targets, rng: &trainRng) { _, p, f in
            let nll = policy.targetNLL(p, features: f, targets: targets)
            let steps = Double(policy.steps)
            ppl.append(nll.map { exp($0 / steps) })
            loss.append(Statistics.mean(nll) / steps)
            acc.append(task.accuracy(policy: policy, parameters: p, queries: queries, features: feats, samples: s.samples,
                                     temperature: s.temperature, rng: &evalRng))
        }
        let premem = PreMemScore.examples(accuracy: acc, perplexity: ppl, threshold: s.memorizationPerplexity)
        let memo = ex.indices.map { j in PreMemScore.memorizedAt(perplexity: ppl.map { $0[j] }, threshold: s.memorizationPerplexity) }
        let testAcc = task.accuracy(policy: policy, parameters: params, queries: test.map(\.query), features: test.map(\.features),
                                    samples: s.samples, temperature: s.temperature, rng: &evalRng)
        return Run(config: config, checkpointEpochs: trainer.checkpointEpochs, premem: premem, finalAccuracy: acc.last ?? [],
                   memorizedAt: memo, trainAccuracy: acc.map { Statistics.mean($0) }, trainLoss: loss,
                   testAccuracy: Statistics.mean(testAcc), parameters: params)
    }

    /// R^2 of the linear fit of y on x (0 when x is constant), with a bootstrap CI over the points.
    public static func fit(_ name: String, x: [Double], y: [Double], resamples: Int, rng: inout RNG) -> Fit {
        func r2(_ idx: [Int]) -> Double {
            let xs = idx.map { x[$0] }, ys = idx.map { y[$0] }
            guard xs.count >= 2, Set(xs).count >= 2 else { return 0 }
            return Statistics.linearRegression(xs, ys).rSquared
        }
        let all = Array(x.indices)
        let f = Set(x).count >= 2 && x.count >= 2 ? Statistics.linearRegression(x, y) : nil
        let ci = Statistics.bootstrapInterval(all.map(Double.init), resamples: resamples, rng: &rng) { r2($0.map { Int($0) }) }
        return Fit(predictor: name, fit: f, rSquared: ConfidenceInterval(estimate: r2(all), lower: ci.lower, upper: ci.upper, level: ci.level))
    }

    /// Added data at which `curve` (sizes ascending, starting at 0) first reaches `target`,
    /// interpolating linearly between sizes; nil if it never does.
    public static func dataNeeded(sizes: [Double], values: [Double], target: Double) -> Double? {
        for i in sizes.indices where values[i] >= target {
            if i == 0 { return sizes[0] }
            let (x0, y0, x1, y1) = (sizes[i - 1], values[i - 1], sizes[i], values[i])
            return y1 > y0 ? x0 + (x1 - x0) * (target - y0) / (y1 - y0) : x1
        }
        return nil
    }

    public static func run(_ s: PreMemSettings, progress: Diagnostics.Progress? = nil) throws -> Result {
        let task = try PreMemTask(settings: s.task)
        let doA = s.parts.contains("a"), doB = s.parts.contains("b"), doC = s.parts.contains("c")
        let poolSize = max(doA ? (s.gridExamples.max() ?? 0) : 0, (doB || doC) ? s.curationBase : 0)
        let train = task.trainWorldIndices
        let (pool, poolAttempts) = task.examplesCountingAttempts(count: poolSize, seed: RNG.mix(s.seed, 0x706f_6f6c)) { a, rng in
            task.drawQuery(world: train[a % train.count], rng: &rng)
        }
        let testWorlds = s.testOn == "trainingWorlds" ? task.trainWorldIndices : task.testWorldIndices
        let (test, testAttempts) = task.examplesCountingAttempts(count: s.testQueries, seed: RNG.mix(s.seed, 0x7465_7374)) { a, rng in
            task.drawQuery(world: testWorlds[a % testWorlds.count], rng: &rng)
        }
        guard pool.count == poolSize, test.count == s.testQueries else {
            throw InputError("premem settings", at: "$.task", "the demonstration planner solved only \(pool.count) of \(poolSize) training and \(test.count) of \(s.testQueries) test queries in 20 attempts each")
        }
        var stats = RNG(seed: s.seed, stream: 0x626f_6f74)

        // (a) the grid
        var runs: [Run] = []
        if doA {
            for (i, c) in s.grid.enumerated() {
                let r = trainAndScore(task: task, settings: s, examples: pool.prefix(c.examples), config: c, test: test,
                                      seed: RNG.mix(s.seed, UInt64(100 + i)))
                runs.append(r)
                progress?.advance(note: "\(c.name): premem \(Statistics.format(r.datasetPremem)), test \(Statistics.format(r.testAccuracy))")
            }
        }
        var fits: [Fit] = []
        if runs.count >= 3 {
            let y = runs.map(\.testAccuracy)
            fits.append(fit("premem", x: runs.map(\.datasetPremem), y: y, resamples: s.bootstrapResamples, rng: &stats))
            fits.append(fit("final train loss", x: runs.map(\.finalTrainLoss), y: y, resamples: s.bootstrapResamples, rng: &stats))
            fits.append(fit("final train accuracy", x: runs.map(\.finalTrainAccuracy), y: y, resamples: s.bootstrapResamples, rng: &stats))
        }

        // (b) curation and (c) robustness share the base run
        var curation: Curation?
        var robustness: Robustness?
        if doB || doC {
            let baseSeed = RNG.mix(s.seed, 0x6261_7365)
            let base = trainAndScore(task: task, settings: s, examples: pool.prefix(s.curationBase), config: s.curationConfig,
                                     test: test, seed: baseSeed)
            progress?.advance(note: "base \(s.curationConfig.name): premem \(Statistics.format(base.datasetPremem)), test \(Statistics.format(base.testAccuracy))")
            if doB { curation = curate(task: task, settings: s, pool: pool, base: base, test: test, baseSeed: baseSeed, progress: progress) }
            if doC { robustness = robust(task: task, settings: s, pool: pool, base: base, rng: &stats) }
        }

        var checks: [Check] = []
        if let p = fits.first {
            checks.append(Check(name: "R^2(premem -> test accuracy) over \(runs.count) configurations", value: p.rSquared.estimate,
                                threshold: ">= 0.9", met: p.rSquared.estimate >= 0.9))
            let best = fits.dropFirst().map(\.rSquared.estimate).max() ?? 0
            checks.append(Check(name: "R^2(premem) - best R^2(final train loss, final train accuracy)", value: p.rSquared.estimate - best,
                                threshold: "> 0", met: p.rSquared.estimate > best))
        }
        if let c = curation {
            checks.append(Check(name: "curated added data to reach i.i.d.'s final success / i.i.d.'s" + (c.iidImproved ? "" : " (void: i.i.d. did not beat the base)"),
                                value: c.ratio ?? .infinity, threshold: "<= 2/3", met: c.iidImproved && (c.ratio ?? .infinity) <= 2.0 / 3.0))
        }
        if let r = robustness {
            checks.append(Check(name: "AUROC(low premem -> fragile start)", value: r.auroc ?? .nan, threshold: ">= 0.7", met: (r.auroc ?? 0) >= 0.7))
        }
        return Result(settings: s, poolSize: pool.count, testSize: test.count, poolAttempts: poolAttempts, testAttempts: testAttempts, runs: runs, fits: fits,
                      curation: curation, robustness: robustness, checks: checks)
    }

    static func curate(task: PreMemTask, settings s: PreMemSettings, pool: [PreMemExample], base: Run, test: [PreMemExample],
                       baseSeed: UInt64, progress: Diagnostics.Progress?) -> Curation {
        let baseEx = Array(pool.prefix(s.curationBase))
        var order = baseEx.indices.sorted { (base.premem[$0], $0) < (base.premem[$1], $1) }
        if s.curationSelection == "random" {
            var pick = RNG(seed: s.seed, stream: 0x7261_6e64)
            order = Array(baseEx.indices)
            pick.shuffle(&order)
        }
        let low = Array(order.prefix(max(1, Int((s.curationLowFraction * Double(baseEx.count)).rounded(.up)))))
        let most = s.curationAdded.last ?? 0
        let curated = task.examples(count: most, seed: RNG.mix(s.seed, 0x6375_7261)) { a, rng in
            task.perturbed(baseEx[low[a % low.count]].query, positionStd: s.curationPositionStd, yawStd: s.curationYawStd, rng: &rng)
        }
        let iid = task.examples(worlds: task.trainWorldIndices, count: most, seed: RNG.mix(s.seed, 0x6969_6421))
        var points = [CurationPoint(added: 0, iid: [base.testAccuracy], curated: [base.testAccuracy])]
        for k in s.curationAdded {
            var p = CurationPoint(added: k, iid: [], curated: [])
            for seedIndex in 0..<s.curationSeeds {
                let seed = seedIndex == 0 ? baseSeed : RNG.mix(baseSeed, UInt64(seedIndex))
                var c = s.curationConfig
                c.examples = s.curationBase + k
                for (arm, extra) in [(0, iid), (1, curated)] {
                    let data = baseEx + extra.prefix(k)
                    let r = trainAndScore(task: task, settings: s, examples: data[...], config: c, test: test, seed: seed)
                    if arm == 0 { p.iid.append(r.testAccuracy) } else { p.curated.append(r.testAccuracy) }
                    progress?.advance(note: "+\(k) \(arm == 0 ? "iid" : "curated") seed \(seedIndex): test \(Statistics.format(r.testAccuracy))")
                }
            }
            points.append(p)
        }
        let sizes = points.map { Double($0.added) }
        let iidMean = points.map { Statistics.mean($0.iid) }, curMean = points.map { Statistics.mean($0.curated) }
        let target = iidMean.last ?? 0
        return Curation(base: base, lowIndices: low, points: points, target: target, added: most,
                        curatedNeeded: dataNeeded(sizes: sizes, values: curMean, target: target),
                        iidNeeded: dataNeeded(sizes: sizes, values: iidMean, target: target))
    }

    static func robust(task: PreMemTask, settings s: PreMemSettings, pool: [PreMemExample], base: Run, rng stats: inout RNG) -> Robustness {
        let policy = PreMemSequencePolicy(queryDim: task.queryDim, tokens: task.vocabulary.count, steps: task.settings.steps,
                                          width: s.curationWidth, tokenTurn: task.tokenTurn)
        var out = Robustness(example: [], premem: [], finalAccuracy: [], perturbedSuccess: [], fragile: [])
        for j in 0..<min(s.curationBase, pool.count) {
            let perturbed = task.examples(count: s.robustnessPerturbations, seed: RNG.mix(RNG.mix(s.seed, 0x726f_6275), UInt64(j))) { _, rng in
                task.perturbed(pool[j].query, positionStd: s.robustnessPositionStd, yawStd: s.robustnessYawStd, rng: &rng)
            }
            if perturbed.isEmpty { continue }
            var rng = RNG(seed: RNG.mix(s.seed, 0x7361_6d70), stream: UInt64(j))
            let acc = task.accuracy(policy: policy, parameters: base.parameters, queries: perturbed.map(\.query),
                                    features: perturbed.map(\.features), samples: s.samples, temperature: s.temperature, rng: &rng)
            let m = Statistics.mean(acc)
            out.example.append(j)
            out.premem.append(base.premem[j])
            out.finalAccuracy.append(base.finalAccuracy[j])
            out.perturbedSuccess.append(m)
            out.fragile.append(m < s.fragileBelow)
        }
        let pos = out.fragile.filter { $0 }.count
        if pos > 0 && pos < out.fragile.count {
            let scores = out.premem.map { 1 - $0 }
            out.auroc = Statistics.auroc(scores: scores, labels: out.fragile)
            out.aurocFinalAccuracy = Statistics.auroc(scores: out.finalAccuracy.map { 1 - $0 }, labels: out.fragile)
            // bootstrap over examples (resamples with one class only are skipped by scoring them 0.5)
            let idx = out.fragile.indices.map(Double.init)
            let labels = out.fragile
            let ci = Statistics.bootstrapInterval(idx, resamples: s.bootstrapResamples, rng: &stats) { sample in
                let ii = sample.map { Int($0) }
                let l = ii.map { labels[$0] }
                guard l.contains(true), l.contains(false) else { return 0.5 }
                return Statistics.auroc(scores: ii.map { scores[$0] }, labels: l)
            }
            out.aurocCI = ci
        }
        return out
    }
}
