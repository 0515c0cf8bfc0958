import Diagnostics
import Foundation
import Models

/// Settings of `swiftlet experiment premem` (METHODS.md 6, docs/premem.md).
public struct PreMemSettings: PresetExperimentSettings, Sendable, Equatable {
    /// One training configuration of the grid.
    public struct Config: Codable, Sendable, Equatable {
        public var examples: Int
        public var learningRate: Double
        public var width: Int
        public var epochs: Int

        public init(examples: Int, learningRate: Double, width: Int, epochs: Int) {
            self.examples = examples
            self.learningRate = learningRate
            self.width = width
            self.epochs = epochs
        }

        public var name: String { "n\(examples)-lr\(Statistics.format(learningRate, digits: 2))-w\(width)-e\(epochs)" }
    }

    public var seed: UInt64 = 1
    public var task = PreMemTask.Settings()
    /// Grid of part (a): every combination of these (declared in docs/premem.md before the run).
    public var gridExamples = [64, 128, 256, 512]
    public var gridLearningRates = [1e-3, 4e-3]
    public var gridWidths = [64, 256]
    public var gridEpochs = [30, 120]
    /// Checkpoints per run (checkpointEvery = epochs / checkpoints, at least 1).
    public var checkpoints = 10
    public var batchSize = 32
    /// Samples per query and their temperature (the authors' 5 at 0.8).
    public var samples = 5
    public var temperature = 0.8
    public var memorizationPerplexity = PreMemScore.memorizationPerplexity
    /// Held-out test queries: new starts in `task.testWorlds` ("heldOutWorlds", the default) or
    /// new starts in the training worlds ("trainingWorlds": the in-distribution variant).
    public var testQueries = 400
    public var testOn = "heldOutWorlds"
    /// Part (b): base dataset, its training configuration, added sizes and the low-premem pool.
    public var curationBase = 128
    public var curationLearningRate = 4e-3
    public var curationWidth = 128
    public var curationEpochs = 40
    public var curationAdded = [32, 64, 128, 256]
    /// Fraction of the base examples (lowest premem first) new data is collected around.
    public var curationLowFraction = 0.25
    /// Which base examples curated collection centres on: "lowest" (lowest premem first, the
    /// method) or "random" (a seeded random subset of the same size: the locality control).
    public var curationSelection = "lowest"
    /// Start perturbation of curated collection (m, rad standard deviations).
    public var curationPositionStd = 0.3
    public var curationYawStd = 0.3
    /// Training seeds averaged per curation point.
    public var curationSeeds = 3
    /// Part (c): perturbed versions per base example and their size; fragile = mean success over
    /// the solvable perturbed versions below `fragileBelow`.
    public var robustnessPerturbations = 6
    public var robustnessPositionStd = 0.15
    public var robustnessYawStd = 0.15
    public var fragileBelow = 0.5
    public var bootstrapResamples = 2000
    /// Which parts to run ("a", "b", "c").
    public var parts = ["a", "b", "c"]

    public init() {}

    public static let standard = PreMemSettings()

    /// Seconds: two small worlds, tiny datasets, 12 configurations of a few epochs (tests use it).
    public static var smoke: PreMemSettings {
        var s = PreMemSettings()
        s.task.trainWorlds = ["forest:0:trees=90,size=16,rmin=0.15,rmax=0.35"]
        s.task.testWorlds = ["forest:1000000:trees=90,size=16,rmin=0.15,rmax=0.35"]
        s.task.demoInitialSamples = 96
        s.task.demoSamples = 48
        s.task.demoIterations = 2
        s.gridExamples = [8, 16, 24]
        s.gridLearningRates = [3e-3, 1e-2]
        s.gridWidths = [16, 32]
        s.gridEpochs = [6]
        s.checkpoints = 3
        s.batchSize = 8
        s.testQueries = 12
        s.curationBase = 8
        s.curationLearningRate = 1e-2
        s.curationWidth = 16
        s.curationEpochs = 6
        s.curationAdded = [4, 8]
        s.curationSeeds = 1
        s.robustnessPerturbations = 2
        s.bootstrapResamples = 100
        return s
    }

    /// The grid of part (a), in a fixed order (examples slowest, epochs fastest).
    public var grid: [Config] {
        var out: [Config] = []
        for n in gridExamples { for lr in gridLearningRates { for w in gridWidths { for e in gridEpochs {
            out.append(Config(examples: n, learningRate: lr, width: w, epochs: e))
        } } } }
        return out
    }

