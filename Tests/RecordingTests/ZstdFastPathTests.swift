import Diagnostics
import Geometry
@testable import Recording
import TestSupport
import Testing

/// Bits written so that `ZstdBackwardBits` reads them back in the order given: the first
/// value sits just under the start marker, the last one lowest.
func zstdBackwardStream(_ values: [(value: Int, bits: Int)]) -> [UInt8] {
    var bits: [Bool] = [true]  // the start marker, then each value highest bit first
    for (v, n) in values { for k in stride(from: n - 1, through: 0, by: -1) { bits.append(v >> k & 1 == 1) } }
    // bits.last is bit 0 of the stream, bits[0] (the marker) its highest
    var bytes = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
    for (k, b) in bits.reversed().enumerated() where b { bytes[k / 8] |= 1 << (k % 8) }
    return bytes
}

/// A frame of `blocks` with a 128 KiB window and a 4-byte content size `size` (the blocks'
/// output: the decoder's limit ends there).
func zstdSizedFrame(size: Int, blocks: [(type: Int, size: Int, body: [UInt8])]) -> [UInt8] {
    let header: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x80, 0x38] + (0..<4).map { UInt8(truncatingIfNeeded: size >> (8 * $0)) }
    return header + zstdFrame(blocks: blocks).dropFirst(6)
}

/// A compressed block of `literals` (raw, at most 4095) and `repeats` copies of one sequence
/// (literal length `ll` < 16, a new `offset`, match length `ml`), coded with RLE tables.
func zstdRepeatedSequenceBlock(literals: [UInt8], ll: Int, offset: Int, ml: Int, repeats: Int) -> (type: Int, size: Int, body: [UInt8]) {
    precondition(ll < 16 && literals.count < 4096 && repeats < 128)
    // offset value offset + 3 = 2^code + extra; match length: 3 + code below 35, else a table code
    let ofValue = offset + 3, ofCode = Int.bitWidth - 1 - ofValue.leadingZeroBitCount
    var mlCode = ml - 3, mlBits = 0, mlExtra = 0
    if ml >= 35 {
        let k = ZstdFSE.matchLengthCodes.lastIndex { Int($0.base) <= ml }!
        (mlCode, mlBits, mlExtra) = (32 + k, Int(ZstdFSE.matchLengthCodes[k].bits), ml - Int(ZstdFSE.matchLengthCodes[k].base))
        precondition(mlExtra < 1 << mlBits)
    }
    let one: [(value: Int, bits: Int)] = [(ofValue - 1 << ofCode, ofCode), (mlExtra, mlBits), (0, 0)]
    let stream = zstdBackwardStream(Array(repeatElement(one, count: repeats).joined()))
    let header: [UInt8] = [UInt8(0x04 | (literals.count & 15) << 4), UInt8(literals.count >> 4)]
    let body = header + literals + [UInt8(repeats), 0x54, UInt8(ll), UInt8(ofCode), UInt8(mlCode)] + stream
    return (2, body.count, body)
}

/// What the sequences write, byte by byte as RFC 8878 describes it: literals, then each byte
/// of the match from `offset` back.
func zstdNaiveSequences(history: [UInt8], literals: [UInt8], ll: Int, offset: Int, ml: Int, repeats: Int) -> [UInt8] {
    var out = history, used = 0
    for _ in 0..<repeats {
        out += literals[used..<(used + ll)]
        used += ll
        for _ in 0..<ml { out.append(out[out.count - offset]) }
    }
    return out + literals[used...]
}

/// The decoder's wide copies and interleaved loops against byte-by-byte references, at the
/// edges where they switch paths or write into their slack.
@Suite struct ZstdFastPathTests {
    static let offsets = Array(1...40) + [63, 64, 65, 127, 128, 129, 200, 1000]
    static let lengths = Array(3...40) + [63, 64, 65, 127, 128, 129, 130, 200, 255, 256, 257, 1000, 4097]

