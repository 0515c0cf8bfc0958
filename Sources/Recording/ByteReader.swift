import Diagnostics

/// A bounds-checked little-endian cursor over a byte array, for parsing untrusted MCAP data (and
/// CDR messages, whose uint32 fields may also be big-endian: `u32(_:bigEndian:)`).
///
/// Every read checks the bytes left before touching memory, and every length prefix is checked
/// against the bytes left before anything is allocated, so a corrupt or hostile file yields an
/// `InputError` naming the byte offset, never a crash or an unbounded allocation.
struct ByteReader {
    let bytes: [UInt8]
    var pos: Int
    let end: Int
    /// File name for error messages.
    let source: String
    /// What is being parsed, for error messages; see `context`.
    let place: Place

    /// What a reader parses, kept as values so that the text is only built for an error (a reader
    /// is made per record of a chunk).
    enum Place {
        /// Given text ("Chunk at byte 1234").
        case text(String)
        /// A record inside the chunk at file byte `chunk`, at file byte `offset` (uncompressed
        /// chunk) or at `offset` into the decoded records; `opcode` once it is known.
        case chunkRecord(opcode: UInt8?, offset: Int, chunk: Int, decoded: Bool)
    }

    init(_ bytes: [UInt8], from pos: Int, to end: Int, source: String, context: String) {
        self.init(bytes, from: pos, to: end, source: source, place: .text(context))
    }

    init(_ bytes: [UInt8], from pos: Int, to end: Int, source: String, place: Place) {
        self.bytes = bytes
        self.pos = pos
        self.end = end
        self.source = source
        self.place = place
    }

    /// What is being parsed ("Chunk at byte 1234", "Message record at offset 56 of the decoded
    /// records inside the Chunk at byte 1234").
    var context: String {
        switch place {
        case .text(let t):
            return t
        case .chunkRecord(let opcode, let offset, let chunk, let decoded):
            let record = opcode.map { "\(MCAPRecord.name($0)) record" } ?? "record"
            return "\(record) at \(decoded ? "offset \(offset) of the decoded records" : "byte \(offset)") inside the Chunk at byte \(chunk)"
        }
    }

    var remaining: Int { end - pos }

    func error(_ message: String) -> InputError {
        InputError(source, at: "byte \(pos)", "\(context): \(message)")
    }

    mutating func need(_ n: Int, _ field: String) throws {
        guard n >= 0, n <= remaining else {
            throw error("\(field) needs \(n) bytes but only \(remaining) remain in the record")
        }
    }

    mutating func u8(_ field: String) throws -> UInt8 {
        try need(1, field)
        defer { pos += 1 }
        return bytes[pos]
    }

    mutating func u16(_ field: String) throws -> UInt16 { try littleEndian(field) }
    mutating func u32(_ field: String) throws -> UInt32 { try littleEndian(field) }
    mutating func u64(_ field: String) throws -> UInt64 { try littleEndian(field) }

    /// An unsigned little-endian integer of `T`'s width.
    @inline(__always)
    mutating func littleEndian<T: FixedWidthInteger & UnsignedInteger>(_ field: String) throws -> T {
        let n = T.bitWidth / 8
        try need(n, field)
        var v: T = 0
        for k in 0..<n { v |= T(bytes[pos + k]) << (8 * k) }
        pos += n
        return v
    }

    /// A uint32 in big-endian byte order when `bigEndian` (CDR from a big-endian writer), else
    /// little-endian.
    mutating func u32(_ field: String, bigEndian: Bool) throws -> UInt32 {
        let v = try u32(field)
        return bigEndian ? v.byteSwapped : v
    }

    /// A length prefix (big-endian when `bigEndian`), checked against the bytes left.
    mutating func length32(_ field: String, bigEndian: Bool = false) throws -> Int {
        let n = try u32(field + " length", bigEndian: bigEndian)
        guard UInt64(n) <= UInt64(remaining) else {
            throw error("\(field) length \(n) exceeds the \(remaining) bytes left in the record")
        }
        return Int(n)
    }

    mutating func length64(_ field: String) throws -> Int {
        let n = try u64(field + " length")
        guard n <= UInt64(remaining) else {
            throw error("\(field) length \(n) exceeds the \(remaining) bytes left in the record")
        }
        return Int(n)
    }

    /// Skips the padding that brings `pos` to a multiple of 4 bytes past `base` (CDR alignment).
    mutating func align4(from base: Int, _ field: String) throws {
        let pad = (4 - (pos - base) & 3) & 3
        try need(pad, field + " alignment")
        pos += pad
    }

    mutating func take(_ n: Int, _ field: String) throws -> [UInt8] {
        try need(n, field)
        defer { pos += n }
        return Array(bytes[pos..<pos + n])
    }

    /// Skips `n` bytes, returning where they start.
    mutating func skip(_ n: Int, _ field: String) throws -> Int {
        try need(n, field)
        defer { pos += n }
        return pos
    }

    mutating func string(_ field: String) throws -> String {
        let n = try length32(field)
        defer { pos += n }
        return String(decoding: bytes[pos..<pos + n], as: UTF8.self)
    }

    mutating func stringMap(_ field: String) throws -> [String: String] {
        let n = try length32(field)
        var sub = ByteReader(bytes, from: pos, to: pos + n, source: source, place: place)
        var out: [String: String] = [:]
        while sub.remaining > 0 {
            let k = try sub.string(field + " key")
            out[k] = try sub.string(field + " value")
        }
        pos += n
        return out
    }

    mutating func u16u64Map(_ field: String) throws -> [UInt16: UInt64] {
        let n = try length32(field)
        guard n % 10 == 0 else { throw error("\(field) byte length \(n) is not a multiple of 10") }
        var out: [UInt16: UInt64] = [:]
        out.reserveCapacity(n / 10)
        let stop = pos + n
        while pos < stop {
            let k = try u16(field + " key")
            out[k] = try u64(field + " value")
        }
        return out
    }
}
