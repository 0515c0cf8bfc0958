import Foundation

/// What `swiftlet log info` prints: file facts, channels with counts, rates and schemas, chunk
/// count and time range, and whether the file was cut.
public struct MCAPInfo: Sendable {
    public struct ChannelInfo: Sendable, Equatable {
        public var id: UInt16
        public var topic: String
        public var messageCount: UInt64
        public var schemaName: String
        public var schemaEncoding: String
        public var messageEncoding: String
        /// The channel's MCAP metadata (e.g. an HInt dataset's platform).
        public var metadata: [String: String] = [:]
    }
    public var path: String
    public var fileBytes: Int
    public var header: MCAPHeader?
    /// True when read through the summary section (a complete, indexed file).
    public var indexed: Bool
    public var messageCount: UInt64
    public var chunkCount: Int
    public var timeRange: ClosedRange<UInt64>?
    public var channels: [ChannelInfo]
    public var truncation: MCAPTruncation?
    /// Chunks per compression ("" = uncompressed, "lz4", "zstd").
    public var compressions: [String: Int] = [:]
    /// Record bytes of all chunks as stored in the file, and once decompressed.
    public var storedRecordBytes: UInt64 = 0
    public var recordBytes: UInt64 = 0

    /// Reads `path` (validating CRCs) and gathers the facts.
    public static func load(path: String) throws -> MCAPInfo {
        try load(reader: try MCAPReader(path: path, validateCRCs: true))
    }

    /// The facts of a file already read (its `source` is the path shown), validating CRCs.
    public static func load(reader r: MCAPReader) throws -> MCAPInfo {
        let path = r.source
        var counts: [UInt16: UInt64] = [:]
        var schemas: [UInt16: MCAPSchema] = [:], channels: [UInt16: MCAPChannel] = [:]
        var info = MCAPInfo(path: path, fileBytes: r.bytes.count, header: r.header, indexed: false, messageCount: 0,
                            chunkCount: 0, timeRange: nil, channels: [], truncation: nil)
        if let s = r.summary, let stats = s.statistics, !stats.channelMessageCounts.isEmpty || stats.messageCount == 0 {
            info.indexed = true
            counts = stats.channelMessageCounts
            schemas = s.schemas
            channels = s.channels
            info.messageCount = stats.messageCount
            info.chunkCount = Int(stats.chunkCount)
            if stats.messageCount > 0 { info.timeRange = stats.messageStartTime...stats.messageEndTime }
            for ci in s.chunkIndexes {
                info.compressions[ci.compression, default: 0] += 1
                info.storedRecordBytes += ci.compressedSize
                info.recordBytes += ci.uncompressedSize
            }
            // the chunks must still be intact
            _ = try r.messages(validateCRCs: true)
        } else {
            let scan = try r.scan(validateCRCs: true)
            schemas = scan.schemas
            channels = scan.channels
            for m in scan.messages { counts[m.channelID, default: 0] += 1 }
            info.messageCount = UInt64(scan.messages.count)
            info.chunkCount = scan.chunks.count
            if let lo = scan.messages.map(\.logTime).min(), let hi = scan.messages.map(\.logTime).max() { info.timeRange = lo...hi }
            info.truncation = scan.truncation
            for c in scan.chunks {
                info.compressions[c.compression, default: 0] += 1
                info.storedRecordBytes += UInt64(c.compressedSize)
                info.recordBytes += UInt64(c.uncompressedSize)
            }
        }
        info.channels = channels.values.sorted { $0.id < $1.id }.map { c in
            let s = schemas[c.schemaID]
            return ChannelInfo(id: c.id, topic: c.topic, messageCount: counts[c.id] ?? 0, schemaName: s?.name ?? "",
                               schemaEncoding: s?.encoding ?? "", messageEncoding: c.messageEncoding)
        }
        for (i, c) in info.channels.enumerated() { info.channels[i].metadata = channels[c.id]?.metadata ?? [:] }
        return info
    }

    /// " (compression: lz4 11, none 1; records 1.3 MB stored in 250 kB, ratio 5.12)".
    var compressionText: String {
        guard !compressions.isEmpty else { return "" }
        let kinds = compressions.sorted { $0.key > $1.key }
            .map { (MCAPCompression(rawValue: $0.key)?.label ?? $0.key) + " \($0.value)" }.joined(separator: ", ")
        func size(_ b: UInt64) -> String {
            b >= 1_000_000 ? String(format: "%.2f MB", Double(b) / 1e6) : String(format: "%.1f kB", Double(b) / 1e3)
        }
        let ratio = storedRecordBytes > 0 ? String(format: ", ratio %.2f", Double(recordBytes) / Double(storedRecordBytes)) : ""
        return " (compression: \(kinds); records \(size(recordBytes)) stored in \(size(storedRecordBytes))\(ratio))"
    }

    /// The report, like the public `mcap info`.
    public var text: String {
        var lines: [String] = []
        lines.append("file:      \(path) (\(fileBytes) bytes)")
        lines.append("library:   \(header?.library ?? "?")")
        lines.append("profile:   \(header?.profile.isEmpty == false ? header!.profile : "(none)")")
        lines.append("messages:  \(messageCount)")
        if let r = timeRange {
            let d = Double(r.upperBound - r.lowerBound) / 1e9
            lines.append(String(format: "duration:  %.3f s", d))
            lines.append(String(format: "start:     %.9f s", Double(r.lowerBound) / 1e9))
            lines.append(String(format: "end:       %.9f s", Double(r.upperBound) / 1e9))
        }
        lines.append("chunks:    \(chunkCount)" + compressionText)
        lines.append("index:     " + (indexed ? "summary with chunk index and statistics" : "none (read by linear scan)"))
        lines.append("channels:")
        let w = channels.map(\.topic.count).max() ?? 0
        let dur = timeRange.map { Double($0.upperBound - $0.lowerBound) / 1e9 } ?? 0
        for c in channels {
            let pad = String(repeating: " ", count: w - c.topic.count)
            let hz = dur > 0 && c.messageCount > 1 ? String(format: " %7.2f Hz", Double(c.messageCount - 1) / dur) : "           "
            lines.append(String(format: "  (%2d) ", c.id) + c.topic + pad + String(format: " %7llu msgs", c.messageCount)
                         + hz + " : \(c.schemaName) [\(c.schemaEncoding)/\(c.messageEncoding)]")
            if !c.metadata.isEmpty { lines.append("       metadata: " + c.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")) }
        }
        if let t = truncation {
            lines.append("truncated: yes: " + t.summary)
        }
        return lines.joined(separator: "\n")
    }
}
