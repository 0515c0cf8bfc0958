import Foundation
@testable import Recording
import Testing

@Suite struct MCAPRecordTests {
    static let all: [MCAPRecord] = [
        .header(MCAPHeader(profile: "", library: "swiftlet test ü")),
        .footer(MCAPFooter(summaryStart: 1234, summaryOffsetStart: 5678, summaryCRC: 0xDEAD_BEEF)),
        .schema(MCAPSchema(id: 3, name: "foxglove.PoseInFrame", encoding: "jsonschema", data: Array("{\"a\":1}".utf8))),
        .channel(MCAPChannel(id: 7, schemaID: 3, topic: "/pose", messageEncoding: "json", metadata: ["unit": "m", "b": ""])),
        .message(MCAPMessage(channelID: 7, sequence: 42, logTime: 1_000_000_001, publishTime: 1_000_000_002,
                             data: [0, 1, 2, 255])),
        .chunk(MCAPChunk(messageStartTime: 5, messageEndTime: 9, uncompressedSize: 3, uncompressedCRC: 77,
                         compression: "", records: [9, 8, 7])),
        .messageIndex(MCAPMessageIndex(channelID: 7, records: [.init(logTime: 5, offset: 0), .init(logTime: 9, offset: 40)])),
        .chunkIndex(MCAPChunkIndex(messageStartTime: 5, messageEndTime: 9, chunkStartOffset: 100, chunkLength: 50,
                                   messageIndexOffsets: [7: 150, 2: 180], messageIndexLength: 60, compression: "",
                                   compressedSize: 3, uncompressedSize: 3)),
        .statistics({
            var s = MCAPStatistics()
            s.messageCount = 10; s.schemaCount = 2; s.channelCount = 3; s.attachmentCount = 0; s.metadataCount = 0
            s.chunkCount = 4; s.messageStartTime = 5; s.messageEndTime = 99; s.channelMessageCounts = [0: 4, 1: 6]
            return s
        }()),
        .summaryOffset(MCAPSummaryOffset(groupOpcode: 0x08, groupStart: 300, groupLength: 120)),
        .dataEnd(dataSectionCRC: 0x1234_5678),
        .other(opcode: 0x0C, content: [1, 2, 3]),
        .other(opcode: 0x99, content: []),
    ]

    @Test func everyRecordTypeRoundTrips() throws {
        for r in Self.all {
            let bytes = r.encoded
            #expect(bytes[0] == r.opcode)
            let (back, end) = try MCAPRecord.decode(bytes)
            #expect(back == r)
            #expect(end == bytes.count)
        }
    }

    /// Byte layouts straight from the specification for two records.
    @Test func layoutsFollowTheSpecification() {
        let footer = MCAPRecord.footer(MCAPFooter(summaryStart: 1, summaryOffsetStart: 2, summaryCRC: 3)).encoded
        #expect(footer == [0x02, 20, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0])
        let msg = MCAPRecord.message(MCAPMessage(channelID: 0x0102, sequence: 5, logTime: 6, publishTime: 7, data: [0xAB])).encoded
        #expect(msg == [0x05, 23, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x01, 5, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0xAB])
        let ch = MCAPRecord.channel(MCAPChannel(id: 1, schemaID: 2, topic: "t", messageEncoding: "j", metadata: ["k": "v"])).encoded
        #expect(Array(ch[9...]) == [1, 0, 2, 0, 1, 0, 0, 0, 0x74, 1, 0, 0, 0, 0x6A, 10, 0, 0, 0, 1, 0, 0, 0, 0x6B, 1, 0, 0, 0, 0x76])
    }

    /// Readers must ignore fields appended by a later minor version of the format.
    @Test func extraTrailingFieldsAreIgnored() throws {
        var bytes = MCAPRecord.header(MCAPHeader(profile: "p", library: "l")).encoded
        bytes += [1, 2, 3]
        bytes[1] += 3
        let (back, end) = try MCAPRecord.decode(bytes)
        #expect(back == .header(MCAPHeader(profile: "p", library: "l")))
        #expect(end == bytes.count)
    }

    @Test func lengthsBeyondTheRecordAreRejected() {
        // a schema whose name claims 4 GB
        var bytes = MCAPRecord.schema(MCAPSchema(id: 1, name: "n", encoding: "e", data: [])).encoded
        bytes[11] = 0xFF; bytes[12] = 0xFF; bytes[13] = 0xFF; bytes[14] = 0xFF
        let e1 = inputError { try MCAPRecord.decode(bytes) }
        #expect(e1?.description.contains("name length 4294967295 exceeds") == true)
        // a record whose content length exceeds the buffer
        var rec = MCAPRecord.dataEnd(dataSectionCRC: 1).encoded
        rec[8] = 0x7F
        let e2 = inputError { try MCAPRecord.decode(rec) }
        #expect(e2?.description.contains("content length") == true)
    }
}
