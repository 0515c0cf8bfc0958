import Diagnostics
import Geometry
import Neural
import TestSupport
import Testing

/// The docs/neural.md example (a GtS-shaped collision predictor) through the public API only:
/// define, train with a frozen trunk, save, load into an inference graph, evaluate.
struct CollisionNet: Sendable {
    let trunk = Sequential {
        Conv2d("trunk.conv0", 1, 8, kernel: 3, stride: 2, padding: 1, activation: .relu)
        Conv2d("trunk.conv1", 8, 8, kernel: 3, stride: 2, padding: 1, activation: .relu)
        Flatten()
        Dense("trunk.fc0", 8 * 4 * 4, 32, activation: .relu)
    }
    let initC = Dense("init.c", 32, 16), initH = Dense("init.h", 32, 16)
    let action = Dense("action", 2, 8, activation: .relu)
    let lstm = LSTM("lstm", inputs: 8, hidden: 16)
    let head = Sequential { Dense("head.fc0", 16, 8, activation: .relu); Dense("head.fc1", 8, 1) }

    func initialize(_ p: inout Parameters, rng: inout RNG) {
        trunk.initialize(&p, rng: &rng); initC.initialize(&p, rng: &rng); initH.initialize(&p, rng: &rng)
        action.initialize(&p, rng: &rng); lstm.initialize(&p, rng: &rng); head.initialize(&p, rng: &rng)
    }

    func callAsFunction(image: Var, actions: [Var]) -> [Var] {
        let z = trunk(image)
        let (hs, _) = lstm(actions.map { action($0) }, initial: LSTM.State(h: initH(z), c: initC(z)))
        return hs.map { head($0) }
    }
}

@Suite struct ExampleModelTests {
    @Test func defineTrainSaveLoadInfer() throws {
        var rng = RNG(seed: 1)
        let model = CollisionNet()
        var params = Parameters()
        model.initialize(&params, rng: &rng)
        let n = 6, steps = 4
        let images = Tensor.uniform([n, 16, 16, 1], 0, 1, rng: &rng)
        let actions = (0..<steps).map { _ in Tensor.uniform([n, 2], -1, 1, rng: &rng) }
        var targets = Tensor(shape: [n, steps])
        for i in targets.data.indices { targets.data[i] = rng.uniform() < 0.3 ? 1 : 0 }
        let labels = (0..<n).map { targets.data[$0 * steps + steps - 1] > 0 ? 1 : 0 }

        let start = params
        var opt = Adam(learningRate: 1e-2)
        let g = Graph(trainable: { !$0.hasPrefix("trunk.") })
        var losses: [Float] = []
        for _ in 0..<30 {
            for batch in Minibatches.rebalanced(classes: labels, count: n, size: n, rng: &rng) {
                g.reset(); g.setParameters(params)
                let logits = model(image: g.input(images.gather(rows: batch)),
                                   actions: actions.map { g.input($0.gather(rows: batch)) })
                let loss = g.sigmoidCrossEntropy(g.concat(logits, axis: 1), targets: g.input(targets.gather(rows: batch)),
                                                 positiveWeight: 2)
                losses.append(g.value(loss).scalar)
                g.backward(loss)
                opt.step(&params, graph: g)
            }
        }
        #expect(losses.last! < losses.first!)
        for name in params.names where name.hasPrefix("trunk.") { #expect(params[name] == start[name]) }

        let dir = TempDir()
        defer { dir.remove() }
        let path = dir.file("gts.safetensors")
        try Checkpoint.save(params, metadata: CheckpointMetadata(architecture: "example", datasetHash: "00"), to: path)
        var fresh = Parameters()
        var other = RNG(seed: 99)
        model.initialize(&fresh, rng: &other)
        let (loaded, meta) = try Checkpoint.load(path, matching: fresh)
        #expect(meta?.architecture == "example" && loaded == params)

        let infer = Graph(parameters: loaded, recording: false)
        let tape = Graph(parameters: params)
        let a = model(image: infer.input(images), actions: actions.map { infer.input($0) })
        let b = model(image: tape.input(images), actions: actions.map { tape.input($0) })
        #expect(a.count == steps && a[steps - 1].shape == [n, 1])
        for t in 0..<steps {
            #expect(zip(a[t].value.data, b[t].value.data).allSatisfy { abs($0 - $1) < 1e-5 })
        }
    }
}
