import Foundation
import Geometry
@testable import Models
import Neural
import Planning
import TestSupport
import Testing

/// Tiny architecture for fast tests: 16x16 images, 2 frames, horizon 4.
enum Tiny {
    static let config = CollisionPredictorConfig(
        height: 16, width: 16, frames: 2, horizon: 4, actionDim: 1, actionScale: [0.5],
        convs: [.init(filters: 8, kernel: 4, stride: 2), .init(filters: 8, kernel: 3, stride: 2)],
        dense: [32, 16], hidden: 16, actionEmbedding: 8, headHidden: 8)

    /// A predictor whose every weight (biases too) is random, so no term is trivially zero.
    static func randomModel(seed: UInt64, config: CollisionPredictorConfig = config) -> CollisionPredictor {
        var rng = RNG(seed: seed)
        var m = CollisionPredictor(config: config, rng: &rng)
        var p = Parameters()
        for (n, t) in zip(m.parameters.names, m.parameters.tensors) {
            var u = t
            for i in u.data.indices { u.data[i] += 0.2 * Float(rng.normal()) }
            p[n] = u
        }
        m.parameters = p
        return m
    }

    static func images(_ n: Int, rng: inout RNG, config: CollisionPredictorConfig = config) -> Tensor {
        .uniform([n, config.height, config.width, config.frames], -1, 1, rng: &rng)
    }

    static func actions(_ n: Int, rng: inout RNG, config: CollisionPredictorConfig = config) -> Tensor {
        .uniform([n, config.horizon, config.actionDim], -2, 2, rng: &rng)
    }
}

@Suite struct CollisionPredictorTests {
    @Test func defaultArchitectureShapesAndNames() {
        let c = CollisionPredictorConfig()
        #expect(c.validationProblem == nil)
        #expect(c.featureSizes.map { [$0.height, $0.width] } == [[72, 96], [18, 24], [9, 12], [5, 6], [3, 3]])
        #expect(c.flattened == 3 * 3 * 32)
        var rng = RNG(seed: 1)
        let m = CollisionPredictor(config: c, rng: &rng)
        let p = m.parameters
        #expect(p["trunk.conv0.weight"]?.shape == [64, 8, 8, 4])
        #expect(p["trunk.conv3.weight"]?.shape == [32, 3, 3, 32])
        #expect(p["trunk.fc0.weight"]?.shape == [256, 288])
        #expect(p["trunk.fc1.weight"]?.shape == [128, 256])
        #expect(p["action.fc.weight"]?.shape == [16, 1])
        #expect(p["lstm.wx"]?.shape == [512, 16])
        #expect(p["lstm.wh"]?.shape == [512, 128])
        #expect(p["head.fc0.weight"]?.shape == [16, 128])
        #expect(p["head.fc1.weight"]?.shape == [1, 16])
        // every parameter belongs to exactly one of the four groups
        let groups = ["trunk.", "action.", "lstm.", "head."]
        #expect(p.names.allSatisfy { n in groups.filter { n.hasPrefix($0) }.count == 1 })
        // conv: 4*64*64+64 + 64*16*32+32 + 32*9*32+32 + 32*9*32+32; dense 288*256+256 + 256*128+128;
        // action 16+16; lstm 512*16 + 512*128 + 512; head 128*16+16 + 16+1
        let expected = (16_384 + 64) + (32_768 + 32) + (9_216 + 32) + (9_216 + 32) + (73_728 + 256) + (32_768 + 128)
            + 32 + (8_192 + 65_536 + 512) + (2_048 + 16) + 17
        #expect(m.parameterCount == expected)
    }

