import Diagnostics
import Foundation

/// Reads MCAP files: through the summary and chunk index when the file is complete, by a linear
/// scan otherwise. Every length is checked against the bytes left, so malformed input gives an
/// `InputError` naming the file and byte offset, never a crash or an unbounded allocation.
///
/// A file cut at any byte still yields every message of every complete chunk (`messages()` falls
/// back to a scan that stops at the cut and reports it in `scan().truncation`).
public final class MCAPReader {
    public let source: String
    public let bytes: [UInt8]
    /// The Header record (nil only when the file is cut before it ends).
    public private(set) var header: MCAPHeader?
    /// The Footer, when the file ends with Footer and magic.
    public private(set) var footer: MCAPFooter?
    /// The summary section, when present.
    public private(set) var summary: MCAPSummary?

    /// Reads the whole file at `path`.
    public convenience init(path: String, validateCRCs: Bool = false) throws {
        let data = try InputFile.read(path, as: "an MCAP log")
        try self.init(bytes: [UInt8](data), source: path, validateCRCs: validateCRCs)
    }

    /// Parses magic, Header and (when the file is complete) Footer and summary.
    /// `validateCRCs` checks the summary CRC here.
    public init(bytes: [UInt8], source: String, validateCRCs: Bool = false) throws {
        self.bytes = bytes
        self.source = source
        let m = MCAP.magic
        // magic: a proper prefix of it is a file cut before the header, anything else is not MCAP
        let n = min(bytes.count, m.count)
        guard Array(bytes[0..<n]) == Array(m[0..<n]) else {
            let shown = bytes.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw InputError(source, at: "byte 0", "not an MCAP file: bad magic (\(shown)), expected 89 4d 43 41 50 30 0d 0a")
        }
        guard bytes.count >= m.count + MCAP.recordPrefix else { return }
        // header: the first record
        let op = bytes[m.count]
        guard op == MCAPOpcode.header.rawValue else {
            throw InputError(source, at: "byte 8", "expected a Header record (opcode 0x01), found \(MCAPRecord.name(op))")
        }
        if let (rec, _) = try? MCAPRecord.decode(bytes, at: m.count, source: source), case .header(let h) = rec {
            header = h
        } else if isTerminated {
            _ = try MCAPRecord.decode(bytes, at: m.count, source: source)
        }
        // footer and summary, when the file ends properly
        guard isTerminated else { return }
        let footerAt = bytes.count - m.count - MCAP.footerRecordSize
        guard case .footer(let f) = try MCAPRecord.decode(bytes, at: footerAt, source: source).record else { return }
        footer = f
        guard f.summaryStart != 0 else { return }
        try loadSummary(f, footerAt: footerAt, validateCRC: validateCRCs)
    }

    /// True when the file ends with a Footer record and the magic.
    public var isTerminated: Bool {
        let m = MCAP.magic
        guard bytes.count >= 2 * m.count + MCAP.recordPrefix + MCAP.footerRecordSize else { return false }
        guard Array(bytes[(bytes.count - m.count)...]) == m else { return false }
        let f = bytes.count - m.count - MCAP.footerRecordSize
        return bytes[f] == MCAPOpcode.footer.rawValue && bytes[(f + 1)..<(f + 9)].elementsEqual([20, 0, 0, 0, 0, 0, 0, 0])
    }

