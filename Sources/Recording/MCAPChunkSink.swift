import Diagnostics
import Foundation

/// One finished chunk handed from `MCAPWriter` to its sink: the Schema, Channel and Message
/// records, their log-time range and the message index (offsets into `records`).
struct MCAPChunkJob: Sendable {
    var records: ByteBuffer
    /// Log-time range of the chunk's messages (0...0 when it holds none), nanoseconds.
    var start: UInt64
    var end: UInt64
    /// Message index entries per channel, ascending channel ids.
    var index: [(channel: UInt16, entries: [MCAPMessageIndex.Entry])]
}

/// The output side of an `MCAPWriter`: turns finished chunks into Chunk and MessageIndex
/// records (CRC, LZ4), keeps the data-section CRC and the chunk index, and sends bytes to the
/// file or to memory.
///
/// Every byte the writer produces goes through here, in order, whether the writer calls it on
/// its own thread or from its background queue (`MCAPBackgroundWriter`), so the file is the same
/// either way. Not thread-safe by itself: the background writer runs at most one job at a time
/// and the writer touches the sink only after draining it.
final class MCAPChunkSink: @unchecked Sendable {
    let path: String
    let compression: MCAPCompression
    let syncEachChunk: Bool
    private(set) var fd: Int32
    /// Everything written so far, when writing to memory.
    private(set) var memory: [UInt8] = []
    /// Bytes written so far.
    private(set) var position: UInt64 = 0
    /// CRC-32 of the data section so far (magic included).
    private(set) var dataCRC: UInt32 = 0
    private(set) var chunkIndexes: [MCAPChunkIndex] = []
    /// Scratch for the chunk records being sent (reused, keeps its capacity).
    private var out = ByteBuffer()
    private var encoder = LZ4Encoder()

    init(path: String, fd: Int32, compression: MCAPCompression, syncEachChunk: Bool) {
        self.path = path
        self.fd = fd
        self.compression = compression
        self.syncEachChunk = syncEachChunk
    }

    /// Writes one chunk (compressed when LZ4 shrinks it) and its message indexes with one
    /// `write()`, and records its ChunkIndex.
    func writeChunk(_ job: MCAPChunkJob) throws {
        let records = job.records
        let chunkOffset = position
        let crc = CRC32.update(0, records.bytes)
        // the chunk record: fixed fields, compression, then the records (compressed when that helps)
        out.removeAll()
        out.u8(MCAPOpcode.chunk.rawValue)
        out.u64(0)
        out.u64(job.start); out.u64(job.end); out.u64(UInt64(records.count)); out.u32(crc)
        let fixedLength = out.count
        var compressed = ""
        var storedSize = records.count
        if compression == .lz4 {
            out.string(MCAPCompression.lz4.rawValue)
            let lengthAt = out.count
            out.u64(0)
            let framesAt = out.count
            records.bytes.withUnsafeBytes { encoder.compress($0, appendingTo: &out.bytes) }
            if out.count - framesAt < records.count {
                compressed = MCAPCompression.lz4.rawValue
                storedSize = out.count - framesAt
                out.patchU64(at: lengthAt, UInt64(storedSize))
            } else {
                out.bytes.removeSubrange(fixedLength...)
            }
        }
        if compressed.isEmpty {
            out.string(""); out.u64(UInt64(records.count))
        }
        let headLength = out.count
        if compressed.isEmpty { out.raw(records.bytes) }
        let chunkLength = UInt64(out.count)
        out.patchU64(at: 1, chunkLength - UInt64(MCAP.recordPrefix))
        // one message index per channel, ascending ids
        var offsets: [UInt16: UInt64] = [:]
        for (ch, entries) in job.index {
            offsets[ch] = chunkOffset + UInt64(out.count)
            MCAPRecord.messageIndex(MCAPMessageIndex(channelID: ch, records: entries)).encode(into: &out)
        }
        let indexLength = UInt64(out.count) - chunkLength
        if compressed.isEmpty {
            // data CRC: the records' CRC is known, so only the head and indexes are read again
            dataCRC = CRC32.update(dataCRC, out.bytes, 0..<headLength)
            dataCRC = CRC32.combine(dataCRC, crc, lengthB: records.count)
            dataCRC = CRC32.update(dataCRC, out.bytes, Int(chunkLength)..<out.count)
        } else {
            dataCRC = CRC32.update(dataCRC, out.bytes)
        }
        try emit(out.bytes, dataSection: false)
        if syncEachChunk, fd >= 0 { fsync(fd) }
        chunkIndexes.append(MCAPChunkIndex(messageStartTime: job.start, messageEndTime: job.end, chunkStartOffset: chunkOffset,
                                           chunkLength: chunkLength, messageIndexOffsets: offsets,
                                           messageIndexLength: indexLength, compression: compressed,
                                           compressedSize: UInt64(storedSize), uncompressedSize: UInt64(records.count)))
    }

    /// Sends `bytes` to the file or memory, updating the data CRC when they are data-section
    /// bytes not counted yet.
    func emit(_ bytes: [UInt8], dataSection: Bool) throws {
        if dataSection { dataCRC = CRC32.update(dataCRC, bytes) }
        position += UInt64(bytes.count)
        if fd < 0 {
            memory.append(contentsOf: bytes)
            return
        }
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw InputError(path, "cannot write log: \(String(cString: strerror(errno)))")
                }
                done += n
            }
        }
    }

    /// `fsync` (when `sync`) and closes the file; memory sinks do nothing.
    func closeFile(sync: Bool) {
        guard fd >= 0 else { return }
        if sync { fsync(fd) }
        Foundation.close(fd)
        fd = -1
    }
}
