import Diagnostics

/// MCAP record opcodes (see the MCAP specification, "Records").
public enum MCAPOpcode: UInt8, Sendable, CaseIterable {
    case header = 0x01, footer = 0x02, schema = 0x03, channel = 0x04, message = 0x05, chunk = 0x06
    case messageIndex = 0x07, chunkIndex = 0x08, attachment = 0x09, attachmentIndex = 0x0A
    case statistics = 0x0B, metadata = 0x0C, metadataIndex = 0x0D, summaryOffset = 0x0E, dataEnd = 0x0F
}

/// Constants of the MCAP container.
public enum MCAP {
    /// `0x89 M C A P 0 \r \n`, at both ends of every file.
    public static let magic: [UInt8] = [0x89, 0x4D, 0x43, 0x41, 0x50, 0x30, 0x0D, 0x0A]
    /// Opcode + u64 length.
    public static let recordPrefix = 9
    /// A Footer record with its prefix: 9 + 8 + 8 + 4 bytes.
    public static let footerRecordSize = 29

    /// Most bytes `stored` record bytes can decode to, so a larger claim is corrupt (and
    /// allocations sized by it stay bounded by the bytes present). LZ4 expands at most 255-fold.
    /// Zstandard much more: a 4-byte RLE block (3-byte header, 1 byte) decodes to up to 128 KiB,
    /// so `stored` bytes hold at most `stored / 4 + 1` full blocks.
    static func maxUncompressedSize(stored: UInt64, compression: String = MCAPCompression.lz4.rawValue) -> UInt64 {
        compression == Zstd.mcapName ? (stored / 4 + 1) * UInt64(Zstd.maxBlockSize) : stored * 255 + 64
    }
}

/// First record of a file: `profile` (empty for Swiftlet) and writer `library`.
public struct MCAPHeader: Sendable, Equatable {
    public var profile: String
    public var library: String
    public init(profile: String, library: String) { self.profile = profile; self.library = library }
}

/// Last record of a file: where the summary and summary-offset sections start (0 if absent)
/// and the CRC-32 of the summary bytes through `summaryOffsetStart` (0 if not computed).
public struct MCAPFooter: Sendable, Equatable {
    public var summaryStart: UInt64
    public var summaryOffsetStart: UInt64
    public var summaryCRC: UInt32
    public init(summaryStart: UInt64, summaryOffsetStart: UInt64, summaryCRC: UInt32) {
        self.summaryStart = summaryStart; self.summaryOffsetStart = summaryOffsetStart; self.summaryCRC = summaryCRC
    }
}

/// A message schema: `id` (non-zero), `name` (e.g. `foxglove.PoseInFrame`), `encoding`
/// (`jsonschema`) and the schema text.
public struct MCAPSchema: Sendable, Equatable {
    public var id: UInt16
    public var name: String
    public var encoding: String
    public var data: [UInt8]
    public init(id: UInt16, name: String, encoding: String, data: [UInt8]) {
        self.id = id; self.name = name; self.encoding = encoding; self.data = data
    }
}

/// A stream of messages on a `topic` with one schema (0 = none) and message encoding (`json`).
public struct MCAPChannel: Sendable, Equatable {
    public var id: UInt16
    public var schemaID: UInt16
    public var topic: String
    public var messageEncoding: String
    public var metadata: [String: String]
    public init(id: UInt16, schemaID: UInt16, topic: String, messageEncoding: String, metadata: [String: String] = [:]) {
        self.id = id; self.schemaID = schemaID; self.topic = topic; self.messageEncoding = messageEncoding
        self.metadata = metadata
    }
}

/// One message: times are nanoseconds (Swiftlet: simulated time since episode start).
public struct MCAPMessage: Sendable, Equatable {
    public var channelID: UInt16
    public var sequence: UInt32
    public var logTime: UInt64
    public var publishTime: UInt64
    public var data: [UInt8]
    public init(channelID: UInt16, sequence: UInt32, logTime: UInt64, publishTime: UInt64, data: [UInt8]) {
        self.channelID = channelID; self.sequence = sequence; self.logTime = logTime
        self.publishTime = publishTime; self.data = data
    }
}

/// A batch of Schema, Channel and Message records; `records` as stored in the file (an LZ4 frame
/// when `compression` is "lz4", the records themselves when it is "").
public struct MCAPChunk: Sendable, Equatable {
    public var messageStartTime: UInt64
    public var messageEndTime: UInt64
    public var uncompressedSize: UInt64
    public var uncompressedCRC: UInt32
    public var compression: String
    public var records: [UInt8]
    public init(messageStartTime: UInt64, messageEndTime: UInt64, uncompressedSize: UInt64, uncompressedCRC: UInt32,
                compression: String, records: [UInt8]) {
        self.messageStartTime = messageStartTime; self.messageEndTime = messageEndTime
        self.uncompressedSize = uncompressedSize; self.uncompressedCRC = uncompressedCRC
        self.compression = compression; self.records = records
    }
}

