/// A growable little-endian byte buffer: MCAP records and JSON payloads are appended to it.
///
/// Keep one buffer and `removeAll(keepingCapacity: true)` between uses so encoding allocates
/// nothing in steady state.
public struct ByteBuffer: Sendable {
    public var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inlinable public var count: Int { bytes.count }

    @inlinable public mutating func removeAll(keepingCapacity: Bool = true) {
        bytes.removeAll(keepingCapacity: keepingCapacity)
    }

    @inlinable public mutating func u8(_ v: UInt8) { bytes.append(v) }

    @inlinable public mutating func u16(_ v: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: v))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
    }

    @inlinable public mutating func u32(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inlinable public mutating func u64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// An MCAP string: u32 byte length, then UTF-8.
    @inlinable public mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            u32(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Raw bytes, no prefix.
    @inlinable public mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    /// Raw bytes, no prefix.
    @inlinable public mutating func raw(_ b: UnsafeRawBufferPointer) { bytes.append(contentsOf: b) }

    /// Overwrites 8 bytes at `offset` with `v` (little-endian): patches a length written earlier.
    @inlinable public mutating func patchU64(at offset: Int, _ v: UInt64) {
        var x = v.littleEndian
        withUnsafeBytes(of: &x) { src in
            for k in 0..<8 { bytes[offset + k] = src[k] }
        }
    }

    /// Overwrites 4 bytes at `offset` with `v` (little-endian).
    @inlinable public mutating func patchU32(at offset: Int, _ v: UInt32) {
        var x = v.littleEndian
        withUnsafeBytes(of: &x) { src in
            for k in 0..<4 { bytes[offset + k] = src[k] }
        }
    }
}
