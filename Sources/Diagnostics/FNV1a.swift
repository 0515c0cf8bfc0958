import Foundation

/// FNV-1a, 64 bits, over bytes: the content hash at the end of Swiftlet's dataset files (`.swcd`
/// collision datasets, `.swhi` HInt datasets) and of the data-set hashes recorded in model
/// metadata.
///
/// Reads contiguous storage directly (`Data`, `[UInt8]`, `ArraySlice<UInt8>`, raw buffers):
/// hashing a `Data` through its element iterator cost about ten times as much, 15% of a short
/// `swiftlet collect`.
///
/// ```swift
/// FNV1a.hash(Array("a".utf8)) == 0xAF63_DC4C_8601_EC8C
/// ```
public enum FNV1a {
    /// The offset basis: the hash of no bytes.
    public static let offsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325

    /// Continues the running hash `h` (`offsetBasis` to start) over `bytes` (prime 2^40 + 435).
    @inlinable
    public static func update(_ h: UInt64, _ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h = h
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// The hash of `bytes`.
    public static func hash<B: ContiguousBytes>(_ bytes: B) -> UInt64 {
        bytes.withUnsafeBytes { update(offsetBasis, $0) }
    }
}