    /// `copyMatch` writes what a byte-by-byte copy writes for every offset class (1, 2-7, 8-15,
    /// 16 and up, overlapping or not) and length (short, around the 8/16-byte steps, around the
    /// switch to memmove), touches nothing before the match, and nothing beyond its
    /// `wildSlack` bytes of slack.
    @Test func matchCopiesEqualAByteByByteCopy() {
        var rng = RNG(seed: 5)
        for offset in Self.offsets {
            for n in Self.lengths {
                let start = offset + 3, slack = ZstdDecoder.wildSlack
                var buffer = (0..<(start + n + slack + 8)).map { _ in UInt8(truncatingIfNeeded: rng.int(below: 256)) }
                var expected = buffer
                for k in 0..<n { expected[start + k] = expected[start + k - offset] }
                buffer.withUnsafeMutableBufferPointer { ZstdDecoder.copyMatch($0.baseAddress! + start, offset: offset, count: n) }
                #expect(buffer[..<(start + n)] == expected[..<(start + n)], "offset \(offset), length \(n)")
                #expect(buffer[(start + n + slack)...] == expected[(start + n + slack)...], "offset \(offset), length \(n): wrote past the slack")
            }
        }
    }

    /// Whole frames: a raw block of history, then a compressed block whose sequences copy at
    /// each offset and length, ending exactly at the declared content size with `maxOutput`
    /// equal to it (the copies' slack lies past the cap); one byte less of cap is refused.
    /// Sixty repeats (2 to 18 bits each) put the first sequences on the bitstream's fast path
    /// (104 bits or more left), the last ones on the careful path near its start.
    @Test func framesWithEveryMatchOffsetAndLengthDecode() throws {
        var rng = RNG(seed: 9)
        for offset in Self.offsets {
            for ml in Self.lengths where ml <= 1000 {
                for (ll, repeats) in [(0, 1), (3, 60)] {
                    let history = (0..<(offset + 5)).map { _ in UInt8(truncatingIfNeeded: rng.int(below: 256)) }
                    let literals = (0..<(ll * repeats + 2)).map { _ in UInt8(truncatingIfNeeded: rng.int(below: 256)) }
                    let expected = zstdNaiveSequences(history: history, literals: literals, ll: ll, offset: offset, ml: ml, repeats: repeats)
                    let frame = zstdSizedFrame(size: expected.count, blocks: [
                        (0, history.count, history),
                        zstdRepeatedSequenceBlock(literals: literals, ll: ll, offset: offset, ml: ml, repeats: repeats),
                    ])
                    let got = try Zstd.decompress(frame, maxOutput: expected.count)
                    #expect(got == expected, "offset \(offset), match length \(ml), \(repeats) x \(ll) literals")
                    #expect(inputError { try Zstd.decompress(frame, maxOutput: expected.count - 1) } != nil)
                    // without the size the block's room ends at the cap itself
                    let unsized = zstdFrame(blocks: [(0, history.count, history),
                                                     zstdRepeatedSequenceBlock(literals: literals, ll: ll, offset: offset, ml: ml,
                                                                               repeats: repeats)])
                    if expected.count <= 1024 {
                        #expect(try Zstd.decompress(unsized, maxOutput: expected.count) == expected)
                        #expect(inputError { try Zstd.decompress(unsized, maxOutput: expected.count - 1) }?.message
                            .contains("larger than the \(expected.count - 1)-byte limit") == true)
                    }
                }
            }
        }
    }

    /// Four Huffman streams of 1-bit codes (two symbols) for literal counts around the
    /// interleaved loop's limits (57 bits left per stream, 4 literals per step, a shorter fourth
    /// stream): the literals come back exactly.
    @Test func interleavedHuffmanStreamsDecodeEveryCount() throws {
        var rng = RNG(seed: 3)
        for count in Array(1...40) + Array(220...300) + [1000, 4001] {
            let literals = (0..<count).map { _ in UInt8(rng.int(below: 2)) }
            // streams of (count + 3) / 4 literals, the fourth the rest; one bit per literal
            let segment = (count + 3) / 4
            guard count - 3 * segment >= 0 else { continue }
            let streams = (0..<4).map { k in
                zstdBackwardStream(literals[min(count, k * segment)..<min(count, k < 3 ? (k + 1) * segment : count)].map { (Int($0), 1) })
            }
            let jump = streams.prefix(3).flatMap { [UInt8($0.count & 0xFF), UInt8($0.count >> 8)] }
            // direct weights: symbol 0 weight 1, symbol 1 implied (1-bit codes, 0 then 1)
            let huffman: [UInt8] = [128, 0x10] + jump + streams.joined()
            let h = 2 | 2 << 2 | count << 4 | huffman.count << 18
            let body = (0..<4).map { UInt8(truncatingIfNeeded: h >> (8 * $0)) } + huffman + [0]
            let frame = zstdSizedFrame(size: count, blocks: [(2, body.count, body)])
            #expect(try Zstd.decompress(frame, maxOutput: count) == literals, "\(count) literals")
        }
    }
}
