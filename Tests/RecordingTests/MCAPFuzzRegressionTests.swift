import Diagnostics
import Foundation
import Testing
@testable import Recording

/// Inputs found by fuzzing the MCAP reader (docs/fuzzing.md): each must be refused with an
/// `InputError` naming the file and the record, never trap.
@Suite struct MCAPFuzzRegressionTests {
    /// `smallLog()` with the summary record of `opcode` patched by `patch(bytes, contentStart)`
    /// and the summary CRC set to 0 ("not computed", allowed by the specification), so only the
    /// record's own values can catch the damage.
    static func patchedSummary(_ opcode: MCAPOpcode, _ patch: (inout [UInt8], Int) -> Void) throws -> [UInt8] {
        var bytes = try smallLog()
        let footer = try #require(try MCAPReader(bytes: bytes, source: "log.mcap").footer)
        var pos = Int(footer.summaryStart)
        let footerAt = bytes.count - MCAP.magic.count - MCAP.footerRecordSize
        var patched = false
        while pos < footerAt {
            let len = (0..<8).reduce(0) { $0 | Int(bytes[pos + 1 + $1]) << (8 * $1) }
            if bytes[pos] == opcode.rawValue { patch(&bytes, pos + MCAP.recordPrefix); patched = true; break }
            pos += MCAP.recordPrefix + len
        }
        #expect(patched)
        for k in 0..<4 { bytes[bytes.count - MCAP.magic.count - 4 + k] = 0 }
        return bytes
    }

    static func putU64(_ bytes: inout [UInt8], at offset: Int, _ v: UInt64) {
        for k in 0..<8 { bytes[offset + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
    }

    /// Statistics whose message_start_time lies after message_end_time: `log info` built a
    /// ClosedRange from them and trapped ("Range requires lowerBound <= upperBound").
    @Test func reversedStatisticsTimeRangeIsRefused() throws {
        // message_start_time follows message_count (8), schema_count (2) and four u32 counts (16)
        let bytes = try Self.patchedSummary(.statistics) { b, at in Self.putU64(&b, at: at + 26, 9_000_000_000) }
        let e = try #require(inputError { try MCAPInfo.load(reader: MCAPReader(bytes: bytes, source: "log.mcap", validateCRCs: true)) })
        #expect(e.source == "log.mcap" && e.location.hasPrefix("Statistics at byte"))
        #expect(e.message.contains("message_start_time 9000000000"))
    }

    /// A chunk index claiming 2^64 - 1 compressed bytes: the totals `log info` adds up overflowed.
    @Test func chunkIndexSizesBeyondTheFileAreRefused() throws {
        let bytes = try Self.patchedSummary(.chunkIndex) { b, at in
            // after 4 u64 fields, the message index offsets map (u32 length), message_index_length
            // (u64) and the compression string (u32 length) come compressed_size and uncompressed_size
            let mapLength = (0..<4).reduce(0) { $0 | Int(b[at + 32 + $1]) << (8 * $1) }
            let compressionAt = at + 32 + 4 + mapLength + 8
            let nameLength = (0..<4).reduce(0) { $0 | Int(b[compressionAt + $1]) << (8 * $1) }
            Self.putU64(&b, at: compressionAt + 4 + nameLength, .max)
        }
        let e = try #require(inputError { try MCAPInfo.load(reader: MCAPReader(bytes: bytes, source: "log.mcap")) })
        #expect(e.location.hasPrefix("ChunkIndex at byte") && e.message.contains("compressed_size 18446744073709551615"))
    }
}

/// Inputs found for the episode view of a log (`EpisodeLog.load`).
@Suite struct EpisodeLogFuzzRegressionTests {
    /// An image message claiming 2^32 rows of 2^32 bytes: `step * height` overflowed (a trap)
    /// before the comparison with the decoded bytes.
    @Test func imageSizesThatOverflowAreRefused() throws {
        let w = MCAPWriter()
        let schema = try w.addSchema(name: "foxglove.RawImage", encoding: "jsonschema", data: Array("{}".utf8))
        let channel = try w.addChannel(topic: "/camera/image", messageEncoding: "json", schemaID: schema)
        let json = #"{"timestamp":{"sec":0,"nsec":0},"frame_id":"camera","width":1,"height":4294967296,"encoding":"mono8","step":4294967296,"data":""}"#
        try w.write(channel: channel, logTime: 0) { $0.raw(Array(json.utf8)) }
        try w.close()
        let e = try #require(inputError { try EpisodeLog.load(MCAPReader(bytes: w.memory, source: "log.mcap")) })
        #expect(e.source == "log.mcap" && e.location.hasSuffix("field data") && e.message.contains("4294967296"))
    }
}
