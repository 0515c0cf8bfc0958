import Diagnostics
import Foundation
import Geometry
@testable import Models
import Neural
import Planning
import TestSupport
import Testing

/// A differential-drive robot: action (speed m/s, yaw rate rad/s) per 0.25 s step, state
/// (speed, yaw rate) now; poses relative to the start, as D_r must learn them.
enum Unicycle {
    static let dt: Float = 0.25

    static func rollout(_ actions: [Float], horizon: Int) -> [Float] {
        var x: Float = 0, y: Float = 0, yaw: Float = 0
        var out: [Float] = []
        for h in 0..<horizon {
            let v = actions[2 * h], w = actions[2 * h + 1]
            yaw += w * dt
            x += v * cosf(yaw) * dt
            y += v * sinf(yaw) * dt
            out += [x, y, yaw]
        }
        return out
    }

    static func data(_ n: Int, horizon: Int, rng: inout RNG) -> (states: Tensor, actions: Tensor, poses: Tensor) {
        var s: [Float] = [], a: [Float] = [], p: [Float] = []
        for _ in 0..<n {
            var seq: [Float] = []
            for _ in 0..<horizon { seq += [0.2 + 0.4 * rng.uniformFloat(), 2 * rng.uniformFloat() - 1] }
            s += [seq[0], seq[1]]
            a += seq
            p += rollout(seq, horizon: horizon)
        }
        return (Tensor(shape: [n, 2], data: s), Tensor(shape: [n, horizon, 2], data: a), Tensor(shape: [n, horizon, 3], data: p))
    }
}

@Suite(.serialized) struct HIntModelTests {
    static let dynConfig = PoseDynamicsConfig(stateDim: 2, actionDim: 2, horizon: 4, hidden: [64, 64],
                                              stateScale: [2, 1], actionScale: [2, 1])
    static let perceptionConfig = CollisionPredictorConfig(
        height: 16, width: 16, frames: 1, horizon: 4, actionDim: 3, actionScale: [1, 1, 1],
        convs: [.init(filters: 8, kernel: 5, stride: 2), .init(filters: 8, kernel: 3, stride: 2)],
        dense: [32, 16], hidden: 8, actionEmbedding: 8, headHidden: 8, initialState: .split)

    static func randomDynamics(seed: UInt64) -> PoseDynamics {
        var rng = RNG(seed: seed)
        var m = PoseDynamics(config: dynConfig, rng: &rng)
        var p = Parameters()
        for (n, t) in zip(m.parameters.names, m.parameters.tensors) {
            var u = t
            for i in u.data.indices { u.data[i] += 0.1 * Float(rng.normal()) }
            p[n] = u
        }
        m.parameters = p
        return m
    }

    @Test func hintPerceptionArchitecture() {
        let c = CollisionPredictorConfig.hintPerception()
        #expect(c.validationProblem == nil)
        #expect(c.featureSizes.map { [$0.height, $0.width] } == [[72, 96], [36, 48], [18, 24], [9, 12]])
        var rng = RNG(seed: 1)
        let m = CollisionPredictor(config: c, rng: &rng)
        #expect(m.parameters["trunk.conv0.weight"]?.shape == [32, 5, 5, 1])
        #expect(m.parameters["trunk.fc0.weight"]?.shape == [256, 9 * 12 * 64])
        #expect(m.parameters["trunk.fc1.weight"]?.shape == [128, 256])
        #expect(m.parameters["lstm.wh"]?.shape == [256, 64])
        #expect(m.parameters["action.fc.weight"]?.shape == [16, 3])
        // conv 832 + 18,496 + 36,928; dense 1,769,728 + 32,896; action 64; lstm 20,736; head 1,040 + 17
        #expect(m.parameterCount == 1_880_737)
        #expect(PoseDynamics(config: PoseDynamicsConfig(), rng: &rng).parameterCount == (18 * 128 + 128) + (128 * 128 + 128) + (128 * 24 + 24))
    }

