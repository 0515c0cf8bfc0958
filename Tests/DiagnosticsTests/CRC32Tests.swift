import Foundation
@testable import Diagnostics
import Testing

@Suite struct CRC32Tests {
    /// Reference values of zlib's crc32 (python3 -c "import zlib; print(hex(zlib.crc32(b'...')))").
    @Test func matchesZlibOnKnownVectors() {
        #expect(CRC32.checksum([]) == 0)
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum(Array("a".utf8)) == 0xE8B7_BE43)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
        #expect(CRC32.checksum([UInt8](repeating: 0, count: 32)) == 0x190A_55AD)
        #expect(CRC32.checksum([UInt8](repeating: 0xFF, count: 32)) == 0xFF6C_AB0B)
    }

    /// Slicing by eight must agree with the plain bitwise definition at every length and split.
    @Test func agreesWithBitwiseDefinitionAndChains() {
        func bitwise(_ b: [UInt8]) -> UInt32 {
            var c: UInt32 = 0xFFFF_FFFF
            for x in b {
                c ^= UInt32(x)
                for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            }
            return ~c
        }
        let data = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        for n in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 299, 300] {
            let b = Array(data[0..<n])
            #expect(CRC32.checksum(b) == bitwise(b))
            for split in [0, n / 3, n / 2, n] {
                #expect(CRC32.update(CRC32.update(0, Array(b[0..<split])), Array(b[split...])) == bitwise(b))
            }
        }
    }

    /// The folding path (PCLMULQDQ, where the CPU has it) gives the tables' CRC for any length,
    /// alignment and starting CRC: lengths around the 64-byte minimum and the 16-byte blocks,
    /// and long buffers through many 64-byte rounds.
    @Test func foldingAgreesWithTheTables() {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return x >> 33 }
        let data = (0..<70_000).map { _ in UInt8(truncatingIfNeeded: next()) }
        var lengths = Array(0...200) + [255, 256, 257, 1023, 1024, 1025, 4096 + 13, 33_000, 65_536]
        for _ in 0..<40 { lengths.append(Int(next() % 69_000)) }
        data.withUnsafeBytes { raw in
            for n in lengths {
                for offset in [0, 1, 7, 15] where offset + n <= raw.count {
                    let slice = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + n)])
                    let start = UInt32(truncatingIfNeeded: next())
                    #expect(CRC32.update(start, slice) == CRC32.updateByTables(start, slice), "length \(n) offset \(offset)")
                    #expect(CRC32.update(0, slice) == CRC32.updateByTables(0, slice), "length \(n) offset \(offset)")
                }
            }
        }
    }

    @Test func combineEqualsCRCOfConcatenation() {
        var x: UInt32 = 1
        let data = (0..<5000).map { _ in x = x &* 1_664_525 &+ 1_013_904_223; return UInt8(truncatingIfNeeded: x >> 24) }
        for (a, b) in [(0, 0), (0, 1), (1, 0), (3, 5), (100, 1), (17, 4000), (2500, 2500), (4999, 1)] {
            let pa = Array(data[0..<a]), pb = Array(data[a..<(a + b)])
            #expect(CRC32.combine(CRC32.checksum(pa), CRC32.checksum(pb), lengthB: b) == CRC32.checksum(pa + pb))
        }
    }
}
