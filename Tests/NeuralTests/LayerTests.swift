import Geometry
@testable import Neural
import Testing

/// Finite-difference checks of every layer (inputs and parameters).
@Suite struct LayerTests {
    func params(_ build: (inout Parameters, inout RNG) -> Void) -> Parameters {
        var p = Parameters()
        var rng = RNG(seed: 5)
        build(&p, &rng)
        return p
    }

    @Test func dense() {
        for act in [Activation.none, .tanh, .sigmoid, .softplus] {
            let layer = Dense("fc", 4, 3, activation: act)
            let p = params { layer.initialize(&$0, rng: &$1) }
            #expect(p.names == ["fc.weight", "fc.bias"])
            checkGradients([randomTensor([5, 4], seed: 1)], params: p) { _, x in layer(x[0]) }
        }
        let relu = Dense("fc", 4, 3, activation: .relu)
        var p = params { relu.initialize(&$0, rng: &$1) }
        p["fc.bias"] = Tensor(shape: [3], repeating: 2)
        checkGradients([randomTensor([5, 4], seed: 2, lo: 0, hi: 1)], params: p, rtol: 3e-2) { _, x in relu(x[0]) }
    }

    @Test func conv2dAndSequential() {
        let model = Sequential {
            Conv2d("trunk.conv0", 2, 3, kernel: 3, stride: 2, padding: 1, activation: .tanh)
            Pool2d(.average, kernel: 2)
            Flatten()
            Dense("head", 3, 2)
        }
        let p = params { model.initialize(&$0, rng: &$1) }
        #expect(p.names == ["trunk.conv0.weight", "trunk.conv0.bias", "head.weight", "head.bias"])
        #expect(p["trunk.conv0.weight"]!.shape == [3, 3, 3, 2])
        checkGradients([randomTensor([2, 4, 4, 2], seed: 3)], params: p) { _, x in model(x[0]) }
    }

    @Test func layerNormAndEmbedding() {
        let ln = LayerNorm("ln", 6)
        var p = params { ln.initialize(&$0, rng: &$1) }
        p["ln.weight"] = randomTensor([6], seed: 4)
        checkGradients([randomTensor([3, 6], seed: 5)], params: p) { _, x in ln(x[0]) }
        let emb = Embedding("emb", count: 5, dim: 3)
        let pe = params { emb.initialize(&$0, rng: &$1) }
        checkGradients([randomTensor([4, 3], seed: 6)], params: pe) { g, x in g.mul(emb([4, 1, 1, 0], on: g), x[0]) }
    }

    @Test func lstmUnrolled() {
        let lstm = LSTM("rnn", inputs: 3, hidden: 4)
        let p = params { lstm.initialize(&$0, rng: &$1) }
        #expect(p["rnn.wx"]!.shape == [16, 3] && p["rnn.wh"]!.shape == [16, 4] && p["rnn.bias"]!.shape == [16])
        let xs = (0..<3).map { randomTensor([2, 3], seed: 10 + UInt64($0)) }
        let h0 = randomTensor([2, 4], seed: 20), c0 = randomTensor([2, 4], seed: 21)
        checkGradients(xs + [h0, c0], params: p) { g, v in
            let (out, final) = lstm(Array(v[0..<3]), initial: LSTM.State(h: v[3], c: v[4]))
            return g.concat(out + [final.c], axis: 1)
        }
    }

    @Test func gruUnrolled() {
        let gru = GRU("rnn", inputs: 3, hidden: 4)
        var p = params { gru.initialize(&$0, rng: &$1) }
        p["rnn.bh"] = randomTensor([12], seed: 30)
        let xs = (0..<3).map { randomTensor([2, 3], seed: 40 + UInt64($0)) }
        checkGradients(xs + [randomTensor([2, 4], seed: 50)], params: p) { g, v in
            g.stack(gru(Array(v[0..<3]), initial: v[3]), axis: 1)
        }
    }

    @Test func initialisers() {
        var rng = RNG(seed: 1)
        let he = Initializer.heUniform.make([64, 100], fanIn: 100, fanOut: 64, rng: &rng)
        let bound = (6.0 / 100).squareRoot()
        #expect(he.data.allSatisfy { abs(Double($0)) <= bound })
        #expect(he.data.contains { abs(Double($0)) > 0.8 * bound })
        let q = Initializer.orthogonal(gain: 1).make([4, 6], fanIn: 6, fanOut: 4, rng: &rng)
        for i in 0..<4 { for j in 0..<4 {
            var d: Float = 0
            for k in 0..<6 { d += q.data[i * 6 + k] * q.data[j * 6 + k] }
            #expect(abs(d - (i == j ? 1 : 0)) < 1e-5)
        } }
        var r1 = RNG(seed: 9), r2 = RNG(seed: 9)
        #expect(Initializer.glorotNormal.make([8, 8], fanIn: 8, fanOut: 8, rng: &r1)
                == Initializer.glorotNormal.make([8, 8], fanIn: 8, fanOut: 8, rng: &r2))
    }
}
