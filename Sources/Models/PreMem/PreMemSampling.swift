import Foundation
import Geometry

/// Temperature sampling of one token from a row of logits.
public enum PreMemSampling {
    /// softmax(logits / temperature) in Double (max subtracted first). Temperature 0 gives the
    /// one-hot of the argmax (the lowest index among ties).
    public static func probabilities(_ logits: UnsafeBufferPointer<Float>, temperature: Double) -> [Double] {
        precondition(!logits.isEmpty && temperature >= 0, "probabilities needs logits and temperature >= 0")
        if temperature == 0 {
            var p = [Double](repeating: 0, count: logits.count)
            p[argmax(logits)] = 1
            return p
        }
        let m = Double(logits[argmax(logits)])
        var p = logits.map { exp((Double($0) - m) / temperature) }
        let s = p.reduce(0, +)
        for k in p.indices { p[k] /= s }
        return p
    }

    /// Index of the largest logit (the first among ties).
    public static func argmax(_ logits: UnsafeBufferPointer<Float>) -> Int {
        var best = 0
        for k in 1..<logits.count where logits[k] > logits[best] { best = k }
        return best
    }

    /// One token drawn from softmax(logits / temperature) with one uniform from `rng` (inverse
    /// CDF); temperature 0 is the argmax and draws nothing.
    public static func sample(_ logits: UnsafeBufferPointer<Float>, temperature: Double, rng: inout RNG) -> Int {
        if temperature == 0 { return argmax(logits) }
        let p = probabilities(logits, temperature: temperature)
        let u = rng.uniform()
        var c = 0.0
        for k in 0..<(p.count - 1) {
            c += p[k]
            if u < c { return k }
        }
        return p.count - 1
    }

    /// Convenience for arrays.
    public static func sample(_ logits: [Float], temperature: Double, rng: inout RNG) -> Int {
        logits.withUnsafeBufferPointer { sample($0, temperature: temperature, rng: &rng) }
    }
}
