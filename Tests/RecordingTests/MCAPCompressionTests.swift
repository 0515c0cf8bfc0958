import Diagnostics
import Foundation
import Geometry
@testable import Recording
import TestSupport
import Testing

@Suite struct MCAPCompressionTests {
    /// An lz4 log holds the same messages as the uncompressed one, its chunk index describes
    /// the compressed chunks exactly, and it is smaller.
    @Test func lz4LogsReadBackLikeUncompressedOnes() throws {
        let plain = try SampleEpisode.bytes(seconds: 2, options: .init(chunkDuration: 500_000_000, compression: .none))
        let packed = try SampleEpisode.bytes(seconds: 2, options: .init(chunkDuration: 500_000_000))
        #expect(packed.count * 2 < plain.count)
        let rp = try MCAPReader(bytes: plain, source: "plain", validateCRCs: true)
        let rz = try MCAPReader(bytes: packed, source: "lz4", validateCRCs: true)
        let expected = try rp.messages(validateCRCs: true)
        #expect(expected.count > 500)
        #expect(try rz.messages(validateCRCs: true) == expected)
        let scan = try rz.scan(validateCRCs: true)
        #expect(scan.messages == (try rp.scan().messages) && scan.truncation == nil)
        #expect(scan.chunks.allSatisfy { $0.compression == "lz4" && $0.compressedSize < $0.uncompressedSize })
        let index = try #require(rz.summary).chunkIndexes
        #expect(index.count == scan.chunks.count)
        for (ci, c) in zip(index, scan.chunks) {
            #expect(ci.compression == "lz4")
            #expect(ci.compressedSize == UInt64(c.compressedSize) && ci.uncompressedSize == UInt64(c.uncompressedSize))
            // the record's length: fixed fields, "lz4", records length, records
            let fixed: UInt64 = 9 + 8 + 8 + 8 + 4 + 4 + 3 + 8
            #expect(ci.chunkLength == fixed + ci.compressedSize)
        }
        // same uncompressed chunk contents: the CRCs and sizes in both files agree
        let ip = try #require(rp.summary).chunkIndexes
        #expect(ip.map(\.uncompressedSize) == index.map(\.uncompressedSize))
        // time queries through the index
        #expect(try rz.messages(from: 600_000_000, to: 900_000_000) == (try rp.messages(from: 600_000_000, to: 900_000_000)))
    }