    private func loadSummary(_ f: MCAPFooter, footerAt: Int, validateCRC: Bool) throws {
        let start = Int(clamping: f.summaryStart)
        guard f.summaryStart >= UInt64(MCAP.magic.count), start <= footerAt else {
            throw InputError(source, at: "Footer", "summary_start \(f.summaryStart) is outside the file's \(footerAt)-byte body")
        }
        var end = footerAt
        if f.summaryOffsetStart != 0 {
            guard f.summaryOffsetStart >= f.summaryStart, f.summaryOffsetStart <= UInt64(footerAt) else {
                throw InputError(source, at: "Footer",
                                 "summary_offset_start \(f.summaryOffsetStart) is not between summary_start and the footer")
            }
            end = Int(f.summaryOffsetStart)
        }
        if validateCRC, f.summaryCRC != 0 {
            let crc = CRC32.update(0, bytes, start..<(footerAt + MCAP.recordPrefix + 16))
            guard crc == f.summaryCRC else {
                throw InputError(source, at: "Footer", String(format: "summary CRC mismatch: stored %08x, computed %08x",
                                                               f.summaryCRC, crc))
            }
        }
        var s = MCAPSummary()
        var pos = start
        while pos < footerAt {
            let (rec, next) = try MCAPRecord.decode(bytes, at: pos, source: source)
            guard next <= footerAt else {
                throw InputError(source, at: "byte \(pos)", "summary record runs past the footer")
            }
            switch rec {
            case .schema(let x): s.schemas[x.id] = x
            case .channel(let x): s.channels[x.id] = x
            case .statistics(let x):
                // a reversed time range would trap where it becomes a ClosedRange (`log info`)
                guard x.messageCount == 0 || x.messageStartTime <= x.messageEndTime else {
                    throw InputError(source, at: "Statistics at byte \(pos)",
                                     "message_start_time \(x.messageStartTime) is after message_end_time \(x.messageEndTime)")
                }
                s.statistics = x
            case .chunkIndex(let x):
                // sizes bounded by the file, so totals over the index cannot overflow
                guard x.compressedSize <= UInt64(bytes.count),
                      x.uncompressedSize <= MCAP.maxUncompressedSize(stored: x.compressedSize, compression: x.compression) else {
                    throw InputError(source, at: "ChunkIndex at byte \(pos)",
                                     "compressed_size \(x.compressedSize) / uncompressed_size \(x.uncompressedSize) impossible in a \(bytes.count)-byte file")
                }
                s.chunkIndexes.append(x)
            case .summaryOffset(let x) where pos >= end: s.summaryOffsets.append(x)
            default: break
            }
            pos = next
        }
        summary = s
    }

    /// Messages with `logTime` in `start...end` (nanoseconds) on `topics` (nil = all), in log-time
    /// order (ties in file order). Uses the chunk index to read only chunks overlapping the range;
    /// without a summary it scans linearly and returns every message of every complete chunk.
    public func messages(from start: UInt64 = 0, to end: UInt64 = .max, topics: Set<String>? = nil,
                         validateCRCs: Bool = false) throws -> [MCAPMessage] {
        var out: [MCAPMessage] = []
        let channels: [UInt16: MCAPChannel]
        if let summary, !summary.chunkIndexes.isEmpty {
            channels = summary.channels
            for ci in summary.chunkIndexes where ci.messageEndTime >= start && ci.messageStartTime <= end {
                var scan = MCAPScan()
                try readChunk(at: ci, into: &scan, validateCRC: validateCRCs)
                out += scan.messages
            }
        } else {
            let scan = try self.scan(validateCRCs: validateCRCs)
            channels = scan.channels
            out = scan.messages
        }
        let wanted: Set<UInt16>? = topics.map { t in Set(channels.values.filter { t.contains($0.topic) }.map(\.id)) }
        // (all messages wanted: no filtering copy)
        if start > 0 || end < .max || wanted != nil {
            out = out.filter { m in m.logTime >= start && m.logTime <= end && (wanted?.contains(m.channelID) ?? true) }
        }
        return stableSortedByTime(out)
    }

    /// Channels of the file (from the summary, else from a scan).
    public func channels() throws -> [UInt16: MCAPChannel] {
        if let summary, !summary.channels.isEmpty { return summary.channels }
        return try scan().channels
    }

    /// Schemas of the file (from the summary, else from a scan).
    public func schemas() throws -> [UInt16: MCAPSchema] {
        if let summary, !summary.schemas.isEmpty { return summary.schemas }
        return try scan().schemas
    }

    func stableSortedByTime(_ ms: [MCAPMessage]) -> [MCAPMessage] {
        var sorted = true
        for i in ms.indices.dropFirst() where ms[i].logTime < ms[i - 1].logTime { sorted = false; break }
        if sorted { return ms }
        return ms.enumerated().sorted { a, b in
            a.element.logTime != b.element.logTime ? a.element.logTime < b.element.logTime : a.offset < b.offset
        }.map(\.element)
    }

