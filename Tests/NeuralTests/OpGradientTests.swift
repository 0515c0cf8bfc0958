import Foundation
import Geometry
@testable import Neural
import Testing

/// Finite-difference checks of every op's backward pass.
@Suite struct OpGradientTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmul(_ ta: Bool, _ tb: Bool) {
        let a = randomTensor(ta ? [4, 3] : [3, 4], seed: 1), b = randomTensor(tb ? [5, 4] : [4, 5], seed: 2)
        checkGradients([a, b]) { g, x in g.matmul(x[0], x[1], transposeA: ta, transposeB: tb) }
    }

    @Test func matmulMatchesNaiveProduct() {
        let a = randomTensor([3, 4], seed: 3), b = randomTensor([4, 2], seed: 4)
        let g = Graph(recording: false)
        let y = g.value(g.matmul(g.input(a), g.input(b)))
        for i in 0..<3 { for j in 0..<2 {
            var s: Float = 0
            for k in 0..<4 { s += a.data[i * 4 + k] * b.data[k * 2 + j] }
            #expect(abs(y.data[i * 2 + j] - s) < 1e-5)
        } }
    }

    @Test func linearWithBiasAndFusedRelu() {
        let x = randomTensor([5, 4], seed: 5), w = randomTensor([3, 4], seed: 6), b = randomTensor([3], seed: 7)
        checkGradients([x, w, b]) { g, v in g.linear(v[0], v[1], v[2]) }
        // fused ReLU: keep pre-activations away from zero by a large positive bias on one unit
        var b2 = b
        b2.data[0] = 3
        checkGradients([x, w, b2]) { g, v in g.linear(v[0], v[1], v[2], activation: .relu) }
        // rank-3 input is treated as rows
        checkGradients([randomTensor([2, 3, 4], seed: 8), w]) { g, v in g.linear(v[0], v[1], nil) }
    }

    @Test func largeLinearSplitMatchesMatmul() {
        // big enough for the two-half row split; checked against matmul + broadcast add
        let x = randomTensor([130, 300], seed: 60), w = randomTensor([200, 300], seed: 61), b = randomTensor([200], seed: 62)
        for parallel in [true, false] {
            let g = Graph(recording: false)
            g.parallel = parallel
            let y = g.value(g.linear(g.input(x), g.input(w), g.input(b)))
            let ref = g.value(g.add(g.matmul(g.input(x), g.input(w), transposeB: true), g.input(b)))
            #expect(zip(y.data, ref.data).allSatisfy { abs($0 - $1) <= 1e-4 })
        }
    }

    @Test func broadcastingArithmetic() {
        let a = randomTensor([2, 3, 4], seed: 9), b = randomTensor([3, 1], seed: 10, lo: 0.5, hi: 1.5)
        checkGradients([a, b]) { g, v in g.add(v[0], v[1]) }
        checkGradients([a, b]) { g, v in g.sub(v[1], v[0]) }
        checkGradients([a, b]) { g, v in g.mul(v[0], v[1]) }
        checkGradients([a, b]) { g, v in g.div(v[0], v[1]) }
        checkGradients([a, randomTensor([4], seed: 11)]) { g, v in g.add(v[0], v[1]) }
        checkGradients([a, randomTensor([], seed: 12)]) { g, v in g.mul(v[0], v[1]) }
        checkGradients([a, awayFromZero([2, 3, 4], seed: 13)]) { g, v in g.maximum(v[0], g.add(v[0], v[1])) }
    }

    @Test func broadcastValues() {
        let g = Graph(recording: false)
        let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]), b = Tensor(shape: [2, 1], data: [10, 20])
        #expect(g.value(g.add(g.input(a), g.input(b))).data == [11, 12, 13, 24, 25, 26])
        let c = Tensor(shape: [3], data: [1, 0, -1])
        #expect(g.value(g.mul(g.input(a), g.input(c))).data == [1, 0, -3, 4, 0, -6])
        #expect(g.value(g.add(g.input(b), g.input(c))).shape == [2, 3])
    }

    @Test func unaryFunctions() {
        let x = awayFromZero([3, 5], seed: 14)
        let positive = randomTensor([3, 5], seed: 15, lo: 0.5, hi: 2)
        checkGradients([x]) { g, v in g.relu(v[0]) }
        checkGradients([x]) { g, v in g.leakyRelu(v[0], alpha: 0.1) }
        checkGradients([x]) { g, v in g.tanh(v[0]) }
        checkGradients([x]) { g, v in g.sigmoid(v[0]) }
        checkGradients([x]) { g, v in g.softplus(v[0]) }
        checkGradients([x]) { g, v in g.exp(v[0]) }
        checkGradients([positive]) { g, v in g.log(v[0]) }
        checkGradients([x]) { g, v in g.square(v[0]) }
        checkGradients([positive]) { g, v in g.sqrt(v[0]) }
        checkGradients([x]) { g, v in g.abs(v[0]) }
        checkGradients([x]) { g, v in g.affine(v[0], scale: -2, shift: 0.5) }
        checkGradients([Tensor(shape: [6], data: [-0.9, -0.3, 0.2, 0.4, 0.8, 1.2])]) { g, v in g.clamp(v[0], -0.55, 0.55) }
    }

    @Test func stableFunctionsAtExtremes() {
        let g = Graph(recording: false)
        let x = g.input(Tensor(shape: [4], data: [-200, -30, 30, 200]))
        let s = g.value(g.sigmoid(x)).data, sp = g.value(g.softplus(x)).data
        #expect(s.allSatisfy(\.isFinite) && s[0] < 1e-30 && s[3] == 1)
        let t = g.value(g.tanh(x)).data
        #expect(t == [-1, -1, 1, 1])
        #expect(sp.allSatisfy(\.isFinite) && sp[0] == 0 && sp[3] == 200)
    }

    @Test func fastExpMatchesLibm() {
        var worst: Float = 0
        for i in -8000...8000 {
            let x = Float(i) * 0.01
            worst = max(worst, abs(fastExp(x) - expf(x)) / expf(x))
        }
        #expect(worst < 1e-6)
        // the vector version gives the same bits as the scalar one
        let xs = Kernels.V((0..<Kernels.width).map { Float($0) * 15.1 - 60 })
        let ys = fastExp(xs)
        #expect((0..<Kernels.width).allSatisfy { ys[$0] == fastExp(xs[$0]) })
        #expect(fastTanh(xs)[7] == fastTanh(xs[7]) && fastSigmoid(xs)[3] == fastSigmoid(xs[3]))
        #expect(fastExp(-1000) == 0 || fastExp(-1000) < 1e-37)
        #expect(abs(fastTanh(0.3) - tanhf(0.3)) < 1e-6 && abs(fastSigmoid(-2) - 1 / (1 + expf(2))) < 1e-6)
    }

    @Test func dropout() {
        let x = randomTensor([4, 6], seed: 16)
        checkGradients([x]) { g, v in
            var rng = RNG(seed: 3)
            g.training = true
            return g.dropout(v[0], p: 0.5, rng: &rng)
        }
        let g = Graph(recording: false, training: false)
        var rng = RNG(seed: 3)
        #expect(g.value(g.dropout(g.input(x), p: 0.5, rng: &rng)) == x)
    }

    @Test func reductions() {
        let x = randomTensor([2, 3, 4], seed: 17)
        checkGradients([x]) { g, v in g.sum(v[0]) }
        checkGradients([x]) { g, v in g.mean(v[0]) }
        for axis in 0..<3 {
            checkGradients([x]) { g, v in g.sum(v[0], axis: axis) }
            checkGradients([x]) { g, v in g.mean(v[0], axis: axis, keepDims: true) }
            checkGradients([distinct([2, 3, 4], seed: 18)]) { g, v in g.max(v[0], axis: axis) }
        }
        let g = Graph(recording: false)
        let s = g.value(g.sum(g.input(Tensor(shape: [2, 2], data: [1, 2, 3, 4])), axis: 0))
        #expect(s.data == [4, 6] && s.shape == [2])
    }

    @Test func shapeOps() {
        let x = randomTensor([2, 3, 4], seed: 19), y = randomTensor([2, 2, 4], seed: 20)
        checkGradients([x]) { g, v in g.reshape(v[0], [6, -1]) }
        checkGradients([x]) { g, v in g.flatten(v[0]) }
        checkGradients([x, y]) { g, v in g.concat([v[0], v[1], v[0]], axis: 1) }
        checkGradients([x]) { g, v in g.slice(v[0], axis: 2, start: 1, length: 2) }
        checkGradients([x, x]) { g, v in g.stack([v[0], v[1]], axis: 1) }
        checkGradients([randomTensor([3, 5], seed: 21)]) { g, v in g.transpose(v[0]) }
        checkGradients([randomTensor([4, 3], seed: 22)]) { g, v in g.gather(v[0], rows: [2, 0, 2, 3]) }
        checkGradients([randomTensor([4, 3], seed: 23)]) { g, v in g.pick(v[0], columns: [2, 0, 1, 2]) }
        let g = Graph(recording: false)
        let a = g.input(Tensor(shape: [2, 2], data: [1, 2, 3, 4])), b = g.input(Tensor(shape: [2, 1], data: [5, 6]))
        #expect(g.value(g.concat([a, b], axis: 1)).data == [1, 2, 5, 3, 4, 6])
        #expect(g.value(g.stack([a, a], axis: 0)).shape == [2, 2, 2])
        #expect(g.value(g.slice(a, axis: 0, start: 1, length: 1)).data == [3, 4])
        #expect(g.value(g.pick(a, columns: [1, 0])).data == [2, 3])
    }

    @Test(arguments: [(1, 1), (2, 1), (1, 0), (2, 0)])
    func conv2d(_ stride: Int, _ padding: Int) {
        let x = randomTensor([2, 5, 6, 3], seed: 23), w = randomTensor([4, 3, 3, 3], seed: 24), b = randomTensor([4], seed: 25)
        checkGradients([x, w, b]) { g, v in g.conv2d(v[0], v[1], v[2], stride: stride, padding: padding) }
    }

    @Test func conv2dPointwiseAndFusedRelu() {
        let x = randomTensor([2, 4, 4, 3], seed: 26), w = randomTensor([5, 1, 1, 3], seed: 27)
        checkGradients([x, w]) { g, v in g.conv2d(v[0], v[1], nil) }
        var b = Tensor(shape: [2], repeating: 0)
        b.data = [4, 4]
        checkGradients([x, randomTensor([2, 3, 3, 3], seed: 28), b]) { g, v in
            g.conv2d(v[0], v[1], v[2], stride: 1, padding: 1, activation: .relu)
        }
    }

    @Test func conv2dMatchesDirectSum() {
        let x = randomTensor([1, 4, 4, 2], seed: 29), w = randomTensor([3, 3, 3, 2], seed: 30)
        let g = Graph(recording: false)
        let y = g.value(g.conv2d(g.input(x), g.input(w), nil, stride: 2, padding: 1))
        #expect(y.shape == [1, 2, 2, 3])
        for oh in 0..<2 { for ow in 0..<2 { for co in 0..<3 {
            var s: Float = 0
            for kh in 0..<3 { for kw in 0..<3 { for ci in 0..<2 {
                let ih = oh * 2 - 1 + kh, iw = ow * 2 - 1 + kw
                if ih < 0 || ih >= 4 || iw < 0 || iw >= 4 { continue }
                s += x.data[(ih * 4 + iw) * 2 + ci] * w.data[((co * 3 + kh) * 3 + kw) * 2 + ci]
            } } }
            #expect(abs(y.data[(oh * 2 + ow) * 3 + co] - s) < 1e-5)
        } } }
    }

    @Test func pooling() {
        let x = distinct([2, 5, 5, 3], seed: 31)
        checkGradients([x]) { g, v in g.maxPool2d(v[0], kernel: 2) }
        checkGradients([x]) { g, v in g.maxPool2d(v[0], kernel: 3, stride: 2, padding: 1) }
        checkGradients([x]) { g, v in g.avgPool2d(v[0], kernel: 2) }
        checkGradients([x]) { g, v in g.avgPool2d(v[0], kernel: 3, stride: 2, padding: 1) }
        checkGradients([x]) { g, v in g.globalAvgPool(v[0]) }
        let g = Graph(recording: false)
        let img = g.input(Tensor(shape: [1, 2, 2, 1], data: [1, 5, 3, 2]))
        #expect(g.value(g.maxPool2d(img, kernel: 2)).data == [5])
        #expect(g.value(g.avgPool2d(img, kernel: 2)).data == [2.75])
    }

    @Test func normalisation() {
        let x = randomTensor([3, 5], seed: 32, lo: -2, hi: 2)
        checkGradients([x]) { g, v in g.softmax(v[0]) }
        checkGradients([x]) { g, v in g.logSoftmax(v[0]) }
        checkGradients([x, randomTensor([5], seed: 33), randomTensor([5], seed: 34)]) { g, v in
            g.layerNorm(v[0], gamma: v[1], beta: v[2])
        }
        let g = Graph(recording: false)
        let p = g.value(g.softmax(g.input(Tensor(shape: [1, 3], data: [1000, 1000, 1000])))).data
        #expect(p.allSatisfy { abs($0 - 1.0 / 3) < 1e-6 })
    }

    @Test func lstmCell() {
        let z = randomTensor([3, 8], seed: 40, lo: -2, hi: 2), c = randomTensor([3, 2], seed: 41)
        checkGradients([z, c]) { g, v in
            let (h, cn) = g.lstmCell(gates: v[0], cell: v[1])
            return g.concat([h, cn], axis: 1)
        }
        // only h used downstream, and only c used downstream
        checkGradients([z, c]) { g, v in g.lstmCell(gates: v[0], cell: v[1]).h }
        checkGradients([z, c]) { g, v in g.lstmCell(gates: v[0], cell: v[1]).c }
        // hidden 17: two 8-lane blocks plus a scalar remainder
        let zw = randomTensor([2, 68], seed: 42, lo: -3, hi: 3), cw = randomTensor([2, 17], seed: 43)
        checkGradients([zw, cw], maxChecks: 40) { g, v in
            let (h, cn) = g.lstmCell(gates: v[0], cell: v[1])
            return g.concat([h, cn], axis: 1)
        }
        // a batch large enough for the two-thread row split: same bits with or without it, taped or not
        let zb = randomTensor([300, 512], seed: 44, lo: -3, hi: 3), cb = randomTensor([300, 128], seed: 45)
        var outs: [[Float]] = []
        for (recording, parallel) in [(false, true), (false, false), (true, true)] {
            let g = Graph(recording: recording)
            g.parallel = parallel
            let (h, cn) = g.lstmCell(gates: g.input(zb, requiresGrad: recording), cell: g.input(cb))
            outs.append(g.value(h).data + g.value(cn).data)
        }
        #expect(outs[0] == outs[1] && outs[0] == outs[2])
        // values against the unfused formula
        for (z, c, hd) in [(z, c, 2), (zw, cw, 17)] {
            let g = Graph(recording: false)
            let (h, cn) = g.lstmCell(gates: g.input(z), cell: g.input(c))
            for r in 0..<2 { for j in 0..<hd {
                func sig(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
                let zz = { (k: Int) in z.data[r * 4 * hd + k * hd + j] }
                let want = sig(zz(1)) * c.data[r * hd + j] + sig(zz(0)) * tanhf(zz(2))
                #expect(abs(g.value(cn).data[r * hd + j] - want) < 1e-5)
                #expect(abs(g.value(h).data[r * hd + j] - sig(zz(3)) * tanhf(want)) < 1e-5)
            } }
        }
    }

    @Test func losses() {
        let logits = randomTensor([4, 3], seed: 35, lo: -3, hi: 3)
        var targets = Tensor(shape: [4, 3])
        for i in stride(from: 0, to: 12, by: 3) { targets.data[i] = 1 }
        let mask = Tensor(shape: [4, 3], data: [1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 0, 1])
        checkGradients([logits]) { g, v in g.sigmoidCrossEntropy(v[0], targets: g.input(targets), positiveWeight: 3) }
        checkGradients([logits]) { g, v in
            g.sigmoidCrossEntropy(v[0], targets: g.input(targets), positiveWeight: 0.5, mask: g.input(mask))
        }
        checkGradients([logits]) { g, v in g.softmaxCrossEntropy(v[0], labels: [0, 2, 1, 2]) }
        checkGradients([logits, targets]) { g, v in g.mse(v[0], v[1]) }
        checkGradients([logits, randomTensor([4, 3], seed: 36), targets]) { g, v in
            g.gaussianNLL(mean: v[0], logVariance: v[1], target: v[2])
        }
    }

    @Test func lossValues() {
        let g = Graph(recording: false)
        // pos weight w: loss(x, 1) = w * log(1 + e^-x); loss(x, 0) = log(1 + e^x)
        let x = g.input(Tensor(shape: [2], data: [0.3, -1.2])), t = g.input(Tensor(shape: [2], data: [1, 0]))
        let l = g.value(g.sigmoidCrossEntropy(x, targets: t, positiveWeight: 4)).scalar
        let want: Double = (4 * Foundation.log(1 + Foundation.exp(-0.3)) + Foundation.log(1 + Foundation.exp(-1.2))) / 2
        #expect(abs(Double(l) - want) < 1e-5)
        // extreme logits stay finite
        let big = g.input(Tensor(shape: [2], data: [500, -500]))
        #expect(g.value(g.sigmoidCrossEntropy(big, targets: t)).scalar.isFinite)
        let ce = g.value(g.softmaxCrossEntropy(g.input(Tensor(shape: [1, 2], data: [0, 0])), labels: [1])).scalar
        #expect(abs(ce - logf(2)) < 1e-6)
        let nll = g.value(g.gaussianNLL(mean: g.scalar(0), logVariance: g.scalar(0), target: g.scalar(0))).scalar
        #expect(abs(nll - 0.5 * logf(2 * .pi)) < 1e-6)
    }
}
