import Diagnostics
import Foundation
@testable import Recording
import TestSupport
import Testing

@Suite struct MCAPInfoTests {
    /// A corrupted chunk outside the queried time range is never read: proof that time queries
    /// go through the chunk index instead of reading everything.
    @Test func timeQueriesSkipChunksOutsideTheRange() throws {
        var bytes = try smallLog()
        let r = try MCAPReader(bytes: bytes, source: "t")
        let chunks = r.summary!.chunkIndexes
        let last = chunks.last!
        bytes[Int(last.chunkStartOffset + last.chunkLength) - 4] ^= 0xFF
        let bad = try MCAPReader(bytes: bytes, source: "t")
        let early = try bad.messages(from: 0, to: chunks[0].messageEndTime, validateCRCs: true)
        #expect(!early.isEmpty && early.allSatisfy { $0.logTime <= chunks[0].messageEndTime })
        #expect(inputError { try bad.messages(from: last.messageStartTime, validateCRCs: true) }?.description
            .contains("chunk CRC mismatch") == true)
    }

    @Test func infoListsTopicsCountsAndCuts() throws {
        let dir = TempDir("info")
        defer { dir.remove() }
        let path = dir.file("s.mcap")
        let stats = try SampleEpisode.write(path: path, seconds: 2,
                                            options: MCAPWriter.Options(chunkDuration: 500_000_000))
        #expect(stats.chunkCount >= 4)
        let info = try MCAPInfo.load(path: path)
        #expect(info.indexed && info.truncation == nil)
        #expect(info.messageCount == stats.messageCount)
        #expect(info.chunkCount == Int(stats.chunkCount))
        #expect(info.channels.first { $0.topic == "/pose" }?.messageCount == 200)
        #expect(info.channels.first { $0.topic == "/camera/image" }?.schemaName == "sensor_msgs/msg/Image")
        #expect(info.timeRange == 0...2_000_000_000)
        let text = info.text
        #expect(text.contains("/swiftlet/command") && text.contains("foxglove.SceneUpdate [jsonschema/json]"))
        #expect(text.contains("sensor_msgs/msg/Image [ros2msg/cdr]"))
        #expect(text.contains("duration:  2.000 s") && text.contains("200 msgs"))
        // a cut copy: linear scan, counts of the complete chunks, a truncation line; recover fixes it
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: dir.file("cut.mcap")))
        let cut = try MCAPInfo.load(path: dir.file("cut.mcap"))
        #expect(!cut.indexed && cut.truncation != nil)
        #expect(cut.messageCount > 0 && cut.messageCount < stats.messageCount)
        #expect(cut.text.contains("truncated: yes"))
        let report = try MCAPRecovery.recover(input: dir.file("cut.mcap"), output: dir.file("fixed.mcap"))
        #expect(UInt64(report.recoveredMessages) == cut.messageCount)
        let fixed = try MCAPInfo.load(path: dir.file("fixed.mcap"))
        #expect(fixed.indexed && fixed.messageCount == cut.messageCount && fixed.truncation == nil)
        // recovering in place works too
        _ = try MCAPRecovery.recover(input: dir.file("cut.mcap"), output: dir.file("cut.mcap"))
        #expect(try MCAPInfo.load(path: dir.file("cut.mcap")).indexed)
    }

    /// The writer's chunking knobs: the time bound and the size bound both cut chunks.
    @Test func chunksAreBoundedInTimeAndSize() throws {
        let w = MCAPWriter(options: MCAPWriter.Options(chunkSize: 1 << 20, chunkDuration: 100_000_000))
        let c = try w.addChannel(topic: "/x", messageEncoding: "json", schemaID: 0)
        for i in 0..<100 { try w.write(channel: c, logTime: UInt64(i) * 10_000_000) { $0.text("{}") } }
        try w.close()
        #expect(w.chunkIndexes.count == 10)
        #expect(w.chunkIndexes.allSatisfy { $0.messageEndTime - $0.messageStartTime < 100_000_000 })
        let w2 = MCAPWriter(options: MCAPWriter.Options(chunkSize: 1000))
        let c2 = try w2.addChannel(topic: "/x", messageEncoding: "json", schemaID: 0)
        for _ in 0..<50 { try w2.write(channel: c2, logTime: 0) { b in for _ in 0..<100 { b.text("x") } } }
        try w2.close()
        #expect(w2.chunkIndexes.count >= 5)
        #expect(w2.chunkIndexes.allSatisfy { $0.uncompressedSize < 1000 + 200 })
        // every chunk is in the file, with its message indexes, as soon as it is cut
        #expect(w2.statistics.messageCount == 50)
        #expect(try MCAPReader(bytes: w2.memory, source: "m").messages().count == 50)
    }
}
