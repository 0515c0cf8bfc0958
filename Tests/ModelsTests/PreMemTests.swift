import Foundation
import Geometry
import Models
import Neural
import Testing

@Suite("PreMem tokens, sampling, score and policy")
struct PreMemTests {
    @Test func tokensRoundTripAndClamp() {
        for count in [2, 7, 9] {
            let v = PreMemTokens(count: count, maxRate: 2.0)
            for k in 0..<count {
                #expect(v.token(v.rate(k)) == k)
                // anything within half a bin maps back to the same token
                let half = 2.0 * v.maxRate / Double(count - 1) / 2
                #expect(v.token(v.rate(k) + 0.49 * half) == k && v.token(v.rate(k) - 0.49 * half) == k)
            }
            #expect(v.rate(0) == -2 && v.rate(count - 1) == 2)
            #expect(v.token(-50) == 0 && v.token(50) == count - 1)
        }
        #expect(PreMemTokens(count: 7, maxRate: 1).rate(3) == 0)
    }

    @Test func zeroTemperatureIsArgmaxAndFrequenciesMatchTheSoftmax() {
        var rng = RNG(seed: 3)
        for _ in 0..<50 {
            let logits = (0..<7).map { _ in Float(rng.normal() * 2) }
            let best = logits.indices.max { logits[$0] < logits[$1] }!
            #expect(PreMemSampling.sample(logits, temperature: 0, rng: &rng) == best)
            #expect(PreMemSampling.sample(logits, temperature: 1e-4, rng: &rng) == best)
        }
        // frequencies on a fixed table at T = 0.8 and T = 2
        let logits: [Float] = [1.0, -0.5, 2.0, 0.0, 0.7]
        for temperature in [0.8, 2.0] {
            let z = logits.map { exp(Double($0) / temperature) }
            let p = z.map { $0 / z.reduce(0, +) }
            var counts = [Int](repeating: 0, count: logits.count)
            let n = 40_000
            for _ in 0..<n { counts[PreMemSampling.sample(logits, temperature: temperature, rng: &rng)] += 1 }
            for k in logits.indices {
                let se = (p[k] * (1 - p[k]) / Double(n)).squareRoot()
                #expect(abs(Double(counts[k]) / Double(n) - p[k]) < 5 * se, "token \(k) at T \(temperature)")
            }
        }
    }

    @Test func prememOnHandMadeTables() {
        // memorised at checkpoint 2: best before is 0.6, last is 0.8 -> 0.6
        #expect(PreMemScore.example(accuracy: [0.2, 0.6, 1.0, 0.8], perplexity: [3, 1.5, 1.1, 1.05]) == 0.6)
        #expect(PreMemScore.memorizedAt(perplexity: [3, 1.5, 1.1, 1.05]) == 2)
        // memorised, then the last checkpoint is worse than before: min picks the last
        #expect(PreMemScore.example(accuracy: [0.4, 0.8, 1.0, 0.2], perplexity: [2, 1.3, 1.1, 1.0]) == 0.2)
        // never memorised (1.2 itself is not below the threshold): min(last, best of all)
        #expect(PreMemScore.example(accuracy: [0.2, 0.6, 0.4], perplexity: [4, 1.2, 1.25]) == 0.4)
        #expect(PreMemScore.memorizedAt(perplexity: [4, 1.2, 1.25]) == nil)
        // memorised at the first checkpoint: nothing before memorisation
        #expect(PreMemScore.example(accuracy: [1, 1], perplexity: [1.1, 1.0]) == 0)
        // a looser threshold memorises earlier
        #expect(PreMemScore.example(accuracy: [0.2, 0.6, 1.0, 0.8], perplexity: [3, 1.5, 1.1, 1.05], threshold: 2) == 0.2)
        // dataset: tables [checkpoint][example]
        let acc: [[Double]] = [[0.2, 0.4, 0.0], [0.6, 0.8, 0.2], [1.0, 0.2, 0.4]]
        let ppl: [[Double]] = [[3, 2, 5], [1.5, 1.1, 4], [1.1, 1.0, 3]]
        #expect(PreMemScore.examples(accuracy: acc, perplexity: ppl) == [0.6, 0.2, 0.4])
        #expect(abs(PreMemScore.dataset(accuracy: acc, perplexity: ppl) - 0.4) < 1e-12)
    }

    @Test func tinyPolicyMemorisesATinyDataset() {
        var rng = RNG(seed: 11)
        let queries = (0..<4).map { _ in (0..<5).map { _ in Float(rng.uniform(-1, 1)) } }
        let targets = (0..<4).map { _ in (0..<6).map { _ in rng.int(below: 5) } }
        let policy = PreMemSequencePolicy(queryDim: 5, tokens: 5, steps: 6, width: 32, tokenTurn: [-0.4, -0.2, 0, 0.2, 0.4])
        var s = PreMemTrainer.Settings()
        s.learningRate = 1e-2
        s.epochs = 300
        s.batchSize = 4
        s.checkpointEvery = 100
        var first: [Double] = []
        var epochs: [Int] = []
        let trainer = PreMemTrainer(policy: policy, settings: s)
        #expect(trainer.checkpointEpochs == [100, 200, 300])
        var initial = Parameters()
        var initRng = RNG(seed: 5)
        policy.initialize(&initial, rng: &initRng)
        let feats = policy.teacherForcedFeatures(queries: queries, targets: targets)
        first = policy.targetPerplexity(initial, features: feats, targets: targets)
        let p = trainer.train(queries: queries, targets: targets, rng: &rng) { e, _, _ in epochs.append(e) }
        #expect(epochs == [100, 200, 300])
        let ppl = policy.targetPerplexity(p, features: feats, targets: targets)
        for v in first { #expect(v > 2) }
        for v in ppl { #expect(v < 1.05) }
        // greedy decoding then reproduces every target
        var srng = RNG(seed: 1)
        #expect(policy.sample(p, queries: queries, samplesPerQuery: 1, temperature: 0, rng: &srng) == targets)
    }
}