    private func readChunk(at ci: MCAPChunkIndex, into scan: inout MCAPScan, validateCRC: Bool) throws {
        guard ci.chunkStartOffset >= UInt64(MCAP.magic.count), ci.chunkLength >= UInt64(MCAP.recordPrefix),
              ci.chunkStartOffset < UInt64(bytes.count), ci.chunkLength <= UInt64(bytes.count) - ci.chunkStartOffset else {
            throw InputError(source, at: "ChunkIndex", "chunk at byte \(ci.chunkStartOffset) with length \(ci.chunkLength) lies outside the \(bytes.count)-byte file")
        }
        let at = Int(ci.chunkStartOffset)
        guard bytes[at] == MCAPOpcode.chunk.rawValue else {
            throw InputError(source, at: "byte \(at)", "ChunkIndex points at \(MCAPRecord.name(bytes[at])), not a Chunk")
        }
        try parseChunk(at: at, into: &scan, validateCRC: validateCRC, knownChannels: summary?.channels,
                       knownSchemas: summary?.schemas)
    }

    /// Parses the Chunk record at `at` and appends its schemas, channels and messages.
    @discardableResult
    private func parseChunk(at: Int, into scan: inout MCAPScan, validateCRC: Bool,
                            knownChannels: [UInt16: MCAPChannel]?,
                            knownSchemas: [UInt16: MCAPSchema]? = nil) throws -> MCAPChunkInfo {
        // chunk fields, records left in place
        var head = ByteReader(bytes, from: at, to: bytes.count, source: source, context: "Chunk at byte \(at)")
        _ = try head.u8("opcode")
        let len = try head.length64("content")
        var r = ByteReader(bytes, from: head.pos, to: head.pos + len, source: source, context: "Chunk at byte \(at)")
        let startTime = try r.u64("message_start_time"), endTime = try r.u64("message_end_time")
        let uncompressedSize = try r.u64("uncompressed_size")
        let crc = try r.u32("uncompressed_crc")
        let compression = try r.string("compression")
        let n = try r.length64("records")
        let recordsStart = try r.skip(n, "records")
        // the records: in place when uncompressed, else decoded into their own buffer
        let records: [UInt8], first: Int, count: Int
        switch compression {
        case MCAPCompression.none.rawValue:
            guard uncompressedSize == UInt64(n) else {
                throw r.error("uncompressed_size \(uncompressedSize) differs from the \(n) record bytes of an uncompressed chunk")
            }
            records = bytes
            first = recordsStart
            count = n
        case MCAPCompression.lz4.rawValue, Zstd.mcapName:
            // a claim larger than the format can expand to (lz4 255:1, zstd 32768:1) is corrupt;
            // decoding stops at the claim, so the allocation stays bounded by both
            let zstd = compression == Zstd.mcapName
            guard uncompressedSize <= MCAP.maxUncompressedSize(stored: UInt64(n), compression: compression) else {
                throw r.error("uncompressed_size \(uncompressedSize) is impossible for \(n) bytes of \(compression) "
                              + (zstd ? "(at most 128 KiB per 4 bytes)" : "(at most 255:1)"))
            }
            let decoded = try bytes.withUnsafeBytes { all in
                let stored = UnsafeRawBufferPointer(rebasing: all[recordsStart..<(recordsStart + n)])
                let context = "\(compression) records of the Chunk at byte \(at)"
                return zstd
                    ? try Zstd.decompress(stored, maxOutput: Int(uncompressedSize), source: source, offset: recordsStart,
                                          context: context)
                    : try LZ4.decompress(stored, maxOutput: Int(uncompressedSize), source: source, offset: recordsStart,
                                         context: context)
            }
            guard decoded.count == Int(uncompressedSize) else {
                throw r.error("\(compression) records decode to \(decoded.count) bytes, uncompressed_size says \(uncompressedSize)")
            }
            records = decoded
            first = 0
            count = decoded.count
        default:
            throw r.error("unsupported compression '\(compression)' (Swiftlet reads uncompressed, lz4 and zstd chunks)")
        }
        if validateCRC, crc != 0 {
            let c = CRC32.update(0, records, first..<(first + count))
            guard c == crc else {
                throw r.error(String(format: "chunk CRC mismatch: stored %08x, computed %08x", crc, c))
            }
        }
        // the records inside; positions in errors are file offsets, or offsets into the decoded records
        func place(_ p: Int) -> String {
            compression.isEmpty ? "byte \(p)" : "offset \(p) of the decoded records"
        }
        var messages = 0
        var pos = first
        let stop = first + count
        // the context text of each record's readers is only built for an error
        let decoded = !compression.isEmpty
        while pos < stop {
            var h = ByteReader(records, from: pos, to: stop, source: source,
                               place: .chunkRecord(opcode: nil, offset: pos, chunk: at, decoded: decoded))
            let op = try h.u8("opcode")
            let l = try h.length64("content")
            var c = ByteReader(records, from: h.pos, to: h.pos + l, source: source,
                               place: .chunkRecord(opcode: op, offset: pos, chunk: at, decoded: decoded))
            switch try MCAPRecord.decode(opcode: op, &c) {
            case .schema(let s): try add(s, to: &scan, at: pos, place: place)
            case .channel(let ch): try add(ch, to: &scan, at: pos, knownSchemas: knownSchemas, place: place)
            case .message(let m):
                guard scan.channels[m.channelID] != nil || knownChannels?[m.channelID] != nil else {
                    throw InputError(source, at: place(pos) + (compression.isEmpty ? "" : " of the Chunk at byte \(at)"),
                                     "message on channel \(m.channelID), which no Channel record defines")
                }
                scan.messages.append(m)
                messages += 1
            default: break
            }
            pos = h.pos + l
        }
        let info = MCAPChunkInfo(offset: at, length: head.pos + len - at, messageStartTime: startTime,
                                 messageEndTime: endTime, messageCount: messages, compression: compression,
                                 compressedSize: n, uncompressedSize: count)
        scan.chunks.append(info)
        return info
    }