/// Log times and offsets (from the start of the chunk's records) of one channel's messages in
/// the chunk just before.
public struct MCAPMessageIndex: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var logTime: UInt64
        public var offset: UInt64
        public init(logTime: UInt64, offset: UInt64) { self.logTime = logTime; self.offset = offset }
    }
    public var channelID: UInt16
    public var records: [Entry]
    public init(channelID: UInt16, records: [Entry]) { self.channelID = channelID; self.records = records }
}

/// Where a chunk and its message indexes are, with its time range (summary section).
public struct MCAPChunkIndex: Sendable, Equatable {
    public var messageStartTime: UInt64
    public var messageEndTime: UInt64
    public var chunkStartOffset: UInt64
    /// Length of the Chunk record including opcode and length prefix.
    public var chunkLength: UInt64
    public var messageIndexOffsets: [UInt16: UInt64]
    public var messageIndexLength: UInt64
    public var compression: String
    public var compressedSize: UInt64
    public var uncompressedSize: UInt64
    public init(messageStartTime: UInt64, messageEndTime: UInt64, chunkStartOffset: UInt64, chunkLength: UInt64,
                messageIndexOffsets: [UInt16: UInt64], messageIndexLength: UInt64, compression: String,
                compressedSize: UInt64, uncompressedSize: UInt64) {
        self.messageStartTime = messageStartTime; self.messageEndTime = messageEndTime
        self.chunkStartOffset = chunkStartOffset; self.chunkLength = chunkLength
        self.messageIndexOffsets = messageIndexOffsets; self.messageIndexLength = messageIndexLength
        self.compression = compression; self.compressedSize = compressedSize; self.uncompressedSize = uncompressedSize
    }
}

/// File-wide counts and time range (summary section).
public struct MCAPStatistics: Sendable, Equatable {
    public var messageCount: UInt64 = 0
    public var schemaCount: UInt16 = 0
    public var channelCount: UInt32 = 0
    public var attachmentCount: UInt32 = 0
    public var metadataCount: UInt32 = 0
    public var chunkCount: UInt32 = 0
    public var messageStartTime: UInt64 = 0
    public var messageEndTime: UInt64 = 0
    public var channelMessageCounts: [UInt16: UInt64] = [:]
    public init() {}
}

/// Location of one group of same-opcode records in the summary section.
public struct MCAPSummaryOffset: Sendable, Equatable {
    public var groupOpcode: UInt8
    public var groupStart: UInt64
    public var groupLength: UInt64
    public init(groupOpcode: UInt8, groupStart: UInt64, groupLength: UInt64) {
        self.groupOpcode = groupOpcode; self.groupStart = groupStart; self.groupLength = groupLength
    }
}

/// Any MCAP record Swiftlet reads or writes. Records it does not use (attachments, metadata)
/// are kept as `.other` with their opcode.
public enum MCAPRecord: Sendable, Equatable {
    case header(MCAPHeader)
    case footer(MCAPFooter)
    case schema(MCAPSchema)
    case channel(MCAPChannel)
    case message(MCAPMessage)
    case chunk(MCAPChunk)
    case messageIndex(MCAPMessageIndex)
    case chunkIndex(MCAPChunkIndex)
    case statistics(MCAPStatistics)
    case summaryOffset(MCAPSummaryOffset)
    /// CRC-32 of every byte of the file before this record (0 = not computed).
    case dataEnd(dataSectionCRC: UInt32)
    case other(opcode: UInt8, content: [UInt8])

    public var opcode: UInt8 {
        switch self {
        case .header: MCAPOpcode.header.rawValue
        case .footer: MCAPOpcode.footer.rawValue
        case .schema: MCAPOpcode.schema.rawValue
        case .channel: MCAPOpcode.channel.rawValue
        case .message: MCAPOpcode.message.rawValue
        case .chunk: MCAPOpcode.chunk.rawValue
        case .messageIndex: MCAPOpcode.messageIndex.rawValue
        case .chunkIndex: MCAPOpcode.chunkIndex.rawValue
        case .statistics: MCAPOpcode.statistics.rawValue
        case .summaryOffset: MCAPOpcode.summaryOffset.rawValue
        case .dataEnd: MCAPOpcode.dataEnd.rawValue
        case .other(let op, _): op
        }
    }

