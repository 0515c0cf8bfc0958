import CChecksum

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), identical to zlib's `crc32`; used by the
/// MCAP writer/reader (Recording) and the PNG chunk checksums (Rendering).
///
/// Folding with carry-less multiplication where the CPU has it (the C target `CChecksum`), else
/// table-driven, slicing by 8 bytes; both give the same CRC. `CRC32.checksum(bytes)` gives the
/// CRC of one buffer; `update` continues a running CRC, so
/// `update(update(0, a), b) == checksum(a + b)`.
///
/// ```swift
/// CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926
/// ```
public enum CRC32 {
    /// Eight 256-entry tables: `tables[k][b]` is the CRC of byte `b` followed by `k` zero bytes.
    static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[i] = c
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let prev = t[(k - 1) * 256 + i]
                t[k * 256 + i] = (prev >> 8) ^ t[Int(prev & 0xFF)]
            }
        }
        return t
    }()

    /// Whether this CPU folds with carry-less multiplication (`CChecksum`: PCLMULQDQ, about 5x
    /// the tables' speed); the tables serve other CPUs and the last 0-15 bytes.
    static let hasCarrylessMultiply = swl_crc32_clmul_available() != 0

    /// Continues the running CRC `crc` (0 to start) over `bytes`.
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var c = ~crc, start = 0
        if bytes.count >= 64, hasCarrylessMultiply, let base = bytes.baseAddress {
            // whole 16-byte blocks (at least 64 bytes) by folding; the same register as the tables
            start = bytes.count & ~15
            c = swl_crc32_clmul(base.assumingMemoryBound(to: UInt8.self), start, c)
        }
        return ~tableRegister(c, bytes, from: start)
    }

    /// `update` by the tables alone (the reference the folding path is tested against).
    static func updateByTables(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        ~tableRegister(~crc, bytes, from: 0)
    }

    /// Advances the CRC register `c` (the running CRC inverted) over `bytes[start...]`.
    static func tableRegister(_ c: UInt32, _ bytes: UnsafeRawBufferPointer, from start: Int) -> UInt32 {
        var c = c
        tables.withUnsafeBufferPointer { t in
            var i = start
            let n = bytes.count
            // eight bytes at a time
            while i + 8 <= n {
                let lo = c ^ (UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16
                              | UInt32(bytes[i + 3]) << 24)
                let hi = UInt32(bytes[i + 4]) | UInt32(bytes[i + 5]) << 8 | UInt32(bytes[i + 6]) << 16
                    | UInt32(bytes[i + 7]) << 24
                c = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                    ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
                i += 8
            }
            // the tail byte by byte
            while i < n {
                c = t[Int((c ^ UInt32(bytes[i])) & 0xFF)] ^ (c >> 8)
                i += 1
            }
        }
        return c
    }

    /// Continues the running CRC `crc` over `bytes[range]`.
    public static func update(_ crc: UInt32, _ bytes: [UInt8], _ range: Range<Int>? = nil) -> UInt32 {
        bytes.withUnsafeBytes { raw in
            let r = range ?? 0..<raw.count
            return update(crc, UnsafeRawBufferPointer(rebasing: raw[r]))
        }
    }

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 { update(0, bytes) }

    /// The CRC of `a` followed by `b` from `crcA = checksum(a)`, `crcB = checksum(b)` and
    /// `b.count`, without touching the bytes (zlib's `crc32_combine`: shifting `crcA` over
    /// `lengthB` zero bytes with GF(2) matrix squaring, O(log lengthB)).
    public static func combine(_ crcA: UInt32, _ crcB: UInt32, lengthB: Int) -> UInt32 {
        guard lengthB > 0 else { return crcA }
        func times(_ m: [UInt32], _ v: UInt32) -> UInt32 {
            var sum: UInt32 = 0, v = v, i = 0
            while v != 0 {
                if v & 1 != 0 { sum ^= m[i] }
                v >>= 1
                i += 1
            }
            return sum
        }
        func square(_ m: [UInt32]) -> [UInt32] { (0..<32).map { times(m, m[$0]) } }
        // operator for one zero bit, then two and four zero bits
        var odd = [UInt32](repeating: 0, count: 32)
        odd[0] = 0xEDB8_8320
        for n in 1..<32 { odd[n] = 1 << UInt32(n - 1) }
        var even = square(odd)
        odd = square(even)
        // apply len2 zero bytes, one bit of the length at a time
        var crc = crcA, len = lengthB
        repeat {
            even = square(odd)
            if len & 1 != 0 { crc = times(even, crc) }
            len >>= 1
            if len == 0 { break }
            odd = square(even)
            if len & 1 != 0 { crc = times(odd, crc) }
            len >>= 1
        } while len != 0
        return crc ^ crcB
    }
}