    private func add(_ s: MCAPSchema, to scan: inout MCAPScan, at pos: Int,
                     place: (Int) -> String = { "byte \($0)" }) throws {
        guard s.id != 0 else { return }  // the specification: ignore schema id 0
        if let old = scan.schemas[s.id] {
            guard old == s else { throw InputError(source, at: place(pos), "schema \(s.id) redefined differently") }
            return
        }
        scan.schemas[s.id] = s
        scan.schemaOrder.append(s.id)
    }

    private func add(_ c: MCAPChannel, to scan: inout MCAPScan, at pos: Int,
                     knownSchemas: [UInt16: MCAPSchema]? = nil, place: (Int) -> String = { "byte \($0)" }) throws {
        guard c.schemaID == 0 || scan.schemas[c.schemaID] != nil || knownSchemas?[c.schemaID] != nil else {
            throw InputError(source, at: place(pos), "channel \(c.id) '\(c.topic)' refers to schema \(c.schemaID), which is not defined before it")
        }
        if let old = scan.channels[c.id] {
            guard old == c else { throw InputError(source, at: place(pos), "channel \(c.id) redefined differently") }
            return
        }
        scan.channels[c.id] = c
        scan.channelOrder.append(c.id)
    }

    /// Reads the file front to back. A cut file (one that does not end in Footer and magic) stops
    /// at the first incomplete record and reports it in `truncation`; in a complete file the
    /// same condition is an error. `validateCRCs` checks chunk CRCs and the data-section CRC.
    public func scan(validateCRCs: Bool = false) throws -> MCAPScan {
        var scan = MCAPScan()
        scan.header = header
        let complete = isTerminated
        var pos = MCAP.magic.count
        func cut(_ reason: String) {
            scan.truncation = MCAPTruncation(validEnd: pos, fileSize: bytes.count, reason: reason,
                                             partialChunkTimeRange: nil, partialChunkMessages: 0)
        }
        guard bytes.count >= MCAP.magic.count else {
            pos = 0
            cut("the file ends inside the leading magic")
            return scan
        }
        var dataEnded = false
        while true {
            let left = bytes.count - pos
            if left == 0 {
                if complete { throw InputError(source, at: "byte \(pos)", "file ends without a Footer") }
                cut(dataEnded ? "the file ends inside the summary section, before the Footer"
                              : "the file ends after byte \(pos) without DataEnd or Footer")
                return scan
            }
            if left < MCAP.recordPrefix {
                if complete { throw InputError(source, at: "byte \(pos)", "\(left) stray bytes where a record should start") }
                cut("the record at byte \(pos) is cut inside its 9-byte opcode and length")
                return scan
            }
            let op = bytes[pos]
            var h = ByteReader(bytes, from: pos + 1, to: pos + 9, source: source, context: "record at byte \(pos)")
            let len = try h.u64("length")
            guard len <= UInt64(left - MCAP.recordPrefix) else {
                let reason = "\(MCAPRecord.name(op)) record at byte \(pos) claims \(len) bytes but only \(left - MCAP.recordPrefix) remain"
                if complete { throw InputError(source, at: "byte \(pos)", reason) }
                cut("the " + reason)
                if op == MCAPOpcode.chunk.rawValue { describePartialChunk(at: pos, into: &scan.truncation!) }
                return scan
            }
            let next = pos + MCAP.recordPrefix + Int(len)
            if pos == MCAP.magic.count, op != MCAPOpcode.header.rawValue {
                throw InputError(source, at: "byte \(pos)", "expected a Header record (opcode 0x01), found \(MCAPRecord.name(op))")
            }
            switch op {
            case MCAPOpcode.chunk.rawValue:
                try parseChunk(at: pos, into: &scan, validateCRC: validateCRCs, knownChannels: nil)
            case MCAPOpcode.message.rawValue, MCAPOpcode.schema.rawValue, MCAPOpcode.channel.rawValue,
                 MCAPOpcode.dataEnd.rawValue, MCAPOpcode.footer.rawValue, MCAPOpcode.header.rawValue:
                let (rec, _) = try MCAPRecord.decode(bytes, at: pos, source: source)
                switch rec {
                case .header(let hd): scan.header = hd
                case .schema(let s) where !dataEnded: try add(s, to: &scan, at: pos)
                case .channel(let c) where !dataEnded: try add(c, to: &scan, at: pos)
                case .message(let m):
                    guard scan.channels[m.channelID] != nil else {
                        throw InputError(source, at: "byte \(pos)", "message on channel \(m.channelID), which no Channel record defines")
                    }
                    scan.messages.append(m)
                case .dataEnd(let crc):
                    scan.dataSectionCRC = crc
                    dataEnded = true
                    if validateCRCs, crc != 0 {
                        let c = CRC32.update(0, bytes, 0..<pos)
                        guard c == crc else {
                            throw InputError(source, at: "byte \(pos)",
                                             String(format: "data section CRC mismatch: stored %08x, computed %08x", crc, c))
                        }
                    }
                case .footer(let f):
                    scan.footer = f
                    let rest = bytes.count - next
                    if rest >= MCAP.magic.count, Array(bytes[next..<(next + 8)]) == MCAP.magic { return scan }
                    if rest < MCAP.magic.count, Array(bytes[next...]) == Array(MCAP.magic[0..<rest]) {
                        pos = next
                        cut("the file ends inside the closing magic")
                        return scan
                    }
                    throw InputError(source, at: "byte \(next)", "the Footer is not followed by the closing magic")
                default: break
                }
            default:
                break  // index, statistics, attachments, metadata, unknown: not needed for messages
            }
            pos = next
        }
    }

