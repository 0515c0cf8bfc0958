import Foundation
@testable import Recording

/// The `zstd` target: the Zstandard decoder on its own (Swiftlet writes no zstd, so there is no
/// round trip). Every input is decoded as frames strictly (as MCAP chunks are) and leniently (as
/// `log recover` decodes a cut chunk); both stay within the cap, and when the strict decode
/// succeeds the lenient one returns the same bytes and the input cut at a point the first byte
/// picks decodes leniently to a prefix of them.
enum FuzzZstd {
    /// Output cap: 512 KiB, above every committed fixture's content (at most 300,000 bytes), so
    /// the seeds decode whole; a frame only reserves what its input can expand to.
    static let maxOutput = 1 << 19

    static func run(_ bytes: [UInt8]) {
        let strict = try? Zstd.decompress(bytes, maxOutput: maxOutput, source: "fuzz.zst")
        let lenient = bytes.withUnsafeBytes { Zstd.decompressPrefix($0, maxOutput: maxOutput) }
        if lenient.count > maxOutput { fatalError("lenient decoding returned \(lenient.count) bytes, cap \(maxOutput)") }
        guard let strict else { return }
        if strict.count > maxOutput { fatalError("strict decoding returned \(strict.count) bytes, cap \(maxOutput)") }
        if lenient != strict { fatalError("a frame that decodes strictly to \(strict.count) bytes decodes leniently to \(lenient.count)") }
        guard let first = bytes.first else { return }
        let cut = Array(bytes.prefix(bytes.count * (Int(first & 7) + 1) / 9))
        let partial = cut.withUnsafeBytes { Zstd.decompressPrefix($0, maxOutput: maxOutput) }
        if partial != Array(strict.prefix(partial.count)) {
            fatalError("the input cut at \(cut.count) of \(bytes.count) bytes decodes leniently to bytes that are not a prefix")
        }
    }

    /// The frames python `zstandard` wrote (`tools/zstd_fixtures/*.zst`, read from the checkout
    /// `make fuzz` runs in; none when they are not there).
    static func seeds(fixtures dir: String = "tools/zstd_fixtures") -> [(String, [UInt8])] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".zst") }.sorted()
        return names.compactMap { name in (try? Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))).map { (name, [UInt8]($0)) } }
    }
}
