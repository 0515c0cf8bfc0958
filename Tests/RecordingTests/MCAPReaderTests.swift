import Diagnostics
import Foundation
import Geometry
@testable import Recording
import TestSupport
import Testing

@Suite struct MCAPReaderTests {
    @Test func indexedAndLinearReadsAgreeWithWhatWasWritten() throws {
        let bytes = try smallLog()
        let r = try MCAPReader(bytes: bytes, source: "t", validateCRCs: true)
        let summary = try #require(r.summary)
        #expect(r.header == MCAPHeader(profile: "", library: "swiftlet \(SwiftletVersion.string)"))
        #expect(summary.chunkIndexes.count > 3)
        #expect(summary.statistics?.messageCount == 40)
        #expect(summary.statistics?.chunkCount == UInt32(summary.chunkIndexes.count))
        #expect(Set(summary.channels.values.map(\.topic)) == ["/a", "/b", "/late"])
        #expect(summary.channels[1]?.metadata == ["k": "v"])
        // summary offsets cover schema, channel, statistics and chunk index groups
        #expect(summary.summaryOffsets.map(\.groupOpcode) == [0x03, 0x04, 0x0B, 0x08])
        let indexed = try r.messages(validateCRCs: true)
        let scan = try r.scan(validateCRCs: true)
        #expect(scan.truncation == nil)
        #expect(scan.footer != nil && scan.dataSectionCRC != 0)
        #expect(indexed == scan.messages)
        #expect(indexed.count == 40)
        for (i, m) in indexed.enumerated() {
            #expect(m.logTime == UInt64(i) * 10_000_000)
            let j = try JSONValue.parse(m.data)
            #expect(j["i"]?.int == i)
        }
        // sequences count per channel from 0
        let seqA = indexed.filter { $0.channelID == 0 }.map(\.sequence)
        #expect(seqA == Array(0..<UInt32(seqA.count)))
        // message indexes point at the messages
        for ci in summary.chunkIndexes {
            for (ch, off) in ci.messageIndexOffsets {
                let (rec, _) = try MCAPRecord.decode(bytes, at: Int(off))
                guard case .messageIndex(let mi) = rec else { Issue.record("not a message index"); continue }
                #expect(mi.channelID == ch)
                for e in mi.records {
                    let at = Int(ci.chunkStartOffset) + 9 + 8 + 8 + 8 + 4 + 4 + 8 + Int(e.offset)
                    let (m, _) = try MCAPRecord.decode(bytes, at: at)
                    guard case .message(let msg) = m else { Issue.record("index offset not at a message"); continue }
                    #expect(msg.channelID == ch && msg.logTime == e.logTime)
                }
            }
        }
    }

    @Test func timeQueriesReadOnlyOverlappingChunks() throws {
        let r = try MCAPReader(bytes: try smallLog(), source: "t")
        let some = try r.messages(from: 100_000_000, to: 200_000_000)
        #expect(some.map(\.logTime) == stride(from: 100_000_000, through: 200_000_000, by: 10_000_000).map { UInt64($0) })
        let late = try r.messages(topics: ["/late"])
        #expect(!late.isEmpty && late.allSatisfy { $0.channelID == 2 })
        #expect(try r.messages(from: 10_000_000_000).isEmpty)
    }

    /// A file whose footer says "no summary" is read by a linear scan.
    @Test func fileWithoutSummaryFallsBackToLinearScan() throws {
        let full = try smallLog()
        let r = try MCAPReader(bytes: full, source: "t")
        let dataEnd = Int(r.footer!.summaryStart)
        var bytes = Array(full[0..<dataEnd])
        bytes += MCAPRecord.footer(MCAPFooter(summaryStart: 0, summaryOffsetStart: 0, summaryCRC: 0)).encoded
        bytes += MCAP.magic
        let plain = try MCAPReader(bytes: bytes, source: "plain", validateCRCs: true)
        #expect(plain.summary == nil && plain.footer != nil)
        #expect(try plain.messages(validateCRCs: true) == (try r.messages()))
        #expect(try plain.scan().truncation == nil)
    }

