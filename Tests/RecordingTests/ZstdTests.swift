import Diagnostics
import Foundation
import Geometry
@testable import Recording
import TestSupport
import Testing

/// Content generators shared with tools/zstd_fixtures.py (same bytes on both sides).
enum ZstdContent {
    /// The content a fixture file name (`py-<setting>-<kind>-<bytes>.zst`) stands for.
    static func forFixture(_ name: String) -> [UInt8] {
        let parts = name.replacingOccurrences(of: ".zst", with: "").split(separator: "-")
        let n = Int(parts[parts.count - 1])!
        switch parts[parts.count - 2] {
        case "text": return LZ4Content.text(n)
        case "noise": return LZ4Content.noise(n)
        case "mixed": return LZ4Content.mixed(n)
        case "twice": let half = LZ4Content.noise(n / 2); return half + half
        case "zeros": return [UInt8](repeating: 0, count: n)
        case "skewed": return LZ4Content.noise(n).map { $0 == 0 ? 8 : UInt8($0.trailingZeroBitCount) }
        default: return (0..<n).map { UInt8(65 + ($0 / 1500) % 5) }  // runs
        }
    }

    /// tools/zstd_fixtures (next to the script that makes and checks them).
    static let fixtureDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/zstd_fixtures").path

    static func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixtureDir + "/" + name)))
    }

    static var fixtureNames: [String] {
        get throws {
            try FileManager.default.contentsOfDirectory(atPath: fixtureDir).filter { $0.hasSuffix(".zst") }.sorted()
        }
    }
}

/// A frame holding `blocks` (type, size, body each): single-segment with content size `size`
/// (one byte), or with no size, a 1 KiB window (blocks up to 1 KiB).
func zstdFrame(size: UInt8? = nil, blocks: [(type: Int, size: Int, body: [UInt8])]) -> [UInt8] {
    var f: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD] + (size.map { [0x20, $0] } ?? [0x00, 0x00])
    for (k, b) in blocks.enumerated() {
        let h = b.size << 3 | b.type << 1 | (k == blocks.count - 1 ? 1 : 0)
        f += [UInt8(h & 0xFF), UInt8(h >> 8 & 0xFF), UInt8(h >> 16)] + b.body
    }
    return f
}

/// A compressed block of raw `literals` and one sequence coded with RLE tables: literal length
/// `ll` (code < 16), offset code `ofCode` with `ofBits` extra bits (`ofExtra`), match length 3.
func zstdOneSequenceBlock(literals: [UInt8], ll: UInt8, ofCode: UInt8, ofBits: Int, ofExtra: UInt8) -> (type: Int, size: Int, body: [UInt8]) {
    // the bitstream holds the offset's extra bits under the start marker
    let body = [UInt8(literals.count << 3)] + literals + [1, 0x54, ll, ofCode, 0, UInt8(1 << ofBits) | ofExtra]
    return (2, body.count, body)
}

