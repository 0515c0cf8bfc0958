/// xxHash32 (Yann Collet's non-cryptographic hash, the 32-bit variant), as the LZ4 frame format
/// uses it: the header checksum byte, block checksums and the content checksum (all seed 0).
///
/// One-shot over contiguous bytes; equal to the reference `XXH32` (tested against the python
/// `xxhash` package's `xxh32`).
public enum XXHash32 {
    @usableFromInline static let p1: UInt32 = 2_654_435_761
    @usableFromInline static let p2: UInt32 = 2_246_822_519
    @usableFromInline static let p3: UInt32 = 3_266_489_917
    @usableFromInline static let p4: UInt32 = 668_265_263
    @usableFromInline static let p5: UInt32 = 374_761_393

    /// The hash of `bytes` with `seed`.
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        let n = bytes.count
        guard n > 0, let base = bytes.baseAddress else { return finish(seed &+ p5, length: 0) }
        var i = 0
        var h: UInt32
        // four lanes over 16-byte stripes
        if n >= 16 {
            var v1 = seed &+ p1 &+ p2, v2 = seed &+ p2, v3 = seed, v4 = seed &- p1
            let limit = n - 16
            while i <= limit {
                v1 = round(v1, base.loadUnaligned(fromByteOffset: i, as: UInt32.self).littleEndian)
                v2 = round(v2, base.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self).littleEndian)
                v3 = round(v3, base.loadUnaligned(fromByteOffset: i + 8, as: UInt32.self).littleEndian)
                v4 = round(v4, base.loadUnaligned(fromByteOffset: i + 12, as: UInt32.self).littleEndian)
                i += 16
            }
            h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
        } else {
            h = seed &+ p5
        }
        h &+= UInt32(truncatingIfNeeded: n)
        // the tail: whole words, then bytes
        while i + 4 <= n {
            h &+= base.loadUnaligned(fromByteOffset: i, as: UInt32.self).littleEndian &* p3
            h = rotl(h, 17) &* p4
            i += 4
        }
        while i < n {
            h &+= UInt32(base.load(fromByteOffset: i, as: UInt8.self)) &* p5
            h = rotl(h, 11) &* p1
            i += 1
        }
        return avalanche(h)
    }

    /// The hash of `bytes` with `seed`.
    public static func hash(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    @inline(__always) static func round(_ acc: UInt32, _ lane: UInt32) -> UInt32 {
        rotl(acc &+ lane &* p2, 13) &* p1
    }

    @inline(__always) static func rotl(_ x: UInt32, _ r: UInt32) -> UInt32 { (x << r) | (x >> (32 - r)) }

    @inline(__always) static func avalanche(_ x: UInt32) -> UInt32 {
        var h = x
        h ^= h >> 15
        h &*= p2
        h ^= h >> 13
        h &*= p3
        h ^= h >> 16
        return h
    }

    /// The hash of an empty input (`length` 0) from its start value.
    static func finish(_ start: UInt32, length: Int) -> UInt32 {
        avalanche(start &+ UInt32(truncatingIfNeeded: length))
    }
}
