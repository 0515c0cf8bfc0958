/// A seeded, value-type random number generator (xoshiro256** seeded through SplitMix64).
///
/// Copying an `RNG` copies its stream: both copies then produce the same numbers. That is what
/// makes `SimState` save/restore reproduce the future exactly. Independent streams come from
/// `RNG(seed:stream:)` or `derived(_:)`, never from sharing one generator across threads.
///
/// The methods here (`uniform`, `normal`, `int(below:)`, `shuffle`) are Swiftlet's own, so a
/// seed gives the same numbers whatever the standard library's algorithms do.
///
/// ```swift
/// var rng = RNG(seed: 42)
/// let u = rng.uniform()          // [0, 1)
/// let g = rng.normal()           // N(0, 1)
/// var worker = rng.derived(7)    // an independent stream
/// ```
public struct RNG: RandomNumberGenerator, Sendable, Equatable, Hashable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// A generator for `seed`; `stream` selects one of 2^64 independent streams for that seed.
    public init(seed: UInt64, stream: UInt64 = 0) {
        var sm = seed ^ (stream &* 0xD1B5_4A32_D192_ED03) ^ (stream == 0 ? 0 : 0x8CB9_2BA7_2F3D_8DD7)
        s0 = RNG.splitMix(&sm); s1 = RNG.splitMix(&sm)
        s2 = RNG.splitMix(&sm); s3 = RNG.splitMix(&sm)
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    @inlinable static func splitMix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Mixes two 64-bit keys into one seed (SplitMix finaliser): derived seeds for shards,
    /// episodes and workers, e.g. `RNG.mix(seed, UInt64(shard))`.
    public static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var x = a ^ (b &* 0x9E37_79B9_7F4A_7C15)
        return splitMix(&x)
    }

    /// Next 64 random bits.
    @inlinable public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// An independent generator derived from this one's current state and `key`, without
    /// advancing this one.
    public func derived(_ key: UInt64) -> RNG {
        RNG(seed: RNG.mix(s0 ^ s2, s1 ^ s3), stream: key &+ 1)
    }

    /// Uniform `Double` in [0, 1) with 53 random bits.
    @inlinable public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform `Double` in [lo, hi).
    @inlinable public mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * uniform()
    }

    /// Uniform `Float` in [0, 1) with 24 random bits.
    @inlinable public mutating func uniformFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// Standard normal sample (Box-Muller; one sample per call, two uniforms consumed).
    @inlinable public mutating func normal() -> Double {
        let u1 = 1 - uniform()   // (0, 1]
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// Fills `out` with `count` samples of `normal()`, bit for bit what `count` calls would give
    /// (the same uniforms in the same order, the same Box-Muller arithmetic), computed stage by
    /// stage over the block: the uniforms, then every `log`, then every `cos`, so that the libm
    /// calls of different samples overlap instead of waiting on each other (the renderer's sensor
    /// noise, a row at a time). `scratch` holds `count` values.
    @inlinable public mutating func normals(into out: UnsafeMutablePointer<Double>, count: Int,
                                            scratch u2: UnsafeMutablePointer<Double>) {
        var draws = self
        for i in 0..<count {
            out[i] = 1 - draws.uniform()   // u1 in (0, 1], as in normal()
            u2[i] = draws.uniform()
        }
        self = draws
        for i in 0..<count { out[i] = (-2 * log(out[i])).squareRoot() }
        for i in 0..<count { out[i] = out[i] * cos(2 * .pi * u2[i]) }
    }

    /// Normal sample with mean `mean` and standard deviation `std`.
    @inlinable public mutating func normal(mean: Double, std: Double) -> Double {
        mean + std * normal()
    }

    /// Uniform integer in 0..<n (unbiased, Lemire's method). `n` must be positive.
    @inlinable public mutating func int(below n: Int) -> Int {
        precondition(n > 0, "RNG.int(below:) needs a positive bound")
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// Fisher-Yates shuffle with this generator.
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = int(below: i + 1)
            if i != j { a.swapAt(i, j) }
        }
    }

    /// True with probability `p`.
    @inlinable public mutating func bernoulli(_ p: Double) -> Bool { uniform() < p }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
