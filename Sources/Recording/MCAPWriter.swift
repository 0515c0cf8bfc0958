import Diagnostics
import Foundation

/// Writes an indexed MCAP file chunk by chunk.
///
/// Layout: magic, Header, then for each chunk a Chunk record (LZ4-compressed by default, holding
/// the Schema, Channel and Message records added since the previous chunk; a chunk that LZ4 does
/// not shrink is stored uncompressed, compression "") followed by one MessageIndex per
/// channel in it; on `close()`, DataEnd (CRC of everything before it), the summary section
/// (Schema and Channel copies, Statistics, ChunkIndex records), SummaryOffset records, Footer
/// (with the summary CRC) and the closing magic.
///
/// Crash safety: a chunk and its message indexes reach the file with one `write()` as soon as
/// the chunk is full (`chunkSize` bytes) or spans `chunkDuration` of log time, so a crash or a
/// cut loses at most the chunk being filled (and, with `background`, the one chunk handed to the
/// writer queue and not yet written); `MCAPReader` reads every complete chunk of a cut file and
/// `MCAPRecovery` rewrites it into a valid indexed one.
///
/// With `Options.background` (the default) a full chunk is handed to a writer queue that CRCs,
/// compresses and writes it while the caller fills the next one; the bytes are those of the
/// synchronous path (one sink, jobs in order). A write error then surfaces at a later `write`
/// (the next chunk) or at `close()`.
///
/// ```swift
/// let w = try MCAPWriter(path: "run.mcap")
/// let s = try w.addSchema(name: "foxglove.PoseInFrame", encoding: "jsonschema", data: Array(schema.utf8))
/// let c = try w.addChannel(topic: "/pose", messageEncoding: "json", schemaID: s)
/// try w.write(channel: c, logTime: 10_000_000) { $0.raw(Array("{}".utf8)) }
/// try w.close()
/// ```
///
/// Not thread-safe: one writer belongs to one thread (its background queue is internal).
public final class MCAPWriter {
    /// Chunking and identification knobs.
    public struct Options: Sendable {
        /// A chunk is written once its records reach this many bytes.
        public var chunkSize: Int
        /// A chunk is written before a message whose log time is this many nanoseconds past the
        /// chunk's first message: bounds the data a crash can lose, in simulated time.
        public var chunkDuration: UInt64
        /// Header profile ("" = no well-known profile).
        public var profile: String
        /// Header library string.
        public var library: String
        /// `fsync` after each chunk (survives power loss, not only process crashes; slower).
        public var syncEachChunk: Bool
        /// Chunk compression. With `.lz4` a chunk that does not shrink is still written
        /// uncompressed (its Chunk and ChunkIndex records say compression "").
        public var compression: MCAPCompression
        /// CRC, compress and write full chunks on a writer queue (one chunk in flight) instead of
        /// the calling thread. Same bytes either way.
        public var background: Bool
        /// With `background`: `close()` returns once the file is complete and leaves its final
        /// `fsync` and close to the writer queue (the caller does not wait for the disk; a power
        /// loss right after could lose the tail). Off by default: files renamed into place after
        /// `close()` need the sync first.
        public var deferFinalSync: Bool

        public init(chunkSize: Int = 1 << 20, chunkDuration: UInt64 = 1_000_000_000, profile: String = "",
                    library: String = "swiftlet \(SwiftletVersion.string)", syncEachChunk: Bool = false,
                    compression: MCAPCompression = .lz4, background: Bool = true, deferFinalSync: Bool = false) {
            self.chunkSize = chunkSize
            self.chunkDuration = chunkDuration
            self.profile = profile
            self.library = library
            self.syncEachChunk = syncEachChunk
            self.compression = compression
            self.background = background
            self.deferFinalSync = deferFinalSync
        }
    }

    public let options: Options
    /// File path, or "memory".
    public let path: String
    /// Where the bytes go (file or memory), with the data CRC and chunk index.
    private let sink: MCAPChunkSink
    /// The writer queue, with `background`.
    private let pipeline: MCAPBackgroundWriter?
    private var closed = false

    /// Everything written so far, when writing to memory (waits for queued chunks).
    public var memory: [UInt8] { settled.memory }
    /// Bytes written so far (waits for queued chunks).
    public var position: UInt64 { settled.position }
    /// One entry per chunk written so far (waits for queued chunks).
    public var chunkIndexes: [MCAPChunkIndex] { settled.chunkIndexes }
    /// The open file's descriptor (-1 for memory or after close); tests redirect it to fail writes.
    var fileDescriptor: Int32 { settled.fd }

    // the chunk being filled
    private var chunk = ByteBuffer()
    private var chunkStart: UInt64 = .max
    private var chunkEnd: UInt64 = 0
    private var chunkMessages = 0
    private var chunkIndex: [UInt16: [MCAPMessageIndex.Entry]] = [:]

