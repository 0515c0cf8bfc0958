import Foundation
import Testing
@testable import Diagnostics

/// FNV-1a 64 of the dataset files: the published test vectors, the same hash whatever holds the
/// bytes, and running updates that continue a hash.
@Suite struct FNV1aTests {
    /// The bit-by-bit definition: xor the byte in, multiply by the 64-bit FNV prime.
    func reference(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 14_695_981_039_346_656_037
        for b in bytes { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
        return h
    }

    @Test func publishedVectors() {
        // from the FNV reference test suite (Landon Curt Noll's fnv_test_str, FNV-1a 64)
        #expect(FNV1a.hash([UInt8]()) == 0xCBF2_9CE4_8422_2325)
        #expect(FNV1a.hash(Array("a".utf8)) == 0xAF63_DC4C_8601_EC8C)
        #expect(FNV1a.hash(Array("foobar".utf8)) == 0x8594_4171_F739_67E8)
    }

    @Test func containersAndRunningUpdatesAgree() {
        var bytes = [UInt8](repeating: 0, count: 10_007)
        var x: UInt32 = 12345
        for i in bytes.indices { x = x &* 1_103_515_245 &+ 12345; bytes[i] = UInt8(truncatingIfNeeded: x >> 16) }
        let whole = reference(bytes)
        #expect(FNV1a.hash(bytes) == whole)
        #expect(FNV1a.hash(Data(bytes)) == whole)
        // a slice that does not start at index 0, and a Data slice
        let padded = [UInt8](repeating: 7, count: 13) + bytes
        #expect(FNV1a.hash(padded[13...]) == whole)
        #expect(FNV1a.hash(Data(padded)[13...]) == whole)
        let split = bytes.withUnsafeBytes { raw in
            FNV1a.update(FNV1a.update(FNV1a.offsetBasis, UnsafeRawBufferPointer(rebasing: raw[..<4000])),
                         UnsafeRawBufferPointer(rebasing: raw[4000...]))
        }
        #expect(split == whole)
        #expect(FNV1a.hash(bytes.dropLast()) != whole)
    }
}
