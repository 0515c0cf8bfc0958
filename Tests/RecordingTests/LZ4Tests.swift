import Diagnostics
import Foundation
import Geometry
@testable import Recording
import TestSupport
import Testing

/// Content generators shared with tools/lz4_fixtures.py (same bytes on both sides).
enum LZ4Content {
    /// JSON-like lines repeating every 400 lines (compressible).
    static func text(_ n: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(n + 64)
        var i = 0
        while out.count < n {
            out += Array("{\"i\":\(i % 400),\"v\":\((i % 400) % 97),\"topic\":\"/pose\"}\n".utf8)
            i += 1
        }
        return Array(out.prefix(n))
    }

    /// xorshift32 bytes (incompressible).
    static func noise(_ n: Int, seed: UInt32 = 2_463_534_242) -> [UInt8] {
        var x = seed
        return (0..<n).map { _ in
            x ^= x << 13; x ^= x >> 17; x ^= x << 5
            return UInt8(truncatingIfNeeded: x)
        }
    }

    /// 1900 bytes of text, then 100 of noise, repeated.
    static func mixed(_ n: Int) -> [UInt8] {
        let t = text(n), z = noise(n)
        return (0..<n).map { $0 % 2000 < 1900 ? t[$0] : z[$0] }
    }

    /// The content a fixture file name (`<producer>-<setting>-<kind>-<bytes>.lz4`) stands for.
    static func forFixture(_ name: String) -> [UInt8] {
        let parts = name.replacingOccurrences(of: ".lz4", with: "").split(separator: "-")
        let n = Int(parts[parts.count - 1])!
        switch parts[parts.count - 2] {
        case "text": return text(n)
        case "noise": return noise(n)
        default: return mixed(n)
        }
    }

    /// tools/lz4_fixtures (next to the script that makes and checks them).
    static let fixtureDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/lz4_fixtures").path
}

/// Walks the sequences of one compressed block (test-side reference parser): literal runs and
/// matches as (output position, length, offset).
func lz4Sequences(_ block: ArraySlice<UInt8>) -> (literals: [(at: Int, count: Int)], matches: [(at: Int, length: Int, offset: Int)]) {
    var lits: [(Int, Int)] = [], matches: [(Int, Int, Int)] = []
    var ip = block.startIndex, op = 0
    while ip < block.endIndex {
        let token = block[ip]; ip += 1
        var lit = Int(token >> 4)
        if lit == 15 { while true { let b = block[ip]; ip += 1; lit += Int(b); if b != 255 { break } } }
        lits.append((op, lit)); op += lit; ip += lit
        if ip == block.endIndex { break }
        let off = Int(block[ip]) | Int(block[ip + 1]) << 8; ip += 2
        var ml = Int(token & 15)
        if ml == 15 { while true { let b = block[ip]; ip += 1; ml += Int(b); if b != 255 { break } } }
        matches.append((op, ml + 4, off)); op += ml + 4
    }
    return (lits.map { (at: $0.0, count: $0.1) }, matches.map { (at: $0.0, length: $0.1, offset: $0.2) })
}

/// A frame around hand-made blocks, with a correct header checksum.
func lz4Frame(blocks: [(bytes: [UInt8], stored: Bool)], contentSize: UInt64? = nil, independent: Bool = true,
              blockSize: LZ4.BlockSize = .max64KB) -> [UInt8] {
    var f: [UInt8] = [0x04, 0x22, 0x4D, 0x18]
    var flg: UInt8 = 0x40 | (independent ? 0x20 : 0)
    if contentSize != nil { flg |= 0x08 }
    var desc: [UInt8] = [flg, blockSize.rawValue << 4]
    if let s = contentSize { for k in 0..<8 { desc.append(UInt8(truncatingIfNeeded: s >> (8 * k))) } }
    f += desc
    f.append(UInt8(truncatingIfNeeded: XXHash32.hash(desc) >> 8))
    for b in blocks {
        let w = UInt32(b.bytes.count) | (b.stored ? 0x8000_0000 : 0)
        for k in 0..<4 { f.append(UInt8(truncatingIfNeeded: w >> (8 * k))) }
        f += b.bytes
    }
    f += [0, 0, 0, 0]
    return f
}

