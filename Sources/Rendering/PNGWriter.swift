import Diagnostics
import Foundation

/// PNG encoding without zlib: image data in stored (uncompressed) deflate blocks, with this
/// file's own CRC-32 and Adler-32. Valid PNGs that every decoder reads; about raw size.
public enum PNGWriter {
    /// Colour types used here.
    public enum Kind: Sendable {
        /// 8-bit gray, `W*H` bytes.
        case gray8
        /// 8-bit RGB, `3*W*H` bytes.
        case rgb8
        /// 16-bit gray, `W*H` values (written big-endian).
        case gray16
    }

    /// The PNG file bytes for an 8-bit image (`kind` gray8 or rgb8).
    public static func encode(width: Int, height: Int, kind: Kind, pixels: [UInt8]) -> [UInt8] {
        let ch = kind == .rgb8 ? 3 : 1
        precondition(kind != .gray16 && pixels.count == width * height * ch, "pixel count does not match")
        var raw = [UInt8]()
        raw.reserveCapacity((width * ch + 1) * height)
        for j in 0..<height {
            raw.append(0)   // filter: none
            raw.append(contentsOf: pixels[(j * width * ch)..<((j + 1) * width * ch)])
        }
        return file(width: width, height: height, bitDepth: 8, colorType: kind == .rgb8 ? 2 : 0, raw: raw)
    }

    /// The PNG file bytes for a 16-bit gray image.
    public static func encode16(width: Int, height: Int, pixels: [UInt16]) -> [UInt8] {
        precondition(pixels.count == width * height, "pixel count does not match")
        var raw = [UInt8]()
        raw.reserveCapacity((width * 2 + 1) * height)
        for j in 0..<height {
            raw.append(0)
            for i in 0..<width {
                let v = pixels[j * width + i]
                raw.append(UInt8(v >> 8)); raw.append(UInt8(v & 0xFF))
            }
        }
        return file(width: width, height: height, bitDepth: 16, colorType: 0, raw: raw)
    }

    static func file(width: Int, height: Int, bitDepth: UInt8, colorType: UInt8, raw: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr = [UInt8]()
        ihdr += be32(UInt32(width)) + be32(UInt32(height))
        ihdr += [bitDepth, colorType, 0, 0, 0]
        chunk("IHDR", ihdr, into: &out)
        chunk("IDAT", zlibStored(raw), into: &out)
        chunk("IEND", [], into: &out)
        return out
    }

    /// A zlib stream of stored deflate blocks (no compression).
    public static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var z: [UInt8] = [0x78, 0x01]
        var i = 0
        repeat {
            let n = min(65535, data.count - i)
            let last: UInt8 = i + n == data.count ? 1 : 0
            z.append(last)
            z += [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            z += data[i..<(i + n)]
            i += n
        } while i < data.count
        z += be32(adler32(data))
        return z
    }

    static func chunk(_ type: String, _ data: [UInt8], into out: inout [UInt8]) {
        let t = Array(type.utf8)
        out += be32(UInt32(data.count))
        out += t
        out += data
        out += be32(CRC32.checksum(t + data))
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    /// Adler-32 (zlib).
    public static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        var i = 0
        while i < bytes.count {
            let end = min(bytes.count, i + 5552)
            while i < end { a += UInt32(bytes[i]); b += a; i += 1 }
            a %= 65521; b %= 65521
        }
        return (b << 16) | a
    }
}