    @Test func dynamicsBatchedMatchesAutodiffForAnyThreadCount() {
        let m = Self.randomDynamics(seed: 2)
        var rng = RNG(seed: 3)
        let n = 37
        let acts = Tensor.uniform([n, 4, 2], -1, 1, rng: &rng)
        let state: [Float] = [0.3, -0.4]
        var states = Tensor(shape: [n, 2])
        for i in 0..<n { states.data[2 * i] = state[0]; states.data[2 * i + 1] = state[1] }
        let ref = m.predict(states: states, actions: acts)
        var outs: [[Float]] = []
        for workers in [1, 2] {
            let ev = PoseDynamicsEvaluator(m, maxBatch: 64, workers: workers, blockRows: 8)
            ev.setState(state)
            outs.append(ev.evaluate(acts.data, count: n))
        }
        #expect(outs[0] == outs[1])
        let worst = zip(outs[0], ref.data).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-5, "max |batched - autodiff| = \(worst)")
        #expect(ref.data.map(abs).max()! > 0.1)
    }

    @Test func dynamicsLearnsUnicycleKinematics() throws {
        var rng = RNG(seed: 4)
        let train = Unicycle.data(1024, horizon: 4, rng: &rng), test = Unicycle.data(256, horizon: 4, rng: &rng)
        let trainer = PoseDynamicsTrainer(PoseDynamics(config: Self.dynConfig, rng: &rng), learningRate: 3e-3)
        for _ in 0..<80 {
            for b in Minibatches.shuffled(count: 1024, size: 64, rng: &rng) {
                trainer.step(states: train.states.gather(rows: b), actions: train.actions.gather(rows: b),
                             poses: train.poses.gather(rows: b))
            }
        }
        let pred = trainer.model.predict(states: test.states, actions: test.actions)
        var se: Float = 0, variance: Float = 0
        let mean = test.poses.data.reduce(0, +) / Float(test.poses.count)
        for i in pred.data.indices {
            se += (pred.data[i] - test.poses.data[i]) * (pred.data[i] - test.poses.data[i])
            variance += (test.poses.data[i] - mean) * (test.poses.data[i] - mean)
        }
        #expect(se / variance < 0.01, "held-out MSE / variance = \(se / variance)")

        // checkpoint round trip rebuilds from metadata alone
        let dir = TempDir("hint-dyn")
        defer { dir.remove() }
        try trainer.model.save(to: dir.file("dyn.safetensors"))
        let back = try PoseDynamics.load(dir.file("dyn.safetensors"))
        #expect(back.config == trainer.model.config && back.parameters == trainer.model.parameters)
        try CollisionPredictor(config: Tiny.config, rng: &rng).save(to: dir.file("gts"))
        #expect(throws: InputError.self) { try PoseDynamics.load(dir.file("gts")) }

        // composed planning: with a perception model that never predicts a collision, MPPI turns
        // the robot towards a goal on its left
        var perception = CollisionPredictor(config: Self.perceptionConfig, rng: &rng)
        perception.parameters["head.fc1.weight"] = Tensor(shape: [1, 8])
        perception.parameters["head.fc1.bias"] = Tensor(shape: [1], data: [-12])
        var settings = MPPIPlanner.Settings()
        settings.samples = 512
        var planner = MPPIPlanner(space: ActionSpace(horizon: 4, lower: [0.2, -1], upper: [0.6, 1]), settings: settings)
        var cost = HIntCost(dynamics: trainer.model, perception: perception, maxBatch: planner.maxBatch, blockRows: 64)
        cost.setObservation(image: [Float](repeating: 0, count: 256), state: [0.4, 0], goal: [0.3, 1.5])
        for _ in 0..<3 { planner.plan(&cost, rng: &rng) }
        var meanYawRate: Float = 0
        for h in 0..<4 { meanYawRate += planner.nominal[2 * h + 1] / 4 }
        #expect(meanYawRate > 0.3, "planned yaw rates \(planner.nominal) do not turn left")
    }

    @Test func hintCostIsTheDocumentedComposition() {
        let dyn = Self.randomDynamics(seed: 5)
        let per = Tiny.randomModel(seed: 6, config: Self.perceptionConfig)
        var rng = RNG(seed: 7)
        let n = 11
        let acts = Tensor.uniform([n, 4, 2], -1, 1, rng: &rng)
        let image = Tiny.images(1, rng: &rng, config: Self.perceptionConfig).data
        var cost = HIntCost(dynamics: dyn, perception: per, maxBatch: 16, blockRows: 4)
        cost.goalWeight = 0.7; cost.magnitudeWeight = 0.2; cost.smoothnessWeight = 0.3
        cost.setObservation(image: image, state: [0.1, 0.2], goal: [1, -0.5])
        var costs = [Float](repeating: 0, count: n)
        acts.data.withUnsafeBufferPointer { a in costs.withUnsafeMutableBufferPointer { cost.cost(a, count: n, horizon: 4, actionDim: 2, into: $0) } }
        // reference through the autodiff paths
        let poses = dyn.predict(states: Tensor(shape: [n, 2], data: Array([[Float]](repeating: [0.1, 0.2], count: n).joined())),
                                actions: acts)
        let tiled = Tensor(shape: [n, 16, 16, 1], data: Array([[Float]](repeating: image, count: n).joined()))
        let p = per.probabilities(images: tiled, actions: poses)
        for i in 0..<n {
            var coll: Float = 0, head: Float = 0, mag: Float = 0, smooth: Float = 0
            for h in 0..<4 {
                coll += p.data[i * 4 + h]
                let q = (i * 4 + h) * 3
                let bearing = atan2f(-0.5 - poses.data[q + 1], 1 - poses.data[q])
                head += (1 - cosf(poses.data[q + 2] - bearing)) / 2
                for d in 0..<2 {
                    let s: Float = d == 0 ? 2 : 1
                    let v = acts.data[(i * 4 + h) * 2 + d] * s
                    mag += v * v
                    if h > 0 { let dv = v - acts.data[(i * 4 + h - 1) * 2 + d] * s; smooth += dv * dv }
                }
            }
            let expected = coll / 4 + 0.7 * head / 4 + 0.2 * mag / 8 + 0.3 * smooth / 6
            #expect(abs(costs[i] - expected) < 1e-4, "candidate \(i): \(costs[i]) vs \(expected)")
        }
    }
}