    // summary material
    public private(set) var schemas: [MCAPSchema] = []
    public private(set) var channels: [MCAPChannel] = []
    private var knownSchemaIDs = Set<UInt16>()
    private var knownChannelIDs = Set<UInt16>()
    private var sequences: [UInt16: UInt32] = [:]
    public private(set) var statistics = MCAPStatistics()

    /// Creates (or truncates) `path`, making parent directories, and writes magic and Header.
    public init(path: String, options: Options = Options()) throws {
        self.options = options
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw InputError(path, "cannot create log file: \(String(cString: strerror(errno)))")
        }
        sink = MCAPChunkSink(path: path, fd: fd, compression: options.compression, syncEachChunk: options.syncEachChunk)
        pipeline = options.background ? MCAPBackgroundWriter(sink: sink) : nil
        try start()
    }

    /// Writes to memory (`memory` holds the file).
    public init(options: Options = Options()) {
        self.options = options
        self.path = "memory"
        sink = MCAPChunkSink(path: path, fd: -1, compression: options.compression, syncEachChunk: options.syncEachChunk)
        pipeline = options.background ? MCAPBackgroundWriter(sink: sink) : nil
        try! start()
    }

    deinit {
        if !closed { _ = try? close() }
    }

    private var chunkCapacity: Int { options.chunkSize + 64 * 1024 }

    private func start() throws {
        chunk = ByteBuffer(capacity: chunkCapacity)
        var out = ByteBuffer()
        out.raw(MCAP.magic)
        MCAPRecord.header(MCAPHeader(profile: options.profile, library: options.library)).encode(into: &out)
        try sink.emit(out.bytes, dataSection: true)
    }

    /// The sink once no chunk is queued (its state is only read between jobs).
    private var settled: MCAPChunkSink {
        pipeline?.settle()
        return sink
    }

    /// Adds a schema with the next free id (1, 2, ...) and returns the id.
    @discardableResult
    public func addSchema(name: String, encoding: String, data: [UInt8]) throws -> UInt16 {
        var id = UInt16(schemas.count + 1)
        while knownSchemaIDs.contains(id) { id &+= 1 }
        try addSchema(MCAPSchema(id: id, name: name, encoding: encoding, data: data))
        return id
    }

    /// Adds a schema with its own id (non-zero, not used before).
    public func addSchema(_ s: MCAPSchema) throws {
        precondition(!closed, "MCAPWriter used after close()")
        precondition(s.id != 0 && !knownSchemaIDs.contains(s.id), "schema id \(s.id) is zero or taken")
        knownSchemaIDs.insert(s.id)
        schemas.append(s)
        MCAPRecord.schema(s).encode(into: &chunk)
    }

    /// Adds a channel with the next free id (0, 1, ...) and returns the id.
    @discardableResult
    public func addChannel(topic: String, messageEncoding: String, schemaID: UInt16,
                           metadata: [String: String] = [:]) throws -> UInt16 {
        var id = UInt16(channels.count)
        while knownChannelIDs.contains(id) { id &+= 1 }
        try addChannel(MCAPChannel(id: id, schemaID: schemaID, topic: topic, messageEncoding: messageEncoding,
                                   metadata: metadata))
        return id
    }

    /// Adds a channel with its own id (not used before); its schema must have been added.
    public func addChannel(_ c: MCAPChannel) throws {
        precondition(!closed, "MCAPWriter used after close()")
        precondition(!knownChannelIDs.contains(c.id), "channel id \(c.id) taken")
        precondition(c.schemaID == 0 || knownSchemaIDs.contains(c.schemaID), "channel \(c.topic): unknown schema \(c.schemaID)")
        knownChannelIDs.insert(c.id)
        channels.append(c)
        MCAPRecord.channel(c).encode(into: &chunk)
    }

    /// Appends one message whose payload `encode` writes straight into the chunk buffer (no
    /// intermediate copy). `logTime` in nanoseconds; `publishTime` defaults to it; `sequence`
    /// defaults to a per-channel counter from 0.
    public func write(channel: UInt16, logTime: UInt64, publishTime: UInt64? = nil, sequence: UInt32? = nil,
                      _ encode: (inout ByteBuffer) throws -> Void) throws {
        precondition(!closed, "MCAPWriter used after close()")
        precondition(knownChannelIDs.contains(channel), "unknown channel \(channel)")
        // a chunk spanning too much log time goes out first
        if chunkMessages > 0, logTime > chunkStart, logTime - chunkStart >= options.chunkDuration {
            try flushChunk()
        }
        let seq: UInt32
        if let sequence { seq = sequence } else {
            seq = sequences[channel, default: 0]
            sequences[channel] = seq &+ 1
        }
        // record prefix, fixed fields, then the payload in place
        let offset = chunk.count
        chunk.u8(MCAPOpcode.message.rawValue)
        chunk.u64(0)
        chunk.u16(channel); chunk.u32(seq); chunk.u64(logTime); chunk.u64(publishTime ?? logTime)
        do {
            try encode(&chunk)
        } catch {
            chunk.bytes.removeSubrange(offset...)
            throw error
        }
        chunk.patchU64(at: offset + 1, UInt64(chunk.count - offset - MCAP.recordPrefix))
        // index and statistics
        chunkIndex[channel, default: []].append(.init(logTime: logTime, offset: UInt64(offset)))
        chunkStart = min(chunkStart, logTime)
        chunkEnd = max(chunkEnd, logTime)
        chunkMessages += 1
        if statistics.messageCount == 0 {
            statistics.messageStartTime = logTime
            statistics.messageEndTime = logTime
        } else {
            statistics.messageStartTime = min(statistics.messageStartTime, logTime)
            statistics.messageEndTime = max(statistics.messageEndTime, logTime)
        }
        statistics.messageCount += 1
        statistics.channelMessageCounts[channel, default: 0] += 1
        if chunk.count >= options.chunkSize { try flushChunk() }
    }

    /// Appends a message whose payload is already encoded.
    public func write(_ m: MCAPMessage) throws {
        try write(channel: m.channelID, logTime: m.logTime, publishTime: m.publishTime, sequence: m.sequence) {
            $0.raw(m.data)
        }
    }

    /// Writes the chunk being filled (if it holds any record) and its message indexes now (with
    /// `background`: hands them to the writer queue, after the previous chunk if it is still
    /// being written; throws an earlier chunk's write error).
    public func flushChunk() throws {
        guard chunk.count > 0 else { return }
        let start = chunkMessages > 0 ? chunkStart : 0, end = chunkMessages > 0 ? chunkEnd : 0
        let index = chunkIndex.keys.sorted().map { (channel: $0, entries: chunkIndex[$0]!) }
        if let pipeline {
            let records = chunk
            chunk = pipeline.takeBuffer(reserving: chunkCapacity)
            do {
                try pipeline.submit(MCAPChunkJob(records: records, start: start, end: end, index: index))
            } catch {
                chunk = records  // not queued: keep the records, as the synchronous path does
                throw error
            }
        } else {
            try sink.writeChunk(MCAPChunkJob(records: chunk, start: start, end: end, index: index))
            chunk.removeAll()
        }
        statistics.chunkCount += 1
        // reset, keeping capacity
        chunkIndex.removeAll(keepingCapacity: true)
        chunkStart = .max
        chunkEnd = 0
        chunkMessages = 0
    }

    /// Writes the last chunk, DataEnd, the summary, Footer and magic, `fsync`s and closes the file
    /// (with `deferFinalSync`, the `fsync` and close run on the writer queue: the file is complete
    /// when this returns, and durable shortly after). Returns the file's statistics. Calling it
    /// again does nothing.
    @discardableResult
    public func close() throws -> MCAPStatistics {
        guard !closed else { return statistics }
        var finished = false
        defer {
            closed = true
            if !finished {
                pipeline?.settle()
                sink.closeFile(sync: false)
            }
        }
        try flushChunk()
        try pipeline?.drain()
        statistics.schemaCount = UInt16(schemas.count)
        statistics.channelCount = UInt32(channels.count)
        var out = ByteBuffer()
        MCAPRecord.dataEnd(dataSectionCRC: sink.dataCRC).encode(into: &out)
        try sink.emit(out.bytes, dataSection: false)
        // summary: grouped by opcode, each group located by a SummaryOffset
        let summaryStart = sink.position
        var groups: [MCAPSummaryOffset] = []
        func group(_ op: MCAPOpcode, _ records: [MCAPRecord]) {
            guard !records.isEmpty else { return }
            let s = summaryStart + UInt64(out.count)
            for r in records { r.encode(into: &out) }
            groups.append(MCAPSummaryOffset(groupOpcode: op.rawValue, groupStart: s,
                                            groupLength: summaryStart + UInt64(out.count) - s))
        }
        out.removeAll()
        group(.schema, schemas.map { .schema($0) })
        group(.channel, channels.map { .channel($0) })
        group(.statistics, [.statistics(statistics)])
        group(.chunkIndex, sink.chunkIndexes.map { .chunkIndex($0) })
        let summaryOffsetStart = summaryStart + UInt64(out.count)
        for g in groups { MCAPRecord.summaryOffset(g).encode(into: &out) }
        // footer: the CRC covers the summary through the footer's summary_offset_start field
        let footerAt = out.count
        MCAPRecord.footer(MCAPFooter(summaryStart: summaryStart, summaryOffsetStart: summaryOffsetStart,
                                     summaryCRC: 0)).encode(into: &out)
        let crc = CRC32.update(0, out.bytes, 0..<(footerAt + MCAP.recordPrefix + 16))
        out.patchU32(at: footerAt + MCAP.recordPrefix + 16, crc)
        out.raw(MCAP.magic)
        try sink.emit(out.bytes, dataSection: false)
        if let pipeline, options.deferFinalSync { pipeline.closeFileLater() } else { sink.closeFile(sync: true) }
        finished = true
        return statistics
    }
}