    @Test func frameStacksBecomeScaledNHWC() {
        let c = Tiny.config
        var stack = [UInt8](repeating: 0, count: 2 * 16 * 16)
        for i in stack.indices { stack[i] = UInt8(i % 251) }
        let obs = CollisionPredictor.observation(fromStack: stack, config: c)
        // pixel (y 3, x 5) of frame 1 (the newer) is channel 1 of that pixel
        let plane = 16 * 16, p = 3 * 16 + 5
        #expect(obs[p * 2 + 1] == (Float(stack[plane + p]) - 128) / 128)
        #expect(obs[p * 2] == (Float(stack[p]) - 128) / 128)
        #expect(CollisionPredictor.normalize(0) == -1 && CollisionPredictor.normalize(128) == 0)
    }

    @Test func invalidConfigurationsAreNamed() throws {
        var c = Tiny.config
        c.dense = [32, 20]
        #expect(c.validationProblem?.contains("hidden") == true)
        c = Tiny.config
        c.convs = [.init(filters: 8, kernel: 20, stride: 1, padding: 0)]
        #expect(c.validationProblem?.contains("no pixels") == true)
        let bad = Data(#"{"height": 16, "width": 16, "dense": [64, 32], "hidden": 16}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CollisionPredictorConfig.self, from: bad) }
        // partial JSON keeps the defaults for the missing keys
        let partial = try JSONDecoder().decode(CollisionPredictorConfig.self, from: Data(#"{"horizon": 8}"#.utf8))
        #expect(partial.horizon == 8 && partial.convs == CollisionPredictorConfig().convs)
    }

    @Test func forwardShapes() {
        var rng = RNG(seed: 2)
        let m = Tiny.randomModel(seed: 3)
        let p = m.probabilities(images: Tiny.images(5, rng: &rng), actions: Tiny.actions(5, rng: &rng))
        #expect(p.shape == [5, 4])
        #expect(p.data.allSatisfy { $0 > 0 && $0 < 1 })
        // flat [N, H*A] actions are accepted too
        let img = Tiny.images(3, rng: &rng), act = Tiny.actions(3, rng: &rng)
        #expect(m.probabilities(images: img, actions: act) == m.probabilities(images: img, actions: act.reshaped([3, 4])))
    }

    // `.blasThreads` changes OpenBLAS's process-wide thread count, which races with GEMMs of
    // tests running in parallel; it is exercised by `swiftlet bench planner`, not here.
    @Test func batchedInferenceMatchesAutodiff() {
        checkBatchedAgainstAutodiff(Tiny.randomModel(seed: 11), mode: .splitBatch)
    }

    @Test func batchedInferenceMatchesAutodiffWithSplitInitialState() {
        var c = Tiny.config
        c.initialState = .split; c.dense = [32, 32]; c.actionDim = 3; c.actionScale = [1, 1, 0.5]
        checkBatchedAgainstAutodiff(Tiny.randomModel(seed: 13, config: c), mode: .splitBatch)
    }

    func checkBatchedAgainstAutodiff(_ m: CollisionPredictor, mode: CollisionBatchEvaluator.Parallelism) {
        let c = m.config
        var rng = RNG(seed: 12)
        let img = Tiny.images(1, rng: &rng, config: c)
        let n = 37
        let act = Tiny.actions(n, rng: &rng, config: c)
        // reference: the autodiff graph with the observation repeated per candidate
        var tiled = Tensor(shape: [n, 16, 16, c.frames])
        for i in 0..<n { for j in 0..<img.count { tiled.data[i * img.count + j] = img.data[j] } }
        let ref = m.probabilities(images: tiled, actions: act)
        let ev = CollisionBatchEvaluator(m, maxBatch: 64, parallelism: mode, workers: 2, blockRows: 8)
        ev.encode(img.data)
        let got = ev.evaluate(act.data, count: n)
        #expect(got.count == n * c.horizon)
        var worst: Float = 0
        for i in got.indices { worst = max(worst, abs(got[i] - ref.data[i])) }
        #expect(worst < 2e-6, "max |batched - autodiff| = \(worst)")
        // the spread of outputs is wide enough that a wrong candidate/step layout would show
        #expect((ref.data.max()! - ref.data.min()!) > 0.1)
        // smaller batches reuse the same buffers and give the same leading rows (to an ulp: a
        // block's row count can change OpenBLAS's kernel for the tail rows)
        let few = ev.evaluate(Array(act.data[0..<(5 * c.sequenceSize)]), count: 5)
        #expect(zip(few, got[0..<(5 * c.horizon)]).allSatisfy { abs($0 - $1) <= 1e-6 })
        #expect(ev.evaluate(act.data, count: n) == got)
    }

    @Test func batchedResultsDoNotDependOnThreadCount() {
        let m = Tiny.randomModel(seed: 21)
        var rng = RNG(seed: 22)
        let img = Tiny.images(1, rng: &rng), act = Tiny.actions(100, rng: &rng)
        var outs: [[Float]] = []
        for workers in [1, 2, 3] {
            let ev = CollisionBatchEvaluator(m, maxBatch: 100, parallelism: .splitBatch, workers: workers, blockRows: 16)
            ev.encode(img.data)
            outs.append(ev.evaluate(act.data, count: 100))
        }
        #expect(outs[0] == outs[1] && outs[1] == outs[2])
    }

    @Test func cemTickIsBitIdenticalForAnyWorkerCount() {
        let m = Tiny.randomModel(seed: 25)
        var rng = RNG(seed: 26)
        let img = Tiny.images(1, rng: &rng).data
        var plans: [[Float]] = []
        for (mode, workers) in [(CollisionBatchEvaluator.Parallelism.splitBatch, 1), (.splitBatch, 2), (.splitBatch, 3)] {
            var settings = CEMPlanner.Settings()
            settings.initialSamples = 300; settings.samples = 100; settings.elites = 20
            var planner = CEMPlanner(space: ActionSpace(horizon: 4, lower: [-2], upper: [2]), settings: settings)
            var cost = CollisionCost(m, maxBatch: planner.maxBatch, parallelism: mode, workers: workers, blockRows: 32)
            var tickRng = RNG(seed: 27)
            for _ in 0..<3 { cost.setObservation(img); planner.plan(&cost, rng: &tickRng); planner.shift() }
            plans.append(planner.nominal + planner.lastBatch.costs)
        }
        #expect(plans[0] == plans[1] && plans[1] == plans[2])
    }

    @Test func trainingConfigDecodesPartially() throws {
        let c = try JSONDecoder().decode(CollisionTrainingConfig.self, from: Data(#"{"frozenPrefixes": ["trunk."]}"#.utf8))
        #expect(c == .realPhase)
        #expect(!c.isTrained("trunk.conv0.weight") && c.isTrained("lstm.wx"))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(CollisionTrainingConfig.self, from: Data(#"{"learningRate": -1}"#.utf8))
        }
    }

    @Test func costIsMeanProbabilityPlusScaledYawPenalty() {
        let m = Tiny.randomModel(seed: 31)
        var rng = RNG(seed: 32)
        let img = Tiny.images(1, rng: &rng), act = Tiny.actions(9, rng: &rng)
        var cost = CollisionCost(m, maxBatch: 16, yawWeight: 0.3, blockRows: 4)
        cost.setObservation(img.data)
        var costs = [Float](repeating: 0, count: 9)
        act.data.withUnsafeBufferPointer { a in
            costs.withUnsafeMutableBufferPointer { cost.cost(a, count: 9, horizon: 4, actionDim: 1, into: $0) }
        }
        let p = m.probabilities(images: Tensor(shape: [9, 16, 16, 2], data: Array((0..<9).map { _ in img.data }.joined())),
                                actions: act)
        for i in 0..<9 {
            let meanP = (0..<4).map { p.data[i * 4 + $0] }.reduce(0, +) / 4
            let penalty = (0..<4).map { abs(act.data[i * 4 + $0] * 0.5) }.reduce(0, +) / 4
            #expect(abs(costs[i] - (meanP + 0.3 * penalty)) < 1e-5)
        }
    }
}
