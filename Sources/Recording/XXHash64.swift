/// xxHash64 (Yann Collet's non-cryptographic hash, the 64-bit variant), as the Zstandard frame
/// format uses it: the content checksum is the low 32 bits of the hash of the frame's content
/// (seed 0).
///
/// One-shot over contiguous bytes; equal to the reference `XXH64` (the zstd fixtures' content
/// checksums are checked with it, and `XXH64("") == 0xEF46DB3751D8E999`).
public enum XXHash64 {
    @usableFromInline static let p1: UInt64 = 11_400_714_785_074_694_791
    @usableFromInline static let p2: UInt64 = 14_029_467_366_897_019_727
    @usableFromInline static let p3: UInt64 = 1_609_587_929_392_839_161
    @usableFromInline static let p4: UInt64 = 9_650_029_242_287_828_579
    @usableFromInline static let p5: UInt64 = 2_870_177_450_012_600_261

    /// The hash of `bytes` with `seed`.
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let n = bytes.count
        guard n > 0, let base = bytes.baseAddress else { return avalanche(seed &+ p5) }
        @inline(__always) func u64(_ i: Int) -> UInt64 { base.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian }
        var i = 0
        var h: UInt64
        // four lanes over 32-byte stripes
        if n >= 32 {
            var v1 = seed &+ p1 &+ p2, v2 = seed &+ p2, v3 = seed, v4 = seed &- p1
            while i <= n - 32 {
                v1 = round(v1, u64(i))
                v2 = round(v2, u64(i + 8))
                v3 = round(v3, u64(i + 16))
                v4 = round(v4, u64(i + 24))
                i += 32
            }
            h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
            for v in [v1, v2, v3, v4] { h = (h ^ round(0, v)) &* p1 &+ p4 }
        } else {
            h = seed &+ p5
        }
        h &+= UInt64(n)
        // the tail: 8-byte words, one 4-byte word, then bytes
        while i + 8 <= n {
            h ^= round(0, u64(i))
            h = rotl(h, 27) &* p1 &+ p4
            i += 8
        }
        if i + 4 <= n {
            h ^= UInt64(base.loadUnaligned(fromByteOffset: i, as: UInt32.self).littleEndian) &* p1
            h = rotl(h, 23) &* p2 &+ p3
            i += 4
        }
        while i < n {
            h ^= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) &* p5
            h = rotl(h, 11) &* p1
            i += 1
        }
        return avalanche(h)
    }

    /// The hash of `bytes` with `seed`.
    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    @inline(__always) static func round(_ acc: UInt64, _ lane: UInt64) -> UInt64 {
        rotl(acc &+ lane &* p2, 31) &* p1
    }

    @inline(__always) static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always) static func avalanche(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33
        h &*= p2
        h ^= h >> 29
        h &*= p3
        h ^= h >> 32
        return h
    }
}
