/// The summary section of a complete file: schema and channel copies, statistics, chunk index.
public struct MCAPSummary: Sendable {
    public var schemas: [UInt16: MCAPSchema] = [:]
    public var channels: [UInt16: MCAPChannel] = [:]
    public var statistics: MCAPStatistics?
    public var chunkIndexes: [MCAPChunkIndex] = []
    public var summaryOffsets: [MCAPSummaryOffset] = []
}

/// Where a linear scan stopped early because the file was cut.
public struct MCAPTruncation: Sendable, Equatable {
    /// End of the last complete record: bytes from here on are unusable.
    public var validEnd: Int
    /// Size of the file.
    public var fileSize: Int
    /// What was cut ("Chunk record at byte 1234 claims 5000 bytes but 812 remain").
    public var reason: String
    /// For a cut chunk: its log-time range from the chunk header (when those bytes survived).
    public var partialChunkTimeRange: ClosedRange<UInt64>?
    /// For a cut chunk: complete Message records found in the part that survived.
    public var partialChunkMessages: Int

    public var lostBytes: Int { fileSize - validEnd }

    /// One line for people: what is lost and how to repair it (`log info`, `replay --headless`).
    public var summary: String {
        "\(lostBytes) bytes after byte \(validEnd) are unusable (\(reason)); run `swiftlet log recover` to rewrite it"
    }
}

/// Location and content summary of one chunk met during a scan.
public struct MCAPChunkInfo: Sendable, Equatable {
    public var offset: Int
    /// Chunk record length including opcode and length prefix.
    public var length: Int
    public var messageStartTime: UInt64
    public var messageEndTime: UInt64
    public var messageCount: Int
    /// The chunk's compression ("", "lz4" or "zstd").
    public var compression: String = ""
    /// Bytes of records as stored in the file (compressed size).
    public var compressedSize: Int = 0
    /// Bytes of records once decompressed.
    public var uncompressedSize: Int = 0
}

/// Everything a linear scan found.
public struct MCAPScan: Sendable {
    public var header: MCAPHeader?
    public var schemas: [UInt16: MCAPSchema] = [:]
    public var channels: [UInt16: MCAPChannel] = [:]
    /// Schema and channel ids in the order they appeared.
    public var schemaOrder: [UInt16] = []
    public var channelOrder: [UInt16] = []
    /// Messages in file order.
    public var messages: [MCAPMessage] = []
    public var chunks: [MCAPChunkInfo] = []
    /// The DataEnd record's CRC, if the scan reached it.
    public var dataSectionCRC: UInt32?
    public var footer: MCAPFooter?
    /// Set when the file ends early.
    public var truncation: MCAPTruncation?
}