    /// Appends opcode, content length and content to `out`.
    public func encode(into out: inout ByteBuffer) {
        out.u8(opcode)
        let lengthAt = out.count
        out.u64(0)
        let start = out.count
        switch self {
        case .header(let h):
            out.string(h.profile); out.string(h.library)
        case .footer(let f):
            out.u64(f.summaryStart); out.u64(f.summaryOffsetStart); out.u32(f.summaryCRC)
        case .schema(let s):
            out.u16(s.id); out.string(s.name); out.string(s.encoding)
            out.u32(UInt32(s.data.count)); out.raw(s.data)
        case .channel(let c):
            out.u16(c.id); out.u16(c.schemaID); out.string(c.topic); out.string(c.messageEncoding)
            MCAPRecord.encodeStringMap(c.metadata, into: &out)
        case .message(let m):
            out.u16(m.channelID); out.u32(m.sequence); out.u64(m.logTime); out.u64(m.publishTime); out.raw(m.data)
        case .chunk(let c):
            out.u64(c.messageStartTime); out.u64(c.messageEndTime); out.u64(c.uncompressedSize)
            out.u32(c.uncompressedCRC); out.string(c.compression); out.u64(UInt64(c.records.count)); out.raw(c.records)
        case .messageIndex(let m):
            out.u16(m.channelID); out.u32(UInt32(m.records.count * 16))
            for e in m.records { out.u64(e.logTime); out.u64(e.offset) }
        case .chunkIndex(let c):
            out.u64(c.messageStartTime); out.u64(c.messageEndTime); out.u64(c.chunkStartOffset); out.u64(c.chunkLength)
            MCAPRecord.encodeU16U64Map(c.messageIndexOffsets, into: &out)
            out.u64(c.messageIndexLength); out.string(c.compression); out.u64(c.compressedSize); out.u64(c.uncompressedSize)
        case .statistics(let s):
            out.u64(s.messageCount); out.u16(s.schemaCount); out.u32(s.channelCount); out.u32(s.attachmentCount)
            out.u32(s.metadataCount); out.u32(s.chunkCount); out.u64(s.messageStartTime); out.u64(s.messageEndTime)
            MCAPRecord.encodeU16U64Map(s.channelMessageCounts, into: &out)
        case .summaryOffset(let o):
            out.u8(o.groupOpcode); out.u64(o.groupStart); out.u64(o.groupLength)
        case .dataEnd(let crc):
            out.u32(crc)
        case .other(_, let content):
            out.raw(content)
        }
        out.patchU64(at: lengthAt, UInt64(out.count - start))
    }

    /// The record as bytes (opcode, length, content).
    public var encoded: [UInt8] {
        var b = ByteBuffer()
        encode(into: &b)
        return b.bytes
    }

    /// Map keys in ascending order, so equal maps encode to equal bytes.
    static func encodeStringMap(_ m: [String: String], into out: inout ByteBuffer) {
        let lengthAt = out.count
        out.u32(0)
        let start = out.count
        for k in m.keys.sorted() { out.string(k); out.string(m[k]!) }
        out.patchU32(at: lengthAt, UInt32(out.count - start))
    }

    static func encodeU16U64Map(_ m: [UInt16: UInt64], into out: inout ByteBuffer) {
        out.u32(UInt32(m.count * 10))
        for k in m.keys.sorted() { out.u16(k); out.u64(m[k]!) }
    }