    /// A chunk LZ4 cannot shrink is written uncompressed in an lz4 log (compression "" in its
    /// Chunk and ChunkIndex), and a file mixing both reads back.
    @Test func incompressibleChunksStayUncompressed() throws {
        var rng = RNG(seed: 8)
        let w = MCAPWriter(options: .init(chunkSize: 4000))  // one message per chunk
        let c = try w.addChannel(topic: "/x", messageEncoding: "json", schemaID: 0)
        var written: [[UInt8]] = []
        for i in 0..<40 {
            // 20 chunks of noise, then 20 of repeated text
            let data: [UInt8] = i < 20 ? (0..<5000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                                       : Array(repeating: UInt8(ascii: "a"), count: 5000)
            written.append(data)
            try w.write(channel: c, logTime: UInt64(i)) { $0.raw(data) }
        }
        try w.close()
        let kinds = w.chunkIndexes.map(\.compression)
        #expect(kinds == Array(repeating: "", count: 20) + Array(repeating: "lz4", count: 20))
        for ci in w.chunkIndexes where ci.compression.isEmpty { #expect(ci.compressedSize == ci.uncompressedSize) }
        let r = try MCAPReader(bytes: w.memory, source: "mixed", validateCRCs: true)
        #expect(try r.messages(validateCRCs: true).map(\.data) == written)
        #expect(try r.scan(validateCRCs: true).messages.map(\.data) == written)
    }

    /// The crash-safety guarantee holds for lz4 logs: a cut at any byte yields exactly the
    /// messages of the complete chunks, and recovery writes a valid indexed lz4 file with them.
    @Test func truncationAtEveryByteKeepsExactlyTheCompleteLZ4Chunks() throws {
        let full = try smallLog(messages: 30, chunkSize: 500, compression: .lz4)
        let whole = try MCAPReader(bytes: full, source: "full").scan()
        #expect(whole.chunks.count >= 3)
        #expect(whole.chunks.filter { $0.compression == "lz4" }.count >= 2)
        for cut in 0...full.count {
            let prefix = Array(full[0..<cut])
            var expected = 0
            for c in whole.chunks where c.offset + c.length <= cut { expected += c.messageCount }
            let r = try MCAPReader(bytes: prefix, source: "cut")
            let scan = try r.scan(validateCRCs: true)
            #expect(scan.messages == Array(whole.messages[0..<expected]), "cut at \(cut)")
            #expect((scan.truncation == nil) == (cut == full.count), "cut at \(cut)")
            let (out, report) = try MCAPRecovery.recover(bytes: prefix, source: "cut")
            #expect(report.recoveredMessages == expected, "cut at \(cut)")
            let back = try MCAPReader(bytes: out, source: "recovered", validateCRCs: true)
            #expect(try back.messages(validateCRCs: true) == Array(whole.messages[0..<expected]), "cut at \(cut)")
        }
    }

    /// A cut lz4 chunk still tells how many of its messages reached the file (the part of the
    /// frame that survived is decoded).
    @Test func recoveryCountsMessagesOfACutLZ4Chunk() throws {
        let full = try smallLog(messages: 60, chunkSize: 1500, compression: .lz4)
        let whole = try MCAPReader(bytes: full, source: "full").scan()
        let c = whole.chunks[1]
        #expect(c.compression == "lz4" && c.messageCount > 10)
        let cut = c.offset + c.length - 40
        let (_, report) = try MCAPRecovery.recover(bytes: Array(full[0..<cut]), source: "cut")
        #expect(report.lostTimeRange == c.messageStartTime...c.messageEndTime)
        #expect(report.lostMessagesAtLeast > c.messageCount / 2 && report.lostMessagesAtLeast < c.messageCount)
        #expect(report.recoveredMessages == whole.chunks[0].messageCount)
    }

    /// Compressions Swiftlet cannot read, corrupt lz4 data and impossible sizes give clear errors.
    @Test func badCompressedChunksGiveClearErrors() throws {
        let good = try smallLog(messages: 40, chunkSize: 2000, compression: .lz4)
        let r = try MCAPReader(bytes: good, source: "t")
        let ci = try #require(r.summary?.chunkIndexes.first { $0.compression == "lz4" })
        let at = Int(ci.chunkStartOffset)
        // a cut zstd frame in a chunk of a cut file (no summary): a zstd error naming the chunk
        let header = Array(good[0..<at])
        let zstd = MCAPRecord.chunk(MCAPChunk(messageStartTime: 0, messageEndTime: 0, uncompressedSize: 10, uncompressedCRC: 0,
                                              compression: "zstd", records: [0x28, 0xB5, 0x2F, 0xFD, 0, 0]))
        let z = try MCAPReader(bytes: header + zstd.encoded, source: "z.mcap")
        let ze = inputError { try z.scan() }?.description ?? ""
        #expect(ze.hasPrefix("z.mcap: byte ") && ze.contains("zstd records of the Chunk at byte \(at): input ends inside the block header"), "\(ze)")
        // a compression Swiftlet cannot read: unsupported, by name
        let brotli = MCAPRecord.chunk(MCAPChunk(messageStartTime: 0, messageEndTime: 0, uncompressedSize: 10, uncompressedCRC: 0,
                                                compression: "brotli", records: [1, 2, 3]))
        let b = try MCAPReader(bytes: header + brotli.encoded, source: "b.mcap")
        #expect(inputError { try b.scan() }?.description
            .contains("unsupported compression 'brotli' (Swiftlet reads uncompressed, lz4 and zstd chunks)") == true)
        // a byte flipped inside the compressed records: an lz4 error or a CRC mismatch, naming the chunk
        let recordsAt: Int = at + 52  // opcode and length 9, times 16, size 8, CRC 4, "lz4" 4 + 3, records length 8
        for k in [0, 5, 20, Int(ci.compressedSize) - 3] {
            var bad = good
            bad[recordsAt + k] ^= 0x5A
            let e = inputError { try MCAPReader(bytes: bad, source: "bad.mcap").messages(validateCRCs: true) }
            #expect(e?.description.hasPrefix("bad.mcap: ") == true, "flip at \(k)")
        }
        // a header checksum error names the file offset of the frame's HC byte (magic, FLG, BD, 8-byte size, HC)
        var hc = good
        hc[recordsAt + 14] ^= 0x01
        #expect(inputError { try MCAPReader(bytes: hc, source: "hc.mcap").messages() }?.description
            .contains("hc.mcap: byte \(recordsAt + 14): lz4 records of the Chunk at byte \(at): header checksum") == true)
        // uncompressed_size beyond what lz4 can express
        var huge = good
        for k in 0..<8 { huge[at + 9 + 16 + k] = k < 6 ? 0xFF : 0 }
        #expect(inputError { try MCAPReader(bytes: huge, source: "h").messages() }?.description.contains("impossible") == true)
        // uncompressed_size smaller than the frame's content: the frame's declared size exceeds the cap
        var small = good
        small[at + 9 + 16] &-= 1
        #expect(inputError { try MCAPReader(bytes: small, source: "s").messages() }?.description.contains("limit") == true)
    }

