import Geometry
@testable import Neural
import Testing

/// Models actually learn; optimisers, freezing and determinism behave.
@Suite struct TrainingTests {
    @Test func learnsXOR() {
        let model = Sequential { Dense("h", 2, 8, activation: .tanh); Dense("out", 8, 1) }
        var rng = RNG(seed: 1)
        var p = model.initialParameters(rng: &rng)
        let x = Tensor(shape: [4, 2], data: [0, 0, 0, 1, 1, 0, 1, 1]), t = Tensor(shape: [4, 1], data: [0, 1, 1, 0])
        var opt = Adam(learningRate: 0.05)
        let g = Graph()
        for _ in 0..<300 {
            g.reset(); g.setParameters(p)
            g.backward(g.sigmoidCrossEntropy(model(g.input(x)), targets: g.input(t)))
            opt.step(&p, gradients: g.gradients())
        }
        let eval = Graph(parameters: p, recording: false)
        let y = eval.value(model(eval.input(x))).data
        #expect(y.map { $0 > 0 ? Float(1) : 0 } == t.data, "logits \(y)")
    }

    /// 16x16 images with a bright 3-pixel-wide vertical bar on the left or right half, plus noise.
    func bars(_ n: Int, seed: UInt64) -> Dataset {
        var rng = RNG(seed: seed)
        var img = Tensor(shape: [n, 16, 16, 1]), labels: [Int] = []
        for i in 0..<n {
            let right = rng.int(below: 2)
            let col = right == 1 ? 8 + rng.int(below: 6) : rng.int(below: 6)
            let top = rng.int(below: 6), len = 6 + rng.int(below: 5)
            for p in 0..<256 { img.data[i * 256 + p] = 0.3 * rng.uniformFloat() }
            for r in top..<min(16, top + len) { for c in col..<(col + 3) { img.data[i * 256 + r * 16 + c] += 1 } }
            labels.append(right)
        }
        return Dataset(inputs: img, targets: Tensor(shape: [n, 1], data: labels.map(Float.init)), classes: labels)
    }

    @Test func learnsBarSideFromImages() {
        let model = Sequential {
            Conv2d("c0", 1, 8, kernel: 3, stride: 2, padding: 1, activation: .relu)
            Conv2d("c1", 8, 8, kernel: 3, stride: 2, padding: 1, activation: .relu)
            Pool2d(.max, kernel: 2)
            Flatten()
            Dense("out", 32, 2)
        }
        var rng = RNG(seed: 2)
        var p = model.initialParameters(rng: &rng)
        let train = bars(256, seed: 3), test = bars(200, seed: 4)
        var opt = Adam(learningRate: 0.01)
        let g = Graph()
        for _ in 0..<8 {
            for idx in Minibatches.shuffled(count: train.count, size: 32, rng: &rng) {
                let (x, _) = train.batch(idx)
                g.reset(); g.setParameters(p)
                g.backward(g.softmaxCrossEntropy(model(g.input(x)), labels: idx.map { train.classes[$0] }))
                opt.step(&p, gradients: g.gradients())
            }
        }
        let eval = Graph(parameters: p, recording: false)
        let logits = eval.value(model(eval.input(test.inputs)))
        var correct = 0
        for i in 0..<test.count where (logits.data[2 * i + 1] > logits.data[2 * i] ? 1 : 0) == test.classes[i] { correct += 1 }
        // stated accuracy: at least 95% on 200 held-out images
        #expect(correct >= 190, "accuracy \(correct)/200")
    }

    func referenceBatch(seed: UInt64) -> (Tensor, Tensor, Tensor) {
        var rng = RNG(seed: seed)
        let images = Tensor.uniform([4, 64, 64, 1], 0, 1, rng: &rng), actions = Tensor.uniform([4, 20], -1, 1, rng: &rng)
        var t = Tensor(shape: [4, 10])
        for i in t.data.indices { t.data[i] = rng.uniform() < 0.3 ? 1 : 0 }
        return (images, actions, t)
    }