    @Test func crcMismatchesAreDetected() throws {
        let bytes = try smallLog()
        let r = try MCAPReader(bytes: bytes, source: "t")
        let ci = r.summary!.chunkIndexes[1]
        // a flipped byte inside a chunk's records: chunk CRC and data CRC fail, reading without CRCs works
        var bad = bytes
        bad[Int(ci.chunkStartOffset) + Int(ci.chunkLength) - 3] ^= 0x20
        let rb = try MCAPReader(bytes: bad, source: "bad.mcap")
        #expect(inputError { try rb.messages(validateCRCs: true) }?.description.contains("chunk CRC mismatch") == true)
        #expect(inputError { try rb.scan(validateCRCs: true) }?.description.contains("chunk CRC mismatch") == true)
        #expect(try rb.messages(validateCRCs: false).count == 40)
        // a flipped byte in a message index: only the data-section CRC notices
        var bad2 = bytes
        bad2[Int(ci.messageIndexOffsets.values.min()!) + 12] ^= 0x01
        let r2 = try MCAPReader(bytes: bad2, source: "bad2.mcap")
        #expect(inputError { try r2.scan(validateCRCs: true) }?.description.contains("data section CRC mismatch") == true)
        // a flipped byte in the summary: the summary CRC fails
        var bad3 = bytes
        bad3[Int(r.footer!.summaryStart) + 20] ^= 0x01
        #expect(inputError { try MCAPReader(bytes: bad3, source: "bad3.mcap", validateCRCs: true) }?
            .description.contains("summary CRC mismatch") == true)
    }

    /// The crash-safety guarantee: a file cut at any byte yields exactly the messages of the
    /// chunks that are complete, and `recover` turns it into a valid indexed file with them.
    @Test func truncationAtEveryByteKeepsExactlyTheCompleteChunks() throws {
        let full = try smallLog(messages: 30, chunkSize: 300)
        let whole = try MCAPReader(bytes: full, source: "full").scan()
        #expect(whole.chunks.count >= 4)
        for cut in 0...full.count {
            let prefix = Array(full[0..<cut])
            // complete chunks of the prefix and their messages, from the whole file's layout
            var expected = 0
            for c in whole.chunks where c.offset + c.length <= cut { expected += c.messageCount }
            let r = try MCAPReader(bytes: prefix, source: "cut")
            let scan = try r.scan(validateCRCs: true)
            #expect(scan.messages == Array(whole.messages[0..<expected]), "cut at \(cut)")
            #expect(try r.messages().count == expected, "cut at \(cut)")
            #expect((scan.truncation == nil) == (cut == full.count), "cut at \(cut)")
            if let t = scan.truncation { #expect(t.validEnd <= cut && t.lostBytes == cut - t.validEnd) }
            // recovery output is complete, indexed, CRC-valid and holds the same messages
            let (out, report) = try MCAPRecovery.recover(bytes: prefix, source: "cut")
            #expect(report.recoveredMessages == expected)
            #expect(report.wasComplete == (cut == full.count))
            let back = try MCAPReader(bytes: out, source: "recovered", validateCRCs: true)
            #expect(back.summary?.statistics?.messageCount == UInt64(expected))
            #expect(try back.messages(validateCRCs: true) == Array(whole.messages[0..<expected]), "cut at \(cut)")
            #expect(try back.scan(validateCRCs: true).truncation == nil)
        }
    }

    @Test func recoveryReportsTheLostChunk() throws {
        let full = try smallLog(messages: 30, chunkSize: 300)
        let whole = try MCAPReader(bytes: full, source: "full").scan()
        let c = whole.chunks[2]
        let cut = c.offset + c.length - 5
        let (_, report) = try MCAPRecovery.recover(bytes: Array(full[0..<cut]), source: "cut")
        #expect(report.lostBytes == cut - c.offset)
        #expect(report.lostTimeRange == c.messageStartTime...c.messageEndTime)
        #expect(report.lostMessagesAtLeast == c.messageCount - 1)
        #expect(report.recoveredMessages == whole.chunks[0].messageCount + whole.chunks[1].messageCount)
        #expect(report.summary.contains("lost: \(cut - c.offset) bytes"))
    }

    @Test func malformedFilesGiveClearErrors() throws {
        let good = try smallLog()
        // bad magic
        var bad = good
        bad[1] = UInt8(ascii: "X")
        #expect(inputError { try MCAPReader(bytes: bad, source: "f.mcap") }?.description
            .contains("f.mcap: byte 0: not an MCAP file: bad magic") == true)
        #expect(inputError { try MCAPReader(bytes: Array("hello world, not mcap".utf8), source: "x") } != nil)
        // first record not a header
        var noHeader = good
        noHeader[8] = 0x05
        #expect(inputError { try MCAPReader(bytes: noHeader, source: "h") }?.description.contains("expected a Header") == true)
        // absurd chunk length in a complete file: an error, not truncation
        let r = try MCAPReader(bytes: good, source: "t")
        let at = Int(r.summary!.chunkIndexes[1].chunkStartOffset)
        var absurd = good
        for k in 1...8 { absurd[at + k] = 0xFF }
        let ra = try MCAPReader(bytes: absurd, source: "absurd.mcap")
        #expect(inputError { try ra.scan() }?.description.contains("claims 18446744073709551615 bytes") == true)
        #expect(inputError { try ra.messages() }?.description.contains("Chunk at byte \(at)") == true)
        // absurd length inside a chunk: records length beyond the chunk
        var inner = good
        inner[at + 9 + 8 + 8 + 8 + 4 + 4 + 7] = 0x40
        #expect(inputError { try MCAPReader(bytes: inner, source: "i").messages() }?.description.contains("exceeds") == true)
        // summary start outside the file
        var foot = good
        let f = good.count - 8 - 29 + 9
        for k in 0..<8 { foot[f + k] = 0xEE }
        #expect(inputError { try MCAPReader(bytes: foot, source: "foot") }?.description.contains("summary_start") == true)
        // chunk index pointing past the end: rewrite one ChunkIndex offset
        var idx = good
        let ciAt = Int(r.summary!.summaryOffsets.first { $0.groupOpcode == 0x08 }!.groupStart)
        for k in 0..<8 { idx[ciAt + 9 + 16 + k] = 0x7F }
        #expect(inputError { try MCAPReader(bytes: idx, source: "idx").messages() }?.description.contains("outside") == true)
    }

    /// A broken record inside a chunk is named as it always was (the text is now built only when
    /// the error is thrown): its kind, where it starts (a file byte, or an offset into the decoded
    /// records of a compressed chunk) and the chunk.
    @Test func brokenRecordInsideAChunkNamesRecordAndChunk() throws {
        var bytes = try smallLog(messages: 10, chunkSize: 100_000)
        let chunk = Int(try #require(try MCAPReader(bytes: bytes, source: "f").summary?.chunkIndexes.first).chunkStartOffset)
        // the first Message record: after the chunk's fields (opcode, length, times, size, crc, "" and the records length)
        var p = chunk + 1 + 8 + 8 + 8 + 8 + 4 + 4 + 8
        func u64(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        while bytes[p] != 0x05 { p += 9 + u64(p + 1) }
        // content of 5 bytes: channel id, then a sequence cut after 3 bytes
        bytes[p + 1] = 5
        for k in 2...8 { bytes[p + k] = 0 }
        let e = inputError { try MCAPReader(bytes: bytes, source: "f.mcap").messages() }
        #expect(e?.description == "f.mcap: byte \(p + 9 + 2): Message record at byte \(p) inside the Chunk at byte \(chunk): "
                + "sequence needs 4 bytes but only 3 remain in the record")
        // the texts of a record whose opcode is not read yet, and of one in decoded (lz4) records
        let r = ByteReader([], from: 0, to: 0, source: "s", place: .chunkRecord(opcode: nil, offset: 12, chunk: 40, decoded: false))
        #expect(r.context == "record at byte 12 inside the Chunk at byte 40")
        let d = ByteReader([], from: 0, to: 0, source: "s", place: .chunkRecord(opcode: 0x04, offset: 7, chunk: 90, decoded: true))
        #expect(d.context == "Channel record at offset 7 of the decoded records inside the Chunk at byte 90")
    }

    /// Random bytes, with or without a valid magic and header in front, and random byte flips in
    /// a valid file: every outcome is a value or an InputError, never a crash.
    @Test func randomBytesNeverCrash() throws {
        var rng = RNG(seed: 5)
        let good = try smallLog()
        let head = Array(good[0..<(8 + 9 + Int(good[9]))])  // magic and Header
        for trial in 0..<600 {
            var bytes: [UInt8]
            switch trial % 3 {
            case 0: bytes = (0..<rng.int(below: 400)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            case 1: bytes = MCAP.magic + head.dropFirst(8) + (0..<rng.int(below: 400)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            default:
                bytes = good
                for _ in 0..<(1 + rng.int(below: 4)) { bytes[rng.int(below: bytes.count)] = UInt8(truncatingIfNeeded: rng.next()) }
            }
            do {
                let r = try MCAPReader(bytes: bytes, source: "random", validateCRCs: true)
                _ = try? r.scan(validateCRCs: true)
                _ = try? r.messages(validateCRCs: false)
                _ = try? MCAPRecovery.recover(bytes: bytes, source: "random")
                _ = try? EpisodeLog.load(r)
            } catch let e as InputError {
                #expect(!e.description.isEmpty)
                if trial % 3 == 0, bytes.count >= 8 { #expect(e.description.contains("bad magic")) }
            }
        }
    }
}