    /// Random byte flips in lz4 logs: a value or an InputError, never a crash.
    @Test func mutatedLZ4LogsNeverCrash() throws {
        var rng = RNG(seed: 21)
        let good = try smallLog(messages: 80, chunkSize: 1500, compression: .lz4)
        for trial in 0..<600 {
            var bytes = good
            if trial % 2 == 0 {
                for _ in 0..<(1 + rng.int(below: 4)) { bytes[rng.int(below: bytes.count)] = UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                bytes = Array(bytes.prefix(rng.int(below: bytes.count)))
                if !bytes.isEmpty { bytes[rng.int(below: bytes.count)] ^= UInt8(truncatingIfNeeded: 1 + rng.int(below: 255)) }
            }
            do {
                let r = try MCAPReader(bytes: bytes, source: "random", validateCRCs: true)
                _ = try? r.scan(validateCRCs: true)
                _ = try? r.messages(validateCRCs: false)
                _ = try? MCAPRecovery.recover(bytes: bytes, source: "random")
                _ = try? MCAPInfo.load(reader: r)
            } catch let e as InputError {
                #expect(e.description.hasPrefix("random: "))
            }
        }
    }

    /// `log info` names the compressions and the ratio, indexed or cut.
    @Test func infoReportsCompressionAndRatio() throws {
        let dir = TempDir("lz4info")
        defer { dir.remove() }
        let path = dir.file("s.mcap")
        _ = try SampleEpisode.write(path: path, seconds: 2, options: .init(chunkDuration: 500_000_000))
        let info = try MCAPInfo.load(path: path)
        #expect(info.compressions == ["lz4": info.chunkCount])
        #expect(info.recordBytes > 2 * info.storedRecordBytes && info.storedRecordBytes > 0)
        let ratio = String(format: "%.2f", Double(info.recordBytes) / Double(info.storedRecordBytes))
        #expect(info.text.contains("(compression: lz4 \(info.chunkCount); records ") && info.text.contains("ratio \(ratio))"))
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: dir.file("cut.mcap")))
        let cut = try MCAPInfo.load(path: dir.file("cut.mcap"))
        #expect(!cut.indexed && cut.compressions["lz4"] == cut.chunkCount && cut.chunkCount > 0)
        let plainPath = dir.file("p.mcap")
        _ = try SampleEpisode.write(path: plainPath, seconds: 1, options: .init(compression: .none))
        #expect(try MCAPInfo.load(path: plainPath).text.contains("(compression: none "))
    }

    @Test func compressionNamesAreValidated() throws {
        #expect(try MCAPCompression(name: "lz4") == .lz4)
        #expect(try MCAPCompression(name: "none") == .none && (try MCAPCompression(name: "")) == .none)
        let e = inputError { try MCAPCompression(name: "zstd", source: "--compression") }
        #expect(e?.description.contains("--compression") == true && e?.description.contains("'zstd' is read-only") == true)
        #expect(MCAPWriter.Options().compression == .lz4)
    }
}