    public var curationConfig: Config {
        Config(examples: curationBase, learningRate: curationLearningRate, width: curationWidth, epochs: curationEpochs)
    }

    /// Throws an `InputError` naming the first setting out of range.
    public func validate(source: String = "settings") throws {
        let need = SettingsRangeCheck(source: source)
        try need.counts(["gridExamples": gridExamples.max() ?? 0, "gridWidths": gridWidths.max() ?? 0, "gridEpochs": gridEpochs.max() ?? 0,
                         "checkpoints": checkpoints, "batchSize": batchSize, "samples": samples, "testQueries": testQueries,
                         "curationBase": curationBase, "curationWidth": curationWidth, "curationEpochs": curationEpochs,
                         "curationAdded": curationAdded.max() ?? 0, "curationSeeds": curationSeeds,
                         "robustnessPerturbations": robustnessPerturbations, "bootstrapResamples": bootstrapResamples,
                         "task.scanRays": task.scanRays, "task.substeps": task.substeps, "task.demoIterations": task.demoIterations,
                         "task.demoInitialSamples": task.demoInitialSamples, "task.demoSamples": task.demoSamples])
        try need.size("gridExamples", [gridExamples.count, gridLearningRates.count, gridWidths.count, gridEpochs.count],
                      "grid configurations", limit: 10_000)
        try need(!task.trainWorlds.isEmpty, "task.trainWorlds", task.trainWorlds)
        try need(!task.testWorlds.isEmpty, "task.testWorlds", task.testWorlds)
        try need(task.steps >= 1 && task.steps <= 64, "task.steps", task.steps)
        try need(task.tokens >= 2 && task.tokens <= 64, "task.tokens", task.tokens)
        try need(task.forwardSpeed > 0 && task.goalDistance > 0 && task.goalRadius > 0 && task.scanRange > 0, "task.forwardSpeed/goal", task.forwardSpeed)
        try need(task.scanRays >= 1 && task.substeps >= 1 && task.demoIterations >= 1, "task.scanRays/substeps/demoIterations", task.scanRays)
        try need(task.demoInitialSamples >= 2 && task.demoSamples >= 2, "task.demoSamples", task.demoSamples)
        try need(task.demoMargin >= 0 && task.startClearance >= 0 && task.startInset >= 0, "task.demoMargin/start", task.demoMargin)
        try need(!gridExamples.isEmpty && gridExamples.allSatisfy { $0 >= 1 }, "gridExamples", gridExamples)
        try need(!gridLearningRates.isEmpty && gridLearningRates.allSatisfy { $0 > 0 && $0.isFinite }, "gridLearningRates", gridLearningRates)
        try need(!gridWidths.isEmpty && gridWidths.allSatisfy { $0 >= 1 }, "gridWidths", gridWidths)
        try need(!gridEpochs.isEmpty && gridEpochs.allSatisfy { $0 >= 1 }, "gridEpochs", gridEpochs)
        try need(checkpoints >= 1 && batchSize >= 1, "checkpoints/batchSize", checkpoints)
        try need(samples >= 1 && temperature >= 0 && memorizationPerplexity > 1, "samples/temperature/memorizationPerplexity", samples)
        try need(testQueries >= 1, "testQueries", testQueries)
        try need(["heldOutWorlds", "trainingWorlds"].contains(testOn), "testOn", testOn)
        try need(curationBase >= 1 && curationLearningRate > 0 && curationWidth >= 1 && curationEpochs >= 1, "curation", curationBase)
        try need(!curationAdded.isEmpty && curationAdded.allSatisfy { $0 >= 1 } && curationAdded == curationAdded.sorted(), "curationAdded", curationAdded)
        try need(["lowest", "random"].contains(curationSelection), "curationSelection", curationSelection)
        try need(curationLowFraction > 0 && curationLowFraction <= 1 && curationSeeds >= 1, "curationLowFraction/curationSeeds", curationLowFraction)
        try need(curationPositionStd >= 0 && curationYawStd >= 0 && robustnessPositionStd >= 0 && robustnessYawStd >= 0, "perturbation std", curationPositionStd)
        try need(robustnessPerturbations >= 1 && fragileBelow > 0 && fragileBelow <= 1, "robustness", robustnessPerturbations)
        try need(bootstrapResamples >= 10, "bootstrapResamples", bootstrapResamples)
        try need(parts.allSatisfy { ["a", "b", "c"].contains($0) }, "parts", parts)
    }
}
