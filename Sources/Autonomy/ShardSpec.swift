import Diagnostics
import Geometry

/// Shard `index` of `count` (`--shard i/n`): independent collection jobs whose seeds derive from
/// (seed, index) with `RNG.mix`, so n machines can collect n distinct, reproducible shards.
public struct ShardSpec: Sendable, Equatable, Hashable {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        precondition(count > 0 && (0..<count).contains(index))
        self.index = index
        self.count = count
    }

    public static let single = ShardSpec(index: 0, count: 1)

    /// Parses `i/n` with 0 <= i < n.
    public static func parse(_ text: String, source: String = "--shard") throws -> ShardSpec {
        let p = text.split(separator: "/", omittingEmptySubsequences: false)
        guard p.count == 2, let i = Int(p[0]), let n = Int(p[1]), n > 0, i >= 0, i < n else {
            throw InputError(source, "expected i/n with 0 <= i < n, got \"\(text)\"")
        }
        return ShardSpec(index: i, count: n)
    }

    /// The shard's seed: `RNG.mix(seed, mix(index, count))`, distinct for every (index, count).
    public func seed(from seed: UInt64) -> UInt64 {
        RNG.mix(seed, RNG.mix(UInt64(index), UInt64(count)))
    }

    /// File name of the shard's dataset.
    public var fileName: String { "shard-\(index)-of-\(count).swcd" }
}
