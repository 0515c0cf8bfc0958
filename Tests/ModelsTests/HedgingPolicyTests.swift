import Foundation
import Geometry
import Neural
import Testing
@testable import Models

@Suite("Hedging policy")
struct HedgingPolicyTests {
    static var config: OCSNetworkConfig {
        var c = OCSNetworkConfig()
        c.height = 12
        c.width = 16
        c.filters = [4, 4]
        c.kernels = [3, 3]
        c.strides = [2, 2]
        c.features = 8
        return c
    }

    /// Dark images are labelled primitive 0, bright ones hover (class K).
    static func task(count: Int) -> (images: [UInt8], labels: [Int]) {
        var rng = RNG(seed: 7)
        var images = [UInt8](), labels = [Int]()
        for i in 0..<count {
            let bright = i % 2 == 1
            for _ in 0..<(12 * 16) { images.append(UInt8((bright ? 180 : 40) + rng.int(below: 40))) }
            labels.append(bright ? 2 : 0)
        }
        return (images, labels)
    }

    @Test func probabilitiesAreADistributionOverPrimitivesAndHover() {
        var rng = RNG(seed: 1)
        let policy = HedgingPolicy(actions: 2, config: Self.config, rng: &rng)
        let (images, _) = Self.task(count: 5)
        let p = policy.probabilities(images: images, count: 5, block: 2)
        #expect(p.width == 3 && p.count == 5 && policy.hover == 2)
        for i in 0..<5 { #expect(abs(p.row(i).reduce(0, +) - 1) < 1e-5 && p.row(i).allSatisfy { $0 > 0 }) }
    }

    @Test func trainingLearnsTheLabelsAndIsDeterministic() {
        let (images, labels) = Self.task(count: 64)
        var rng = RNG(seed: 2)
        let start = HedgingPolicy(actions: 2, config: Self.config, rng: &rng)
        var settings = OCSTrainingSettings()
        settings.epochs = 15
        settings.batchSize = 16
        settings.learningRate = 3e-3
        var a = start, b = start
        var ra = RNG(seed: 3), rb = RNG(seed: 3)
        let losses = a.train(images: images, labels: labels, settings: settings, rng: &ra)
        b.train(images: images, labels: labels, settings: settings, rng: &rb)
        #expect(a == b)
        #expect(a != start)
        #expect(losses.last! < 0.5 * losses.first!, "\(losses)")
        let p = a.probabilities(images: images, count: 64)
        let right = (0..<64).filter { i in
            let row = Array(p.row(i))
            return row.firstIndex(of: row.max()!) == labels[i]
        }.count
        #expect(right == 64)
    }
}