@Suite struct LZ4Tests {
    /// Reference values from the python `xxhash` package (3.x):
    /// `python -c "import xxhash; print(hex(xxhash.xxh32(b'abc').intdigest()))"`, and with
    /// `seed=0x9E3779B1`; `pattern` is `bytes((i*7+3)%256 for i in range(1024))`.
    @Test func xxHash32MatchesTheReference() {
        let pattern = (0..<1024).map { UInt8(($0 * 7 + 3) % 256) }
        let cases: [([UInt8], UInt32, UInt32)] = [
            ([], 0x02CC_5D05, 0x36B7_8AE7),
            (Array("a".utf8), 0x550D_7456, 0x9E16_33E4),
            (Array("abc".utf8), 0x32D1_53FF, 0xA1AE_7709),
            (Array("Nobody inspects the spammish repetition".utf8), 0xE229_3B2F, 0xC9E8_9E68),
            (pattern, 0x7D0E_AF57, 0x83E5_154C),
        ]
        for (bytes, h0, hs) in cases {
            #expect(XXHash32.hash(bytes) == h0, "\(bytes.count) bytes")
            #expect(XXHash32.hash(bytes, seed: 0x9E37_79B1) == hs, "\(bytes.count) bytes, seeded")
        }
        // lengths that end in each tail path (16-byte stripes, words, bytes)
        #expect(XXHash32.hash(Array(pattern[0..<17])) == 0x450E_5F84)
        #expect(XXHash32.hash(Array(pattern[0..<31])) == 0x1F73_D3C7)
    }

