import Foundation
@testable import Recording

/// The `lz4` target: LZ4 on its own. Every input is decoded as a frame (strict and lenient, as
/// MCAP chunks and `log recover` do) and as a raw block; then compressed and decoded back, which
/// must give the input again, with frame options and a block size picked by the input's first
/// byte. A cut frame decoded leniently must give a prefix of the input.
enum FuzzLZ4 {
    /// Output cap of the decoders (MCAP passes the chunk's declared size): 128 KiB, two of the
    /// smallest blocks, so multi-block frames decode; every frame without a content size reserves
    /// up to the cap, so a larger one only slows each input down.
    static let maxOutput = 1 << 17

    static func run(_ bytes: [UInt8]) {
        // arbitrary bytes as a frame and as a block
        _ = try? LZ4.decompress(bytes, maxOutput: maxOutput, source: "fuzz.lz4")
        let prefix = bytes.withUnsafeBytes { LZ4.decompressPrefix($0, maxOutput: maxOutput) }
        if prefix.count > maxOutput { fatalError("lenient decoding returned \(prefix.count) bytes, cap \(maxOutput)") }
        block(bytes)
        // round trip
        guard let first = bytes.first else { return }
        let input = Array(bytes.dropFirst())
        let sizes = LZ4.BlockSize.allCases
        let options = LZ4Encoder.Options(blockSize: sizes[Int(first & 3)], contentSize: first & 4 != 0,
                                         contentChecksum: first & 8 != 0, blockChecksums: first & 16 != 0)
        let frame = LZ4.compress(input, options: options)
        do {
            let back = try LZ4.decompress(frame, maxOutput: input.count, source: "roundtrip.lz4")
            if back != input { fatalError("round trip changed \(input.count) bytes (options \(options))") }
        } catch {
            fatalError("the encoder's frame does not decode: \(error) (options \(options))")
        }
        // a cut frame: what lenient decoding returns is a prefix of the input
        let cut = Array(frame.prefix(frame.count * Int(first >> 5 &+ 1) / 9))
        let partial = cut.withUnsafeBytes { LZ4.decompressPrefix($0, maxOutput: input.count) }
        if partial != Array(input.prefix(partial.count)) { fatalError("a cut frame decoded to bytes that are not a prefix of the input") }
        // two frames back to back decode to both inputs
        let half = input.count / 2
        let two = LZ4.compress(Array(input[..<half]), options: options) + LZ4.compress(Array(input[half...]), options: options)
        if (try? LZ4.decompress(two, maxOutput: input.count)) != input { fatalError("two concatenated frames do not decode to the input") }
        // the block codec alone
        guard !input.isEmpty else { return }
        let bound = LZ4Block.bound(input.count)
        var packed = [UInt8](repeating: 0, count: bound)
        var table = [UInt32](repeating: 0, count: 1 << 16)
        let n = input.withUnsafeBufferPointer { src in
            packed.withUnsafeMutableBufferPointer { dst in
                table.withUnsafeMutableBufferPointer { t in
                    LZ4Block.compress(src.baseAddress!, count: input.count, into: dst.baseAddress!, table: t.baseAddress!,
                                      hashLog: LZ4Block.hashLog(for: input.count))
                }
            }
        }
        var out = [UInt8](repeating: 0, count: input.count)
        let produced = try? packed.withUnsafeBufferPointer { src in
            try out.withUnsafeMutableBufferPointer { dst in
                try LZ4Block.decompress(src.baseAddress!, count: n, into: dst.baseAddress!, start: 0, limit: input.count, window: 0)
            }
        }
        if produced != input.count || out != input { fatalError("block round trip of \(input.count) bytes failed") }
    }

    /// `bytes` as one raw block into a 64 KiB window.
    static func block(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        var out = [UInt8](repeating: 0, count: 1 << 16)
        _ = try? bytes.withUnsafeBufferPointer { src in
            try out.withUnsafeMutableBufferPointer { dst in
                try LZ4Block.decompress(src.baseAddress!, count: src.count, into: dst.baseAddress!, start: 0, limit: dst.count, window: 0)
            }
        }
    }

    /// Seeds: frames of text, zeros and mixed bytes as the encoder writes them with each option set.
    static func seeds() -> [(String, [UInt8])] {
        let text = Array(String(repeating: "swiftlet lz4 fuzz seed, a line that repeats. ", count: 12).utf8)
        let mixed = (0..<700).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ ($0 >> 3)) }
        var out: [(String, [UInt8])] = []
        for (i, input) in [text, [UInt8](repeating: 0, count: 300), mixed].enumerated() {
            for flags in [0, 4, 12, 28] as [UInt8] {
                let o = LZ4Encoder.Options(blockSize: .max64KB, contentSize: flags & 4 != 0, contentChecksum: flags & 8 != 0,
                                           blockChecksums: flags & 16 != 0)
                out.append(("frame-\(i)-\(flags).lz4", LZ4.compress(input, options: o)))
            }
            // round-trip inputs: the option byte, then the data
            out.append(("plain-\(i).bin", [UInt8(i * 9)] + input))
        }
        // past one 64 KiB block: multi-block frames (with block checksums) and their round trip
        let long = (0..<70_000).map { UInt8(truncatingIfNeeded: ($0 / 7) &* 13 ^ ($0 >> 9)) }
        out.append(("frame-long.lz4", LZ4.compress(long, options: LZ4Encoder.Options(blockSize: .max64KB, blockChecksums: true))))
        out.append(("plain-long.bin", [16] + long))
        return out
    }
}