    @Test func frozenParametersStayUntouched() {
        let model = ReferenceModel()
        var rng = RNG(seed: 7)
        var p = Parameters()
        model.initialize(&p, rng: &rng)
        let before = p
        let (img, act, t) = referenceBatch(seed: 8)
        let g = Graph(trainable: { !$0.hasPrefix("trunk.") })
        var opt = Adam.adamW(learningRate: 1e-2, weightDecay: 0.1)
        for _ in 0..<3 { NeuralBench.trainStep(model, g, &p, &opt, images: img, actions: act, targets: t) }
        #expect(g.gradients().names.allSatisfy { !$0.hasPrefix("trunk.") })
        for name in p.names {
            if name.hasPrefix("trunk.") { #expect(p[name] == before[name], "\(name) changed") }
            else { #expect(p[name] != before[name], "\(name) did not train") }
        }
    }

    @Test func trainingIsDeterministic() {
        func run(parallel: Bool = true) -> Parameters {
            let model = ReferenceModel()
            var rng = RNG(seed: 11)
            var p = Parameters()
            model.initialize(&p, rng: &rng)
            let (img, act, t) = referenceBatch(seed: 12)
            var opt = Adam()
            let g = Graph()
            g.parallel = parallel
            for _ in 0..<2 { NeuralBench.trainStep(model, g, &p, &opt, images: img, actions: act, targets: t) }
            return p
        }
        let a = run()
        #expect(a == run())
        // the two-thread convolution split gives the same bits as running its halves in turn
        #expect(a == run(parallel: false))
    }

    @Test func inferencePathMatchesTapeAndReusesBuffers() {
        let model = ReferenceModel()
        var rng = RNG(seed: 13)
        var p = Parameters()
        model.initialize(&p, rng: &rng)
        let (img, act, _) = referenceBatch(seed: 14)
        let tape = Graph(parameters: p)
        let a = tape.value(model(images: tape.input(img), actions: tape.input(act)))
        let inf = Graph(parameters: p, recording: false)
        let b = inf.value(model(images: inf.input(img), actions: inf.input(act)))
        // the inference path unfolds convolutions in cache-sized chunks: same values up to rounding
        #expect(zip(a.data, b.data).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($0)) })
        inf.reset()
        #expect(inf.value(model(images: inf.input(img), actions: inf.input(act))) == b)
        let pooled = inf.allocatedBuffers
        for _ in 0..<3 {
            inf.reset()
            _ = model(images: inf.input(img), actions: inf.input(act))
        }
        #expect(inf.allocatedBuffers == pooled)
    }

    @Test func sgdMomentumAndClipping() {
        // minimise |w - 3|^2 from 0
        var p = Parameters()
        p["w"] = Tensor(shape: [2], repeating: 0)
        var opt = SGD(learningRate: 0.1, momentum: 0.9)
        let target = Tensor(shape: [2], repeating: 3)
        let g = Graph()
        for _ in 0..<200 {
            g.reset(); g.setParameters(p)
            g.backward(g.mse(g.param("w"), g.input(target)))
            opt.step(&p, gradients: g.gradients())
        }
        #expect(p["w"]!.data.allSatisfy { abs($0 - 3) < 1e-3 })
        var grads = Parameters()
        grads["a"] = Tensor(shape: [2], data: [3, 0])
        grads["b"] = Tensor(shape: [1], data: [4])
        #expect(Gradients.clip(&grads, maxNorm: 1) == 5)
        #expect(abs(Gradients.globalNorm(grads) - 1) < 1e-6)
        #expect(abs(grads["b"]!.data[0] - 0.8) < 1e-6)
        // the same clipping in place on a graph's gradients
        var q = Parameters()
        q["a"] = Tensor(shape: [1], data: [1])
        q["b"] = Tensor(shape: [1], data: [3])
        let g2 = Graph(parameters: q)
        g2.backward(g2.add(g2.sum(g2.scale(g2.param("a"), 3)), g2.sum(g2.scale(g2.param("b"), 4))))
        #expect(g2.clipGradients(maxNorm: 1) == 5)
        #expect(abs(g2.gradients()["a"]!.data[0] - 0.6) < 1e-6 && abs(g2.gradients()["b"]!.data[0] - 0.8) < 1e-6)
    }

    @Test func weightDecayShrinksWeightsWithoutGradient() {
        var p = Parameters()
        p["w"] = Tensor(shape: [1], data: [1])
        var zero = Parameters()
        zero["w"] = Tensor(shape: [1], data: [0])
        var adamW = Adam.adamW(learningRate: 0.1, weightDecay: 0.5)
        adamW.step(&p, gradients: zero)
        #expect(abs(p["w"]!.data[0] - 0.95) < 1e-6)
        var sgd = SGD(learningRate: 0.1, weightDecay: 0.5)
        sgd.step(&p, gradients: zero)
        #expect(abs(p["w"]!.data[0] - 0.95 * 0.95) < 1e-6)
    }

    @Test func graphsAreFreedWithoutReset() {
        weak var weakGraph: Graph?
        do {
            let g = Graph()
            weakGraph = g
            let x = g.input(Tensor(shape: [2, 3], repeating: 0.5), requiresGrad: true)
            let h = LSTM("l", inputs: 3, hidden: 2)
            var p = Parameters()
            var rng = RNG(seed: 1)
            h.initialize(&p, rng: &rng)
            g.setParameters(p)
            let (out, _) = h([x, x])
            g.backward(g.add(g.sum(g.tanh(out[1])), g.sum(g.pick(x, columns: [0, 2]))))
        }
        #expect(weakGraph == nil, "the tape's closures keep the graph alive")
    }

    @Test func polyakAveraging() {
        var target = Parameters(), online = Parameters()
        target["w"] = Tensor(shape: [2], data: [0, 10])
        online["w"] = Tensor(shape: [2], data: [1, 0])
        online["extra"] = Tensor(scalar: 5)
        target.moveToward(online, rate: 0.25)
        #expect(target["w"]!.data == [0.25, 7.5] && !target.contains("extra"))
    }

    @Test func minibatches() {
        var rng = RNG(seed: 3)
        let batches = Minibatches.shuffled(count: 103, size: 10, rng: &rng)
        #expect(batches.count == 11 && batches.last!.count == 3)
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<103))
        var r2 = RNG(seed: 3)
        #expect(Minibatches.shuffled(count: 103, size: 10, rng: &r2) == batches)
        #expect(Minibatches.shuffled(count: 103, size: 10, rng: &r2, dropLast: true).count == 10)
        // 5% positives, rebalanced to about half
        let classes = (0..<1000).map { $0 % 20 == 0 ? 1 : 0 }
        let picks = Minibatches.rebalanced(classes: classes, count: 4000, size: 64, rng: &rng).flatMap { $0 }
        let positives = picks.filter { classes[$0] == 1 }.count
        #expect(picks.count == 4000 && abs(positives - 2000) < 150)
        let ds = Dataset(inputs: Tensor(shape: [3, 2], data: [0, 1, 2, 3, 4, 5]), targets: Tensor(shape: [3], data: [7, 8, 9]))
        let b = ds.batch([2, 0])
        #expect(b.inputs.data == [4, 5, 0, 1] && b.targets.data == [9, 7])
    }
}