    /// Fills the time range and surviving message count of a chunk cut by truncation.
    private func describePartialChunk(at pos: Int, into t: inout MCAPTruncation) {
        var r = ByteReader(bytes, from: pos + MCAP.recordPrefix, to: bytes.count, source: source, context: "cut Chunk")
        guard let s = try? r.u64("start"), let e = try? r.u64("end") else { return }
        if s <= e { t.partialChunkTimeRange = s...e }
        guard let size = try? r.u64("size"), (try? r.u32("crc")) != nil, let compression = try? r.string("compression"),
              (try? r.u64("records")) != nil else { return }
        // the records that survived: in place, or what the cut lz4 or zstd frame still decodes to
        var records = bytes, p = r.pos
        if compression == MCAPCompression.lz4.rawValue || compression == Zstd.mcapName {
            let cap = Int(min(size, MCAP.maxUncompressedSize(stored: UInt64(bytes.count - r.pos), compression: compression)))
            records = bytes.withUnsafeBytes {
                let cut = UnsafeRawBufferPointer(rebasing: $0[r.pos...])
                return compression == Zstd.mcapName ? Zstd.decompressPrefix(cut, maxOutput: cap)
                    : LZ4.decompressPrefix(cut, maxOutput: cap)
            }
            p = 0
        } else if !compression.isEmpty {
            return
        }
        var count = 0
        while records.count - p >= MCAP.recordPrefix {
            var h = ByteReader(records, from: p + 1, to: p + 9, source: source, context: "")
            guard let l = try? h.u64("length"), l <= UInt64(records.count - p - MCAP.recordPrefix) else { break }
            if records[p] == MCAPOpcode.message.rawValue { count += 1 }
            p += MCAP.recordPrefix + Int(l)
        }
        t.partialChunkMessages = count
    }
}
