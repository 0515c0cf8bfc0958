/// The bit readers of the Zstandard format (RFC 8878 4.1) and the decoder's internal failure.

/// A fault in a Zstandard frame: `offset` counts from the start of the decoder's input.
/// `Zstd.decompress` turns it into an `InputError` naming the file and byte.
struct ZstdFailure: Error {
    let offset: Int
    let message: String
    init(_ offset: Int, _ message: String) {
        self.offset = offset
        self.message = message
    }
}

/// A little-endian bitstream read forwards, lowest bit first (FSE table descriptions).
struct ZstdForwardBits {
    let input: UnsafeRawBufferPointer
    let end: Int
    /// The bit position from the start of `input`.
    var bit: Int
    let field: String

    init(_ input: UnsafeRawBufferPointer, from start: Int, to end: Int, field: String) {
        self.input = input
        self.end = end
        self.bit = start * 8
        self.field = field
    }

    /// The next `n` bits (n <= 32).
    mutating func read(_ n: Int) throws -> Int {
        guard bit + n <= end * 8 else { throw ZstdFailure(bit >> 3, "the \(field) runs past the end of its section") }
        if input.count - (bit >> 3) >= 8 {
            // one 64-bit load holds the n bits (57 or more from the bit's byte on)
            let w = input.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self).littleEndian
            bit += n
            return Int(truncatingIfNeeded: (w &>> UInt64((bit - n) & 7)) & ((1 &<< UInt64(n)) &- 1))
        }
        var v = 0, got = 0
        while got < n {
            let byte = Int(input[(bit + got) >> 3])
            let shift = (bit + got) & 7
            let take = min(8 - shift, n - got)
            v |= ((byte >> shift) & ((1 << take) - 1)) << got
            got += take
        }
        bit += n
        return v
    }

    /// The byte after the last one read from.
    var nextByte: Int { (bit + 7) >> 3 }
}

/// A bitstream read backwards from its last byte (Huffman streams, FSE weights, sequences):
/// the last byte's highest set bit marks the start, values are read from the highest bits down.
/// `bitPos` counts the bits not read yet; a read past the start gives zero bits and leaves
/// `bitPos` negative (the callers check it).
struct ZstdBackwardBits {
    let base: UnsafeRawPointer
    let size: Int
    /// The whole stream when it is shorter than 8 bytes.
    let small: UInt64
    var bitPos: Int

    /// The stream of `size` bytes at `offset` of `input`; `field` names it in errors.
    init(_ input: UnsafeRawBufferPointer, at offset: Int, size: Int, field: String) throws {
        guard size > 0 else { throw ZstdFailure(offset, "the \(field) is empty") }
        let base = input.baseAddress! + offset
        let last = base.load(fromByteOffset: size - 1, as: UInt8.self)
        guard last != 0 else { throw ZstdFailure(offset + size - 1, "the \(field) has no start marker (last byte 0)") }
        self.base = base
        self.size = size
        var s: UInt64 = 0
        if size < 8 { for k in 0..<size { s |= UInt64(base.load(fromByteOffset: k, as: UInt8.self)) << (8 * UInt64(k)) } }
        small = s
        bitPos = size * 8 - 8 + (7 - last.leadingZeroBitCount)
    }

    /// The stream from bit `p` (>= 0) up: at least the bits up to the stream's end are valid.
    @inline(__always) func word(_ p: Int) -> UInt64 {
        if size >= 8 {
            let idx = min(p >> 3, size - 8)
            return base.loadUnaligned(fromByteOffset: idx, as: UInt64.self).littleEndian >> UInt64(p - idx * 8)
        }
        return small >> UInt64(p)
    }

    @inline(__always) static func mask(_ n: Int) -> UInt64 { (1 << UInt64(n)) &- 1 }

    /// The next `n` bits (n <= 56); bits past the start read as zeros.
    @inline(__always) mutating func read(_ n: Int) -> Int {
        bitPos -= n
        // fast path: the bits lie inside a stream of at least 8 bytes
        if bitPos >= 0, size >= 8 {
            let idx = min(bitPos >> 3, size - 8)
            let w = base.loadUnaligned(fromByteOffset: idx, as: UInt64.self).littleEndian >> UInt64(bitPos - idx * 8)
            return Int(truncatingIfNeeded: w & Self.mask(n))
        }
        return readSlow(n)
    }

    /// `read` for short streams and reads past the start (`bitPos` already lowered by `n`).
    @inline(never) func readSlow(_ n: Int) -> Int {
        if bitPos >= 0 { return Int(truncatingIfNeeded: word(bitPos) & Self.mask(n)) }
        let avail = bitPos + n
        if avail <= 0 { return 0 }
        return Int(truncatingIfNeeded: (word(0) & Self.mask(avail)) << UInt64(n - avail))
    }

    /// The unread bits below `bitPos` from one 64-bit load, highest first: at least the top 57
    /// are the stream's. Needs `bitPos >= 57`; read them with `take`.
    @inline(__always) func window() -> UInt64 {
        let end = (bitPos + 7) >> 3
        return base.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self).littleEndian &<< UInt64(end * 8 - bitPos)
    }

    /// The next `n` bits (0...57 in all since `w = window()`), taken from the top of `w`.
    @inline(__always) mutating func take(_ n: Int, from w: inout UInt64) -> Int {
        let v = (w &>> 1) &>> UInt64(63 - n)
        w &<<= UInt64(n)
        bitPos -= n
        return Int(truncatingIfNeeded: v)
    }

    /// The next `n` bits (1...56) without consuming them; bits past the start read as zeros.
    @inline(__always) func peek(_ n: Int) -> Int {
        if bitPos >= n { return Int(truncatingIfNeeded: word(bitPos - n) & Self.mask(n)) }
        if bitPos <= 0 { return 0 }
        return Int(truncatingIfNeeded: (word(0) & Self.mask(bitPos)) << UInt64(n - bitPos))
    }
}
