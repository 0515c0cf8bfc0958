import Diagnostics
import Foundation
import Geometry
@testable import Recording
import TestSupport
import Testing

@Suite struct MCAPBackgroundWriterTests {
    /// Writes one random log into `w`: schemas and channels added along the way, messages of
    /// random sizes (text that LZ4 shrinks, noise that it does not) at non-decreasing times, an
    /// explicit flush now and then. Returns the writer's `position` at a few points (each read
    /// waits for the queue, so the background writer must report what the synchronous one does).
    static func fill(_ w: MCAPWriter, seed: UInt64, messages n: Int) throws -> [UInt64] {
        var rng = RNG(seed: seed)
        var channels: [UInt16] = []
        var positions: [UInt64] = []
        var t: UInt64 = 0
        for i in 0..<n {
            if channels.isEmpty || rng.int(below: 25) == 0 {
                let s = try w.addSchema(name: "s\(channels.count)", encoding: "jsonschema", data: Array("{}".utf8))
                channels.append(try w.addChannel(topic: "/t\(channels.count)", messageEncoding: "json", schemaID: s))
            }
            let c = channels[rng.int(below: channels.count)]
            t += UInt64(rng.int(below: 40_000_000))
            let size = rng.int(below: 4) == 0 ? rng.int(below: 9000) : rng.int(below: 300)
            let noisy = rng.int(below: 3) == 0
            var payload = rng
            try w.write(channel: c, logTime: t) { b in
                for k in 0..<size {
                    b.u8(noisy ? UInt8(truncatingIfNeeded: payload.next()) : UInt8(ascii: "a") + UInt8((k / 7 + i) % 26))
                }
            }
            rng = payload
            if rng.int(below: 60) == 0 { try w.flushChunk() }
            if rng.int(below: 50) == 0 { positions.append(w.position) }
        }
        return positions
    }

    /// For random message sequences, chunk sizes, chunk durations and both compressions, the
    /// background writer's file is byte for byte the synchronous writer's (the chunk index and
    /// statistics too), and it reads back with every CRC valid.
    @Test func writesTheSameBytesAsTheSynchronousPath() throws {
        var rng = RNG(seed: 2026)
        for round in 0..<24 {
            let chunkSize = [64, 700, 4096, 30_000, 1 << 20][rng.int(below: 5)]
            let duration = UInt64([50_000_000, 400_000_000, 1_000_000_000][rng.int(below: 3)])
            let compression: MCAPCompression = rng.int(below: 3) == 0 ? .none : .lz4
            let n = 20 + rng.int(below: 300)
            var logs: [[UInt8]] = []
            var indexes: [[MCAPChunkIndex]] = []
            var positions: [[UInt64]] = []
            for background in [false, true] {
                let w = MCAPWriter(options: .init(chunkSize: chunkSize, chunkDuration: duration, compression: compression,
                                                  background: background))
                positions.append(try Self.fill(w, seed: UInt64(round), messages: n))
                let stats = try w.close()
                #expect(stats.messageCount == UInt64(n))
                #expect(stats.chunkCount == UInt32(w.chunkIndexes.count))
                logs.append(w.memory)
                indexes.append(w.chunkIndexes)
            }
            #expect(logs[0] == logs[1], "round \(round): chunk \(chunkSize), \(compression)")
            #expect(indexes[0] == indexes[1] && positions[0] == positions[1])
            #expect(indexes[1].count > (chunkSize <= 700 ? 5 : 0))
            let r = try MCAPReader(bytes: logs[1], source: "background", validateCRCs: true)
            #expect(try r.scan(validateCRCs: true).messages.count == n)
        }
    }

    /// Through a file, a whole recorded episode (images, JSON messages, lz4) comes out the same
    /// with and without the writer queue.
    @Test func episodeFilesAreTheSameWithAndWithoutTheQueue() throws {
        let dir = TempDir("mcap-background")
        defer { dir.remove() }
        var files: [Data] = []
        for background in [false, true] {
            let path = dir.file("sample-\(background).mcap")
            _ = try SampleEpisode.write(path: path, seconds: 4,
                                        options: .init(chunkDuration: 250_000_000, background: background))
            files.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        #expect(files[0] == files[1])
        #expect(files[1] == Data(try SampleEpisode.bytes(seconds: 4, options: .init(chunkDuration: 250_000_000, background: false))))
    }

    /// A full disk (the file redirected to /dev/full after the header): the write error reaches
    /// the caller, at a later write or at `close()`, naming the file and the cause; `close()`
    /// after the error returns instead of hanging, and a second `close()` does nothing.
    @Test(arguments: [false, true])
    func aFullDiskSurfacesAtTheNextWriteOrAtClose(background: Bool) throws {
        let dir = TempDir("mcap-full")
        defer { dir.remove() }
        let path = dir.file("full.mcap")
        let w = try MCAPWriter(path: path, options: .init(chunkSize: 2000, background: background))
        let full = open("/dev/full", O_WRONLY)
        try #require(full >= 0)
        #expect(dup2(full, w.fileDescriptor) >= 0)
        Foundation.close(full)
        let c = try w.addChannel(topic: "/x", messageEncoding: "json", schemaID: 0)
        var errors: [String] = []
        for i in 0..<50 {
            do {
                try w.write(channel: c, logTime: UInt64(i)) { $0.raw(Array(repeating: UInt8(i), count: 900)) }
            } catch let e as InputError {
                errors.append(e.description)
            }
        }
        // every chunk after the first failure is refused too
        #expect(errors.count >= 10)
        var closeError: String? = nil
        do { try w.close() } catch let e as InputError { closeError = e.description }
        let message = try #require(closeError)
        for text in [message] + errors {
            #expect(text.contains(path) && text.contains("cannot write log") && text.contains("No space left on device"))
        }
        #expect(w.fileDescriptor == -1)
        #expect(try w.close().messageCount == 50)
    }

    /// With `deferFinalSync` the file is complete when `close()` returns (its fsync and close
    /// follow on the queue, and the descriptor is closed once the queue is idle).
    @Test func aDeferredFinalSyncLeavesACompleteFile() throws {
        let dir = TempDir("mcap-defer")
        defer { dir.remove() }
        let path = dir.file("deferred.mcap")
        let w = try MCAPWriter(path: path, options: .init(chunkSize: 800, deferFinalSync: true))
        _ = try Self.fill(w, seed: 9, messages: 150)
        try w.close()
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        let sync = MCAPWriter(options: .init(chunkSize: 800, background: false))
        _ = try Self.fill(sync, seed: 9, messages: 150)
        try sync.close()
        #expect(written == Data(sync.memory))
        #expect(w.fileDescriptor == -1)
    }

    /// Dropping a writer without `close()` still finishes the file (its queue drains first).
    @Test func aWriterDroppedWithoutCloseFinishesItsFile() throws {
        let dir = TempDir("mcap-drop")
        defer { dir.remove() }
        let path = dir.file("dropped.mcap")
        do {
            let w = try MCAPWriter(path: path, options: .init(chunkSize: 500))
            _ = try Self.fill(w, seed: 5, messages: 120)
        }
        let sync = MCAPWriter(options: .init(chunkSize: 500, background: false))
        _ = try Self.fill(sync, seed: 5, messages: 120)
        try sync.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(sync.memory))
    }
}
