import Diagnostics
import Foundation
import Geometry
@testable import Models
import Neural
import Planning
import TestSupport
import Testing

/// A synthetic collision task: a bright vertical bar on the left or right of the image marks
/// an obstacle on that side; the vehicle "collides" at step h once its accumulated yaw has
/// turned towards the bar by more than 0.5 (label monotone in h, as GtS's "collided by step h").
enum BarTask {
    /// side: -1 bar on the left (columns 1...3), +1 on the right; the turn sign uses the same
    /// convention (positive action = towards the right).
    static func sample(side: Float, rng: inout RNG, config c: CollisionPredictorConfig = Tiny.config)
        -> (image: [Float], actions: [Float], labels: [Float]) {
        var img = [Float](repeating: 0, count: c.observationSize)
        for y in 0..<c.height {
            for x in 0..<c.width {
                let bar = side < 0 ? (1...3).contains(x) : ((c.width - 4)...(c.width - 2)).contains(x)
                for f in 0..<c.frames {
                    img[(y * c.width + x) * c.frames + f] = (bar ? 0.8 : -0.6) + 0.2 * (rng.uniformFloat() - 0.5)
                }
            }
        }
        var acts = [Float](repeating: 0, count: c.horizon), labels = [Float](repeating: 0, count: c.horizon)
        var sum: Float = 0, hit = false
        for h in 0..<c.horizon {
            acts[h] = rng.uniformFloat() * 2 - 1
            sum += acts[h]
            if side * sum > 0.5 { hit = true }
            labels[h] = hit ? 1 : 0
        }
        return (img, acts, labels)
    }

    static func dataset(_ n: Int, seed: UInt64) -> CollisionBatch {
        var rng = RNG(seed: seed)
        let c = Tiny.config
        var imgs: [Float] = [], acts: [Float] = [], labels: [Float] = []
        for i in 0..<n {
            let s = sample(side: i % 2 == 0 ? -1 : 1, rng: &rng)
            imgs += s.image; acts += s.actions; labels += s.labels
        }
        return CollisionBatch(images: Tensor(shape: [n, c.height, c.width, c.frames], data: imgs),
                                actions: Tensor(shape: [n, c.horizon, 1], data: acts),
                                labels: Tensor(shape: [n, c.horizon], data: labels))
    }
}