    /// Parses the content of one record (`r` spans exactly the content). Fields past those
    /// known are ignored, as the specification asks.
    static func decode(opcode: UInt8, _ r: inout ByteReader) throws -> MCAPRecord {
        guard let op = MCAPOpcode(rawValue: opcode) else {
            return .other(opcode: opcode, content: try r.take(r.remaining, "content"))
        }
        switch op {
        case .header:
            return .header(MCAPHeader(profile: try r.string("profile"), library: try r.string("library")))
        case .footer:
            return .footer(MCAPFooter(summaryStart: try r.u64("summary_start"),
                                      summaryOffsetStart: try r.u64("summary_offset_start"),
                                      summaryCRC: try r.u32("summary_crc")))
        case .schema:
            let id = try r.u16("id")
            let name = try r.string("name"), encoding = try r.string("encoding")
            let n = try r.length32("data")
            return .schema(MCAPSchema(id: id, name: name, encoding: encoding, data: try r.take(n, "data")))
        case .channel:
            let id = try r.u16("id"), schemaID = try r.u16("schema_id")
            let topic = try r.string("topic"), enc = try r.string("message_encoding")
            return .channel(MCAPChannel(id: id, schemaID: schemaID, topic: topic, messageEncoding: enc,
                                        metadata: try r.stringMap("metadata")))
        case .message:
            let ch = try r.u16("channel_id"), seq = try r.u32("sequence")
            let lt = try r.u64("log_time"), pt = try r.u64("publish_time")
            return .message(MCAPMessage(channelID: ch, sequence: seq, logTime: lt, publishTime: pt,
                                        data: try r.take(r.remaining, "data")))
        case .chunk:
            let s = try r.u64("message_start_time"), e = try r.u64("message_end_time")
            let us = try r.u64("uncompressed_size"), crc = try r.u32("uncompressed_crc")
            let comp = try r.string("compression")
            let n = try r.length64("records")
            return .chunk(MCAPChunk(messageStartTime: s, messageEndTime: e, uncompressedSize: us, uncompressedCRC: crc,
                                    compression: comp, records: try r.take(n, "records")))
        case .messageIndex:
            let ch = try r.u16("channel_id")
            let n = try r.length32("records")
            guard n % 16 == 0 else { throw r.error("message index byte length \(n) is not a multiple of 16") }
            var entries: [MCAPMessageIndex.Entry] = []
            entries.reserveCapacity(n / 16)
            for _ in 0..<(n / 16) {
                entries.append(.init(logTime: try r.u64("log_time"), offset: try r.u64("offset")))
            }
            return .messageIndex(MCAPMessageIndex(channelID: ch, records: entries))
        case .chunkIndex:
            let s = try r.u64("message_start_time"), e = try r.u64("message_end_time")
            let off = try r.u64("chunk_start_offset"), len = try r.u64("chunk_length")
            let offsets = try r.u16u64Map("message_index_offsets")
            let miLen = try r.u64("message_index_length")
            let comp = try r.string("compression")
            return .chunkIndex(MCAPChunkIndex(messageStartTime: s, messageEndTime: e, chunkStartOffset: off,
                                              chunkLength: len, messageIndexOffsets: offsets,
                                              messageIndexLength: miLen, compression: comp,
                                              compressedSize: try r.u64("compressed_size"),
                                              uncompressedSize: try r.u64("uncompressed_size")))
        case .statistics:
            var s = MCAPStatistics()
            s.messageCount = try r.u64("message_count")
            s.schemaCount = try r.u16("schema_count")
            s.channelCount = try r.u32("channel_count")
            s.attachmentCount = try r.u32("attachment_count")
            s.metadataCount = try r.u32("metadata_count")
            s.chunkCount = try r.u32("chunk_count")
            s.messageStartTime = try r.u64("message_start_time")
            s.messageEndTime = try r.u64("message_end_time")
            s.channelMessageCounts = try r.u16u64Map("channel_message_counts")
            return .statistics(s)
        case .summaryOffset:
            return .summaryOffset(MCAPSummaryOffset(groupOpcode: try r.u8("group_opcode"),
                                                    groupStart: try r.u64("group_start"),
                                                    groupLength: try r.u64("group_length")))
        case .dataEnd:
            return .dataEnd(dataSectionCRC: try r.u32("data_section_crc"))
        case .attachment, .attachmentIndex, .metadata, .metadataIndex:
            return .other(opcode: opcode, content: try r.take(r.remaining, "content"))
        }
    }

    /// Parses one whole record (opcode, length, content) from `bytes` starting at `offset`.
    /// Returns the record and the offset just past it.
    public static func decode(_ bytes: [UInt8], at offset: Int = 0, source: String = "record") throws
        -> (record: MCAPRecord, end: Int) {
        var head = ByteReader(bytes, from: offset, to: bytes.count, source: source, context: "record at byte \(offset)")
        let op = try head.u8("opcode")
        let len = try head.length64("content")
        var r = ByteReader(bytes, from: head.pos, to: head.pos + len, source: source,
                           context: "\(MCAPRecord.name(op)) record at byte \(offset)")
        let rec = try decode(opcode: op, &r)
        return (rec, head.pos + len)
    }

    /// Human name of an opcode for messages ("Chunk", "opcode 0x42").
    public static func name(_ opcode: UInt8) -> String {
        guard let op = MCAPOpcode(rawValue: opcode) else { return "opcode 0x" + String(opcode, radix: 16) }
        switch op {
        case .header: return "Header"
        case .footer: return "Footer"
        case .schema: return "Schema"
        case .channel: return "Channel"
        case .message: return "Message"
        case .chunk: return "Chunk"
        case .messageIndex: return "MessageIndex"
        case .chunkIndex: return "ChunkIndex"
        case .attachment: return "Attachment"
        case .attachmentIndex: return "AttachmentIndex"
        case .statistics: return "Statistics"
        case .metadata: return "Metadata"
        case .metadataIndex: return "MetadataIndex"
        case .summaryOffset: return "SummaryOffset"
        case .dataEnd: return "DataEnd"
        }
    }
}
