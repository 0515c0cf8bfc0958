import Foundation
import Geometry
import Neural
import Testing
@testable import Models

/// The closed-form OCS of a weighted sigmoid head matches a brute-force minimisation of the
/// training loss over constants.
@Test func weightedSigmoidOCSMatchesBruteForce() {
    for w in [1.0, 4.0, 10.0] {
        for y in [0.03, 0.2, 0.5, 0.9] {
            var best = (p: 0.0, loss: Double.infinity)
            for i in 1..<100_000 {
                let p = Double(i) / 100_000
                let l = OptimalConstantSolution.weightedCrossEntropy(constant: p, positiveRate: y, positiveWeight: w)
                if l < best.loss { best = (p, l) }
            }
            #expect(abs(OptimalConstantSolution.weightedSigmoid(positiveRate: y, positiveWeight: w) - best.p) < 2e-5, "w \(w) y \(y)")
        }
    }
    // w = 1 is the label marginal
    #expect(abs(OptimalConstantSolution.weightedSigmoid(positiveRate: 0.3, positiveWeight: 1) - 0.3) < 1e-12)
}

/// The MSE OCS (per-output target mean) minimises the average squared error over constants.
@Test func mseOCSMatchesBruteForce() {
    var rng = RNG(seed: 5)
    let targets = (0..<300).map { _ in Float(rng.bernoulli(0.35) ? -4 : 1) }   // [100][3]
    let ocs = OptimalConstantSolution.mse(targets: targets, outputs: 3)
    for k in 0..<3 {
        let col = (0..<100).map { Double(targets[$0 * 3 + k]) }
        var best = (c: 0.0, loss: Double.infinity)
        for i in -5000...2000 {
            let c = Double(i) / 1000
            let l = col.reduce(0.0) { $0 + ($1 - c) * ($1 - c) }
            if l < best.loss { best = (c, l) }
        }
        #expect(abs(ocs[k] - best.c) < 1e-3)
    }
}

/// Reward targets: +1 where the primitive is safe, -4 where it collides, 0 for abstain (last).
@Test func rewardTargetsFromLabels() {
    let collisions: [Float] = [0, 1, 0,
                               1, 1, 1]
    let t = OCSRewardScheme().targets(collisions: collisions, actions: 3)
    #expect(t == [1, -4, 1, 0,
                  -4, -4, -4, 0])
    let custom = OCSRewardScheme(right: 2, wrong: -1, abstain: 0.5).targets(collisions: [1, 0], actions: 2)
    #expect(custom == [-1, 2, 0.5])
    // and the OCS of acting is negative once collisions are common enough (rate > 1/5 with +1/-4)
    let ocs = OptimalConstantSolution.mse(targets: t, outputs: 4)
    #expect(ocs == [-1.5, -4, -1.5, 0])
}

/// Toy images: a bright left half means primitive 0 is safe and 1 collides, a bright right half
/// the opposite. A tiny reward-regression model learns the rewards of both and abstain's 0.
@Test func tinyRewardModelRegressesRewards() {
    var config = OCSNetworkConfig()
    config.height = 8
    config.width = 8
    config.filters = [4]
    config.kernels = [3]
    config.strides = [2]
    config.features = 16
    var rng = RNG(seed: 11)
    func image(left: Bool, rng: inout RNG) -> [UInt8] {
        (0..<64).map { p in
            let bright = (p % 8 < 4) == left
            return UInt8(max(0, min(255, (bright ? 200 : 40) + Int(rng.normal() * 10))))
        }
    }
    var images: [UInt8] = [], labels: [Float] = []
    for i in 0..<200 {
        let left = i % 2 == 0
        images += image(left: left, rng: &rng)
        labels += left ? [0, 1] : [1, 0]
    }
    var model = OCSModel(kind: .rewardRegression, actions: 2, config: config, rng: &rng)
    var settings = OCSTrainingSettings()
    settings.epochs = 40
    settings.learningRate = 3e-3
    let losses = OCSTrainer.train(&model, images: images, collisions: labels, settings: settings, rng: &rng)
    #expect(losses.last! < 0.05 * losses.first!)
    let test = image(left: true, rng: &rng) + image(left: false, rng: &rng)
    let p = model.predict(images: test, count: 2)
    let expected: [[Float]] = [[1, -4, 0], [-4, 1, 0]]
    for i in 0..<2 { for k in 0..<3 { #expect(abs(p.row(i)[p.row(i).startIndex + k] - expected[i][k]) < 0.3, "image \(i) output \(k): \(p.row(i))") } }
    #expect(p.featureNorms.allSatisfy { $0 > 0 })
}

/// On uninformative (identical) images a classifier with positive weight w converges to the
/// weighted OCS of each output's label rate, and `optimalConstant` says so.
@Test func classifierOnBlankImagesConvergesToWeightedOCS() {
    var config = OCSNetworkConfig()
    config.height = 8
    config.width = 8
    config.filters = [2]
    config.kernels = [3]
    config.strides = [2]
    config.features = 4
    var rng = RNG(seed: 3)
    let n = 400
    let images = [UInt8](repeating: 90, count: n * 64)
    let labels: [Float] = (0..<n).flatMap { i -> [Float] in [i % 10 < 1 ? 1 : 0, i % 10 < 4 ? 1 : 0] }   // rates 0.1, 0.4
    var model = OCSModel(kind: .safetyClassifier, actions: 2, config: config, positiveWeight: 4, rng: &rng)
    var settings = OCSTrainingSettings()
    settings.epochs = 30
    settings.learningRate = 1e-2
    settings.batchSize = 100
    OCSTrainer.train(&model, images: images, collisions: labels, settings: settings, rng: &rng)
    let ocs = model.optimalConstant(collisions: labels, rewards: OCSRewardScheme())
    #expect(abs(ocs[0] - 4 * 0.1 / (4 * 0.1 + 0.9)) < 1e-9)
    let p = model.predict(images: Array(images[0..<64]), count: 1)
    for k in 0..<2 { #expect(abs(Double(p.outputs[k]) - ocs[k]) < 0.02, "output \(k): \(p.outputs[k]) vs \(ocs[k])") }
    #expect(p.distance(0, to: ocs) < 0.02)
}