@Suite(.serialized) struct CollisionTrainingTests {
    @Test func freezingByPrefixKeepsTheTrunkBitIdentical() {
        var rng = RNG(seed: 41)
        let start = CollisionPredictor(config: Tiny.config, rng: &rng)
        let trainer = CollisionTrainer(start, config: CollisionTrainingConfig(learningRate: 1e-3, batchSize: 8,
                                                                              frozenPrefixes: CollisionPredictor.realPhaseFrozen))
        let data = BarTask.dataset(32, seed: 42)
        for _ in 0..<2 { trainer.epoch(data, rng: &rng) }
        #expect(trainer.steps == 8)
        let before = start.parameters, after = trainer.predictor.parameters
        for name in before.names where name.hasPrefix("trunk.") { #expect(after[name] == before[name], "\(name) changed") }
        for name in ["action.fc.weight", "lstm.wx", "lstm.wh", "lstm.bias", "head.fc0.weight", "head.fc1.weight", "head.fc1.bias"] {
            #expect(after[name] != before[name], "\(name) did not change")
        }
        // without freezing the trunk moves too
        let free = CollisionTrainer(start, config: CollisionTrainingConfig(learningRate: 1e-3, batchSize: 8))
        free.epoch(data, rng: &rng)
        #expect(free.predictor.parameters["trunk.conv0.weight"] != before["trunk.conv0.weight"])
    }

    @Test func learnsTheBarAndTurnRuleAndThePlannerTurnsAway() {
        let train = BarTask.dataset(384, seed: 51), test = BarTask.dataset(128, seed: 52)
        var rng = RNG(seed: 53)
        let trainer = CollisionTrainer(CollisionPredictor(config: Tiny.config, rng: &rng),
                                       config: CollisionTrainingConfig(positiveWeight: 1, learningRate: 3e-3, batchSize: 32))
        let initial = trainer.loss(test)
        for _ in 0..<25 { trainer.epoch(train, rng: &rng) }
        let final = trainer.loss(test)
        #expect(final < 0.5 * initial, "held-out loss \(initial) -> \(final)")
        let p = trainer.predictor.probabilities(images: test.images, actions: test.actions)
        var correct = 0
        for i in p.data.indices where (p.data[i] > 0.5) == (test.labels.data[i] > 0.5) { correct += 1 }
        let accuracy = Double(correct) / Double(p.count)
        #expect(accuracy >= 0.9, "held-out per-step accuracy \(accuracy)")

        // CEM with the learned cost steers away from the bar's side
        var planRng = RNG(seed: 54)
        for side: Float in [-1, 1] {
            let obs = BarTask.sample(side: side, rng: &planRng).image
            var settings = CEMPlanner.Settings()
            settings.initialSamples = 256; settings.samples = 128; settings.elites = 16
            var planner = CEMPlanner(space: ActionSpace(horizon: 4, lower: [-1], upper: [1]), settings: settings)
            var cost = CollisionCost(trainer.predictor, maxBatch: planner.maxBatch, yawWeight: 0.01, blockRows: 64)
            cost.setObservation(obs)
            planner.plan(&cost, rng: &planRng)
            let turn = planner.nominal.reduce(0, +)
            #expect(side * turn < 0.5, "bar side \(side): planned accumulated turn \(turn) goes into the bar")
            #expect(planner.diagnostics.bestCost < 0.2)
        }
    }

    @Test func constantPredictionConvergesToTheWeightedOCS() {
        // only the output bias is trained and the output weights are zero: the model is a constant
        var rng = RNG(seed: 61)
        var m = CollisionPredictor(config: Tiny.config, rng: &rng)
        m.parameters["head.fc1.weight"] = Tensor(shape: [1, 8])
        let frozen = m.parameters.names.filter { $0 != "head.fc1.bias" }
        let w: Float = 10, rate = 0.2
        let n = 64
        var labels = Tensor(shape: [n, 4]), mask = Tensor(shape: [n, 4], repeating: 1)
        for i in labels.data.indices { labels.data[i] = rng.uniform() < rate ? 1 : 0 }
        // masked steps are labelled 1 and must not count
        for i in 0..<n where i % 4 == 0 { mask.data[i * 4 + 3] = 0; labels.data[i * 4 + 3] = 1 }
        var y = 0.0, total = 0.0
        for i in labels.data.indices { y += Double(labels.data[i] * mask.data[i]); total += Double(mask.data[i]) }
        y /= total
        let ocs = Double(w) * y / (Double(w) * y + 1 - y)
        let data = CollisionBatch(images: Tiny.images(n, rng: &rng), actions: Tiny.actions(n, rng: &rng),
                                    labels: labels, mask: mask)
        let trainer = CollisionTrainer(m, config: CollisionTrainingConfig(positiveWeight: w, learningRate: 0.02,
                                                                          gradientClip: 0, weightDecay: 0,
                                                                          batchSize: n, frozenPrefixes: frozen))
        for _ in 0..<400 { trainer.step(data) }
        let p = trainer.predictor.probabilities(images: data.images, actions: data.actions)
        let spread = p.data.max()! - p.data.min()!
        #expect(spread < 1e-6)
        #expect(abs(Double(p.data[0]) - ocs) < 0.01, "constant \(p.data[0]) vs OCS \(ocs) (label rate \(y))")
        // and differs from the unweighted label rate, so the weighting is what put it there
        #expect(abs(ocs - y) > 0.3)
        for name in frozen { #expect(trainer.predictor.parameters[name] == m.parameters[name]) }
    }
}

@Suite struct CollisionCheckpointTests {
    @Test func roundTripIsExactAndRebuildsFromMetadata() throws {
        let dir = TempDir("models-ckpt")
        defer { dir.remove() }
        let m = Tiny.randomModel(seed: 71)
        let record = CollisionTrainingRecord(training: .realPhase, datasetHash: "abc123", realTransitions: 14_400,
                                             simTransitions: 250_000, steps: 1234, notes: ["phase": "real"])
        let path = dir.file("gts.safetensors")
        try m.save(to: path, record: record)
        let (back, rec) = try CollisionPredictor.loadWithRecord(path)
        #expect(back.config == m.config)
        #expect(back.parameters == m.parameters)
        #expect(rec == record)
        #expect(FileManager.default.fileExists(atPath: path + ".json"))
        var rng = RNG(seed: 72)
        let img = Tiny.images(2, rng: &rng), act = Tiny.actions(2, rng: &rng)
        #expect(back.probabilities(images: img, actions: act) == m.probabilities(images: img, actions: act))
    }

    @Test func mismatchesAreClearErrors() throws {
        let dir = TempDir("models-ckpt")
        defer { dir.remove() }
        let m = Tiny.randomModel(seed: 81)
        // tensors of one architecture under another's metadata
        var other = Tiny.config
        other.hidden = 12; other.dense = [32, 12]
        let encoder = JSONEncoder()
        let meta = CheckpointMetadata(architecture: CollisionPredictor.architecture,
                                      extra: ["model_config": String(decoding: try encoder.encode(other), as: UTF8.self)])
        try Checkpoint.save(m.parameters, metadata: meta, to: dir.file("a"))
        let e1 = #expect(throws: InputError.self) { try CollisionPredictor.load(dir.file("a")) }
        #expect(e1?.location.hasPrefix("trunk.fc1") == true || e1?.location.hasPrefix("lstm") == true)
        // a foreign architecture
        try Checkpoint.save(m.parameters, metadata: CheckpointMetadata(architecture: "hint-perception-v1"), to: dir.file("b"))
        let e2 = #expect(throws: InputError.self) { try CollisionPredictor.load(dir.file("b")) }
        #expect(e2?.description.contains("hint-perception-v1") == true)
        // no model config
        try Checkpoint.save(m.parameters, metadata: CheckpointMetadata(architecture: CollisionPredictor.architecture), to: dir.file("c"))
        let e3 = #expect(throws: InputError.self) { try CollisionPredictor.load(dir.file("c")) }
        #expect(e3?.location == "model_config")
        // a missing file names the path
        let e4 = #expect(throws: InputError.self) { try CollisionPredictor.load(dir.file("missing")) }
        #expect(e4?.source.hasSuffix("missing") == true)
    }
}