@Suite struct ZstdTests {
    /// XXH64 against the reference: the empty input's known hash, and the content checksums the
    /// C library wrote into the fixtures (low 32 bits of XXH64 of the content).
    @Test func xxHash64MatchesTheReference() throws {
        #expect(XXHash64.hash([UInt8]()) == 0xEF46_DB37_51D8_E999)
        var checked = 0
        for name in try ZstdContent.fixtureNames where !name.contains("nocheck") && !name.contains("skippable") {
            let frame = try ZstdContent.fixture(name)
            let stored = frame.suffix(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
            #expect(UInt32(truncatingIfNeeded: XXHash64.hash(ZstdContent.forFixture(name))) == stored, "\(name)")
            checked += 1
        }
        #expect(checked >= 10)
    }

    /// Frames written by python zstandard (the reference C library) with several settings
    /// (tools/zstd_fixtures.py make): levels 1, 3, 19, -5, long-distance matching, checksum on
    /// and off, no content size, multi-block, RLE blocks, runs, a skewed alphabet (direct
    /// Huffman weights, treeless literals, repeated tables), incompressible, empty, a skippable
    /// frame before two frames.
    @Test func decodesFramesMadeByPythonZstandard() throws {
        let names = try ZstdContent.fixtureNames
        #expect(names.count >= 15)
        try expectFixturesDecode(names, in: ZstdContent.fixtureDir, content: ZstdContent.forFixture) {
            try Zstd.decompress($0, maxOutput: $1, source: $2)
        }
    }

    /// Hand-built sequences: the match copies from the right place for a new offset and for each
    /// repeat-offset rule of RFC 8878 3.1.1.5 (the history starts at 1, 4, 8 and carries over
    /// blocks).
    @Test func repeatOffsetsFollowTheSpecification() throws {
        let text = Array("abcdefghij".utf8)
        // a new offset: code 3, extra 0 -> value 8 -> offset 5
        let fresh = zstdFrame(blocks: [zstdOneSequenceBlock(literals: text, ll: 10, ofCode: 3, ofBits: 3, ofExtra: 0)])
        #expect(try Zstd.decompress(fresh, maxOutput: 100) == text + Array("fgh".utf8))
        // (offset value, literal length) -> the offset used: with literals 1, 2, 3 are repeats 1, 2, 3;
        // without, 1 and 2 are repeats 2 and 3, and 3 is repeat 1 minus 1
        let cases: [(value: Int, withLiterals: Bool, offset: Int)] = [(1, true, 1), (2, true, 4), (3, true, 8),
                                                                     (1, false, 4), (2, false, 8)]
        for c in cases {
            let code: UInt8 = c.value == 1 ? 0 : 1, bits = c.value == 1 ? 0 : 1, extra = UInt8(c.value & 1 == 1 && c.value > 1 ? 1 : 0)
            var blocks: [(type: Int, size: Int, body: [UInt8])] = []
            if c.withLiterals {
                blocks.append(zstdOneSequenceBlock(literals: text, ll: 10, ofCode: code, ofBits: bits, ofExtra: extra))
            } else {
                blocks.append((0, 10, text))
                blocks.append(zstdOneSequenceBlock(literals: [], ll: 0, ofCode: code, ofBits: bits, ofExtra: extra))
            }
            let out = try Zstd.decompress(zstdFrame(blocks: blocks), maxOutput: 100)
            let expected = text + (0..<3).map { text[(10 - c.offset + $0 % c.offset) % 10] }
            #expect(out == expected, "offset value \(c.value), literals \(c.withLiterals)")
        }
        // RLE literals ("AAA"), then a match of repeat offset 1
        let rle = [UInt8(3 << 3 | 1), 65, 1, 0x54, 3, 0, 0, 1]
        #expect(try Zstd.decompress(zstdFrame(blocks: [(2, rle.count, rle)]), maxOutput: 100) == Array("AAAAAA".utf8))
        // repeat 1 minus 1 with a history of 1 is offset 0: refused
        let zero = zstdFrame(blocks: [(0, 10, text), zstdOneSequenceBlock(literals: [], ll: 0, ofCode: 1, ofBits: 1, ofExtra: 1)])
        #expect(inputError { try Zstd.decompress(zero, maxOutput: 100) }?.message.contains("match offset 0") == true)
    }

    @Test func malformedFramesGiveClearErrors() throws {
        func err(_ f: [UInt8], cap: Int = 1 << 20) -> String {
            inputError { try Zstd.decompress(f, maxOutput: cap, source: "x.zst", offset: 100) }?.description ?? "decoded"
        }
        let magic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]
        let empty: [UInt8] = [1, 0, 0]  // last raw block of 0 bytes
        #expect(err([]).contains("empty input"))
        #expect(err([1, 2, 3, 4]).contains("x.zst: byte 100: zstd frame: bad magic number 04030201"))
        #expect(err(magic + [0x28, 0] + empty).contains("reserved bit 3"))
        #expect(err(magic + [0x21, 5, 0] + empty).contains("byte 105: zstd frame: the frame needs dictionary 5"))
        #expect(try Zstd.decompress(magic + [0x21, 0, 0] + empty, maxOutput: 10).isEmpty)  // dictionary id 0 is none
        #expect(err(magic + [0x00, 0xF8] + empty).contains("window of 2^41 bytes exceeds"))
        #expect(err(zstdFrame(size: 0, blocks: [(3, 0, [])])).contains("reserved block type 3"))
        #expect(err(magic + [0x00, 0x58] + [0x08, 0x00, 0x10]).contains("block of 131073 bytes exceeds the frame's 131072-byte block maximum"))
        #expect(err(zstdFrame(size: 5, blocks: [(0, 3, [1, 2, 3])])).contains("frame holds 3 bytes but declares a content size of 5"))
        #expect(err(zstdFrame(size: 2, blocks: [(1, 10, [7])])).contains("block of 10 bytes exceeds the frame's 2-byte block maximum"))
        #expect(err(magic + [0x40, 0x58, 0, 0, 0x63, 0x09, 0, 7]).contains("larger than the declared content size 256"))
        #expect(err(magic + [0x00, 0x58] + [0x52, 0, 0, 7], cap: 9).contains("larger than the 9-byte limit"))
        #expect(err(zstdFrame(size: 200, blocks: [(0, 3, [1, 2, 3])]), cap: 100).contains("declared content size 200 exceeds the 100-byte output limit"))
        // a match before the first byte
        let early = zstdFrame(blocks: [zstdOneSequenceBlock(literals: [], ll: 0, ofCode: 3, ofBits: 3, ofExtra: 0)])
        #expect(err(early).contains("match offset 5, reaching before the frame's first byte"))
        // more literals asked than the section holds, and a bitstream with bits left over
        #expect(err(zstdFrame(blocks: [zstdOneSequenceBlock(literals: [1, 2], ll: 5, ofCode: 0, ofBits: 0, ofExtra: 0)]))
            .contains("needs 5 literals, 2 are left"))
        #expect(err(zstdFrame(blocks: [zstdOneSequenceBlock(literals: [1, 2], ll: 2, ofCode: 0, ofBits: 2, ofExtra: 0)]))
            .contains("2 bits left after its 1 sequences"))
        // treeless literals with no table, an unset repeated table
        #expect(err(zstdFrame(blocks: [(2, 5, [0x03, 0x10, 0x00, 0, 0])])).contains("no previous Huffman table"))
        #expect(err(zstdFrame(blocks: [(2, 4, [0x00, 1, 0xFC, 0x01])])).contains("table repeats the previous one"))
        // checksums and cuts of a real frame
        var frame = try ZstdContent.fixture("py-level3-mixed-60000.zst")
        frame[frame.count - 1] ^= 1
        #expect(err(frame).contains("content checksum"))
        frame = Array(frame.prefix(frame.count / 2))
        #expect(err(frame).contains("x.zst: byte "))
        // stray bytes after a frame
        #expect(err(zstdFrame(size: 0, blocks: [(0, 0, [])]) + [1, 2]).contains("input ends inside the frame magic number"))
    }

    /// Random mutations of valid frames (byte flips, cuts, inserted and deleted bytes) throw an
    /// InputError or decode within the cap; never a trap.
    @Test func decoderSurvivesMutatedFrames() throws {
        var rng = RNG(seed: 77)
        var frames = try ["py-level3-mixed-60000.zst", "py-level19-text-70000.zst", "py-nosize-mixed-150000.zst",
                          "py-neg5-mixed-40000.zst", "py-level1-text-50000.zst", "py-ldm-twice-40000.zst",
                          "py-skippable-text-5000.zst", "py-nocheck-text-30000.zst"].map(ZstdContent.fixture)
        frames.append(zstdFrame(blocks: [zstdOneSequenceBlock(literals: Array("abcdefghij".utf8), ll: 10, ofCode: 3,
                                                                         ofBits: 3, ofExtra: 0)]))
        expectMutationsRefusedOrCapped(frames, rng: &rng, decode: { try Zstd.decompress($0, maxOutput: $1, source: "fuzz") }) { f, cap in
            // the lenient reader never fails and stays within its cap
            #expect(f.withUnsafeBytes { Zstd.decompressPrefix($0, maxOutput: cap) }.count <= cap)
        }
    }

    /// A frame cut anywhere gives a prefix of its content, growing with the cut.
    @Test func cutFramesGiveAPrefixOfTheContent() throws {
        for name in ["py-nosize-mixed-150000.zst", "py-level3-text-300000.zst", "py-level3-noise-20000.zst"] {
            let frame = try ZstdContent.fixture(name), content = ZstdContent.forFixture(name)
            var last = 0
            for k in 1...8 {
                let cut = frame.count * k / 8
                let got = frame.prefix(cut).withUnsafeBytes { Zstd.decompressPrefix($0, maxOutput: 1 << 20) }
                #expect(got[...] == content.prefix(got.count), "\(name) cut at \(cut)")
                #expect(got.count >= last)
                last = got.count
            }
            #expect(last == content.count)
        }
    }

    /// A log written by the public python mcap Writer with zstd chunks (tools/zstd_fixtures.py,
    /// `mcap_log`) reads through the index, by a scan, and in `info`, CRCs checked; a copy cut
    /// inside a chunk is recovered up to the last complete chunk.
    @Test func readsAZstdLogWrittenByThePythonMCAPWriter() throws {
        let (r, messages) = try expectPythonWriterLog(path: ZstdContent.fixtureDir + "/py-writer-zstd.mcap", compression: "zstd")
        // cut inside the second chunk
        let bytes = try ZstdContent.fixture("py-writer-zstd.mcap")
        let chunks = try r.scan().chunks
        let cut = chunks[1].offset + chunks[1].length - 10
        let (out, report) = try MCAPRecovery.recover(bytes: Array(bytes[0..<cut]), source: "cut")
        #expect(report.recoveredMessages == chunks[0].messageCount && report.recoveredChunks == 1)
        #expect(report.lostTimeRange == chunks[1].messageStartTime...chunks[1].messageEndTime)
        #expect(try MCAPReader(bytes: out, source: "recovered").messages() == Array(messages.prefix(chunks[0].messageCount)))
    }

    /// A zstd chunk's uncompressed_size is bounded by what zstd can expand to (128 KiB per
    /// 4 stored bytes), and must match what the records decode to.
    @Test func zstdChunkSizesAreChecked() throws {
        let good = try smallLog(messages: 10, chunkSize: 2000, compression: .lz4)
        let at = Int(try #require(try MCAPReader(bytes: good, source: "t").summary?.chunkIndexes.first).chunkStartOffset)
        let header = Array(good[0..<at])
        // an RLE block: 4 stored bytes (plus the 6-byte frame header) decode to 128 KiB
        let frame: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x38, 0x03, 0x00, 0x10, 0x00]
        func chunk(_ size: UInt64) throws -> String {
            let c = MCAPRecord.chunk(MCAPChunk(messageStartTime: 0, messageEndTime: 0, uncompressedSize: size, uncompressedCRC: 0,
                                               compression: "zstd", records: frame))
            return inputError { try MCAPReader(bytes: header + c.encoded, source: "z.mcap").scan() }?.description ?? "read"
        }
        #expect(try chunk(1 << 40).contains("uncompressed_size 1099511627776 is impossible for 10 bytes of zstd"))
        #expect(try chunk(1000).contains("output is larger than the 1000-byte limit"))
        #expect(try chunk(300_000).contains("zstd records decode to 131072 bytes, uncompressed_size says 300000"))
    }
}