    /// Frames written by python lz4.frame with several settings (tools/lz4_fixtures.py make):
    /// linked and independent 64 KiB blocks, 4 MiB blocks, block and content checksums, no
    /// content size, the HC matcher, stored blocks, an empty frame, a skippable frame followed by
    /// two frames.
    @Test func decodesFramesMadeByPythonLZ4() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: LZ4Content.fixtureDir)
            .filter { $0.hasPrefix("py-") && $0.hasSuffix(".lz4") }.sorted()
        #expect(names.count >= 9)
        try expectFixturesDecode(names, in: LZ4Content.fixtureDir, content: LZ4Content.forFixture) {
            try LZ4.decompress($0, maxOutput: $1, source: $2)
        }
    }

    /// A log written by the public python mcap Writer with lz4 chunks (tools/lz4_fixtures.py,
    /// `mcap_log`) reads back through the index and by a scan, CRCs checked.
    @Test func readsAnLZ4LogWrittenByThePythonMCAPWriter() throws {
        _ = try expectPythonWriterLog(path: LZ4Content.fixtureDir + "/py-writer-lz4.mcap", compression: "lz4")
    }

    /// Settings of the Swift-made fixtures (file `swift-<setting>-<kind>-<bytes>.lz4`).
    static let swiftFixtures: [(String, LZ4Encoder.Options)] = [
        ("swift-default-text-8000.lz4", LZ4Encoder.Options()),
        ("swift-default-mixed-12000.lz4", LZ4Encoder.Options()),
        ("swift-checksums-mixed-9000.lz4", LZ4Encoder.Options(blockSize: .max64KB, contentChecksum: true, blockChecksums: true)),
        ("swift-blocks64k-text-70000.lz4", LZ4Encoder.Options(blockSize: .max64KB, contentSize: false)),
        ("swift-stored-noise-2000.lz4", LZ4Encoder.Options(blockSize: .max256KB, blockChecksums: true)),
        ("swift-default-text-0.lz4", LZ4Encoder.Options()),
    ]

    /// The encoder still writes exactly the committed swift-*.lz4 frames, which
    /// `tools/lz4_fixtures.py check` (run by `make check-mcap`) decodes with python lz4.frame.
    /// Set SWIFTLET_WRITE_LZ4_FIXTURES=1 to rewrite them after a deliberate encoder change.
    @Test func encoderWritesTheFramesPythonChecks() throws {
        let write = ProcessInfo.processInfo.environment["SWIFTLET_WRITE_LZ4_FIXTURES"] == "1"
        for (name, options) in Self.swiftFixtures {
            let content = LZ4Content.forFixture(name)
            let frame = LZ4.compress(content, options: options)
            #expect(try LZ4.decompress(frame, maxOutput: content.count) == content, "\(name)")
            let path = LZ4Content.fixtureDir + "/" + name
            if write { try Data(frame).write(to: URL(fileURLWithPath: path)) }
            let committed = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(frame == committed, "\(name): encoder output changed; python must re-check it (see the comment)")
        }
    }

    /// Frame layout: descriptor flags, content size, header checksum, stored fallback.
    @Test func frameHeaderFollowsTheSpecification() throws {
        let content = LZ4Content.text(5000)
        let f = LZ4.compress(content)
        #expect(Array(f[0..<4]) == [0x04, 0x22, 0x4D, 0x18])
        #expect(f[4] == 0x68)  // version 01, independent blocks, content size
        #expect(f[5] == 0x70)  // 4 MiB blocks
        #expect(Array(f[6..<14]) == [0x88, 0x13, 0, 0, 0, 0, 0, 0])
        #expect(f[14] == UInt8(truncatingIfNeeded: XXHash32.hash(Array(f[4..<14])) >> 8))
        #expect(Array(f.suffix(4)) == [0, 0, 0, 0])
        let blockSize = Int(f[15]) | Int(f[16]) << 8 | Int(f[17]) << 16 | Int(f[18]) << 24
        #expect(blockSize < content.count / 2 && 15 + 4 + blockSize + 4 == f.count)
        // incompressible input: one stored block, at most the frame overhead bigger
        let noise = LZ4Content.noise(3000)
        let g = LZ4.compress(noise)
        #expect(g[18] & 0x80 != 0)
        #expect(Array(g[19..<(19 + 3000)]) == noise)
        #expect(g.count == 15 + 4 + 3000 + 4)
    }

    /// The encoder's end rules (last 5 bytes literals, last match starting at least 12 bytes
    /// before the end), a 64 KiB window and offsets inside the block, on many inputs.
    @Test func encoderObeysTheBlockEndRules() throws {
        var rng = RNG(seed: 11)
        var enc = LZ4Encoder(options: .init(blockSize: .max64KB, contentSize: false))
        for trial in 0..<200 {
            let n = trial < 40 ? trial : rng.int(below: 200_000)
            let content = Self.sample(n, &rng)
            let f = enc.compress(content)
            var at = 7
            var outAt = 0
            while true {
                let w = Int(f[at]) | Int(f[at + 1]) << 8 | Int(f[at + 2]) << 16 | Int(f[at + 3]) << 24
                at += 4
                if w == 0 { break }
                let size = w & 0x7FFF_FFFF
                let blockLength = min(65_536, n - outAt)
                if w & 0x8000_0000 == 0 {
                    let seqs = lz4Sequences(f[at..<(at + size)])
                    for m in seqs.matches {
                        #expect(m.at + 12 <= blockLength, "trial \(trial): match starts too late")
                        #expect(m.at + m.length + 5 <= blockLength, "trial \(trial): match runs into the last 5 bytes")
                        #expect(m.offset >= 1 && m.offset <= m.at && m.offset <= 65_535)
                    }
                    #expect(size < blockLength)
                } else {
                    #expect(size == blockLength)
                }
                at += size
                outAt += blockLength
            }
            #expect(outAt == n)
        }
    }

    /// Random, repetitive and real log bytes round-trip with every option set, and the output
    /// is the same whatever the encoder compressed before (deterministic).
    @Test func roundTripsAndIsDeterministic() throws {
        var rng = RNG(seed: 3)
        let log = try smallLog(messages: 300, chunkSize: 1 << 20, compression: .none)
        let sample = try SampleEpisode.bytes(seconds: 2, options: .init(compression: .none))
        var inputs: [[UInt8]] = [[], [7], Array(repeating: 0, count: 13), Array(repeating: 0, count: 300_000), log, sample,
                                 LZ4Content.mixed(200_000), LZ4Content.noise(70_000)]
        for n in 0..<40 { inputs.append(Self.sample(n, &rng)) }
        for _ in 0..<60 { inputs.append(Self.sample(rng.int(below: 150_000), &rng)) }
        let options: [LZ4Encoder.Options] = [
            .init(), .init(blockSize: .max64KB), .init(blockSize: .max256KB, contentSize: false, contentChecksum: true),
            .init(blockSize: .max1MB, blockChecksums: true),
        ]
        for o in options {
            var reused = LZ4Encoder(options: o)
            for x in inputs {
                let f = reused.compress(x)
                #expect(f == LZ4.compress(x, options: o), "\(x.count) bytes: output depends on the encoder's history")
                #expect(try LZ4.decompress(f, maxOutput: x.count) == x, "\(x.count) bytes")
            }
        }
        // real logs and long runs shrink
        #expect(LZ4.compress(sample).count * 2 < sample.count)
        #expect(LZ4.compress(Array(repeating: 0, count: 300_000)).count < 2_000)
    }

    /// Random or repetitive test content: noise, runs, short periods, text, mixtures.
    static func sample(_ n: Int, _ rng: inout RNG) -> [UInt8] {
        switch rng.int(below: 5) {
        case 0: return (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        case 1:
            let period = 1 + rng.int(below: 9)
            let unit = (0..<period).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            return (0..<n).map { unit[$0 % period] }
        case 2: return LZ4Content.text(n)
        case 3:
            // runs of random length and value
            var out: [UInt8] = []
            while out.count < n { out += Array(repeating: UInt8(truncatingIfNeeded: rng.next()), count: 1 + rng.int(below: 40)) }
            return Array(out.prefix(n))
        default:
            // few distinct symbols: many short matches
            return (0..<n).map { _ in UInt8(97 + rng.int(below: 3)) }
        }
    }

    /// Hand-made malformed blocks and frames: each is refused with an InputError naming the
    /// byte offset and the fault.
    @Test func malformedFramesGiveClearErrors() throws {
        func err(_ f: [UInt8], cap: Int = 1 << 16) -> String {
            (inputError { try LZ4.decompress(f, maxOutput: cap, source: "x.lz4") }?.description) ?? "no error"
        }
        // a valid block: 4 literals "abcd", then a match of 4 at offset 4, then 5 literals
        let good: [UInt8] = [0x40] + Array("abcd".utf8) + [4, 0] + [0x50] + Array("efghi".utf8)
        #expect(try LZ4.decompress(lz4Frame(blocks: [(good, false)]), maxOutput: 100) == Array("abcdabcdefghi".utf8))
        // offset 0 (frame header is 7 bytes, block size 4: the block starts at byte 11, its offset at 16)
        var zero = good; zero[5] = 0
        #expect(err(lz4Frame(blocks: [(zero, false)])).contains("x.lz4: byte 16: ") && err(lz4Frame(blocks: [(zero, false)])).contains("match offset 0"))
        // offset reaching before the output
        var far = good; far[5] = 5
        #expect(err(lz4Frame(blocks: [(far, false)])).contains("reaches before the start"))
        // literals running past the end of the block
        let longLits: [UInt8] = [0xF0, 200] + Array(repeating: 65, count: 20)
        #expect(err(lz4Frame(blocks: [(longLits, false)])).contains("literals run past the end of the block"))
        // a match running past the declared content size
        let run: [UInt8] = [0x1F, 65, 1, 0, 100, 0x00]
        #expect(try LZ4.decompress(lz4Frame(blocks: [(run, false)]), maxOutput: 1000).count == 1 + 15 + 100 + 4)
        #expect(err(lz4Frame(blocks: [(run, false)], contentSize: 50)).contains("larger than the declared content size 50"))
        #expect(err(lz4Frame(blocks: [(run, false)]), cap: 60).contains("larger than the 60-byte limit"))
        // output shorter than declared
        #expect(err(lz4Frame(blocks: [(good, false)], contentSize: 14)).contains("declares a content size of 14"))
        // a declared size beyond the cap is refused before any allocation
        #expect(err(lz4Frame(blocks: [(good, false)], contentSize: 1 << 40)).contains("exceeds the 65536-byte output limit"))
        // truncated block and truncated frame
        let whole = lz4Frame(blocks: [(good, false)])
        #expect(err(Array(whole[0..<14])).contains("truncated"))
        #expect(err(Array(whole.dropLast(2))).contains("input ends inside the block size"))
        // wrong header checksum
        var hc = whole; hc[6] ^= 1
        #expect(err(hc).contains("x.lz4: byte 6: ") && err(hc).contains("header checksum"))
        // bad magic, reserved bits, bad block size code
        var magic = whole; magic[0] = 0x05
        #expect(err(magic).contains("bad magic number"))
        var reserved = whole; reserved[4] |= 0x02
        #expect(err(reserved).contains("reserved bit"))
        // a block larger than the frame's maximum
        let big = lz4Frame(blocks: [(Array(repeating: 1, count: 70_000), true)])
        #expect(err(big, cap: 1 << 20).contains("larger than the frame's 65536-byte maximum"))
        // independent blocks may not reach into the previous block; linked ones may
        let second: [UInt8] = [0x00, 13, 0, 0x50] + Array("xyzzy".utf8)
        let linked = lz4Frame(blocks: [(good, false), (second, false)], independent: false)
        #expect(try LZ4.decompress(linked, maxOutput: 100) == Array("abcdabcdefghiabcdxyzzy".utf8))
        let indep = lz4Frame(blocks: [(good, false), (second, false)], independent: true)
        #expect(err(indep).contains("reaches before the start"))
        // checksums: content and block
        var sums = LZ4.compress(LZ4Content.text(3000), options: .init(contentChecksum: true, blockChecksums: true))
        #expect(try LZ4.decompress(sums, maxOutput: 3000) == LZ4Content.text(3000))
        sums[sums.count - 1] ^= 0x10
        #expect(err(sums).contains("content checksum"))
        var bsum = LZ4.compress(LZ4Content.text(3000), options: .init(blockChecksums: true))
        bsum[bsum.count - 5] ^= 0x10
        #expect(err(bsum).contains("block checksum"))
        // empty input and stray bytes after a frame
        #expect(err([]).contains("empty input"))
        #expect(err(whole + [1, 2]).contains("input ends inside the frame magic"))
    }

    /// Random mutations of valid frames (byte flips, cuts, inserted and deleted bytes) throw an
    /// InputError or decode within the cap; never a trap.
    @Test func decoderSurvivesMutatedFrames() throws {
        var rng = RNG(seed: 99)
        let contents = [LZ4Content.text(20_000), LZ4Content.mixed(9_000), try smallLog(messages: 60, compression: .none),
                        LZ4Content.text(140_000)]
        let options: [LZ4Encoder.Options] = [.init(), .init(blockSize: .max64KB, contentChecksum: true),
                                             .init(blockSize: .max64KB, contentSize: false, blockChecksums: true)]
        var frames: [[UInt8]] = []
        for c in contents { for o in options { frames.append(LZ4.compress(c, options: o)) } }
        let pyLinked = [UInt8](try Data(contentsOf: URL(fileURLWithPath: LZ4Content.fixtureDir + "/py-linked64k-text-140000.lz4")))
        frames.append(pyLinked)
        expectMutationsRefusedOrCapped(frames, rng: &rng, decode: { try LZ4.decompress($0, maxOutput: $1, source: "fuzz") })
    }
}
