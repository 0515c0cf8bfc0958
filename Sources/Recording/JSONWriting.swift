import Geometry

/// Hand-written JSON output straight into a `ByteBuffer`: no `JSONEncoder`, no intermediate
/// strings except the shortest round-trip text of each Double.
///
/// Doubles are written with Swift's `description`, the shortest text that parses back to the
/// same bits, so poses and commands round-trip exactly. Non-finite numbers become `null`.
extension ByteBuffer {
    /// Appends ASCII/UTF-8 text verbatim (JSON punctuation, keys known to need no escaping).
    @inlinable public mutating func text(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// A JSON string literal with the required escapes.
    public mutating func jsonString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { u in
            var plain = true
            for c in u where c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") { plain = false; break }
            if plain { bytes.append(contentsOf: u); return }
            for c in u {
                switch c {
                case UInt8(ascii: "\""): text("\\\"")
                case UInt8(ascii: "\\"): text("\\\\")
                case 0x0A: text("\\n")
                case 0x0D: text("\\r")
                case 0x09: text("\\t")
                case 0..<0x20:
                    text("\\u00")
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(hex[Int(c >> 4)]); bytes.append(hex[Int(c & 15)])
                default: bytes.append(c)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A Double as its shortest round-trip text; `null` when not finite.
    @inlinable public mutating func jsonNumber(_ v: Double) {
        guard v.isFinite else { text("null"); return }
        if v == v.rounded(), abs(v) < 1e15 {
            // integral values: plain digits plus ".0", no String
            if v == 0, v.sign == .minus { text("-0.0"); return }
            jsonInt(Int64(v)); text(".0")
            return
        }
        var s = v.description
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// A Float as its shortest round-trip text (as a Float); `null` when not finite.
    @inlinable public mutating func jsonNumber(_ v: Float) {
        guard v.isFinite else { text("null"); return }
        var s = v.description
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// A signed integer in decimal.
    @inlinable public mutating func jsonInt(_ v: Int64) {
        if v < 0 {
            bytes.append(UInt8(ascii: "-"))
            jsonUInt(v == .min ? UInt64(Int64.max) + 1 : UInt64(-v))
        } else {
            jsonUInt(UInt64(v))
        }
    }

    /// An unsigned integer in decimal.
    @inlinable public mutating func jsonUInt(_ v: UInt64) {
        // digits written backwards into a 20-byte stack buffer
        var x = v
        var buf: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &buf) { b in
            var n = 0
            repeat {
                b[23 - n] = UInt8(ascii: "0") + UInt8(x % 10)
                x /= 10
                n += 1
            } while x > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[(24 - n)...]))
        }
    }

    /// `"key":` (the key needs no escaping).
    @inlinable public mutating func jsonKey(_ k: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        text(k)
        text("\":")
    }

    /// A Foxglove time `{"sec":S,"nsec":N}` from nanoseconds.
    @inlinable public mutating func jsonTime(_ ns: UInt64) {
        text("{\"sec\":"); jsonUInt(ns / 1_000_000_000)
        text(",\"nsec\":"); jsonUInt(ns % 1_000_000_000)
        text("}")
    }

    /// `{"x":..,"y":..,"z":..}`.
    @inlinable public mutating func jsonVec3(_ v: Vec3) {
        text("{\"x\":"); jsonNumber(v.x)
        text(",\"y\":"); jsonNumber(v.y)
        text(",\"z\":"); jsonNumber(v.z)
        text("}")
    }

    /// `{"x":..,"y":..,"z":..,"w":..}`.
    @inlinable public mutating func jsonQuaternion(_ q: Quaternion) {
        text("{\"x\":"); jsonNumber(q.x)
        text(",\"y\":"); jsonNumber(q.y)
        text(",\"z\":"); jsonNumber(q.z)
        text(",\"w\":"); jsonNumber(q.w)
        text("}")
    }

    /// A foxglove.Pose `{"position":{..},"orientation":{..}}`.
    @inlinable public mutating func jsonPose(_ p: Pose) {
        text("{\"position\":"); jsonVec3(p.position)
        text(",\"orientation\":"); jsonQuaternion(p.orientation)
        text("}")
    }

    /// `[a,b,c]` of Doubles.
    @inlinable public mutating func jsonArray(_ values: [Double]) {
        bytes.append(UInt8(ascii: "["))
        for (i, v) in values.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            jsonNumber(v)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A JSON string holding the standard base64 (with padding) of `data`, encoded straight
    /// into the buffer.
    public mutating func jsonBase64(_ data: UnsafeRawBufferPointer) {
        bytes.append(UInt8(ascii: "\""))
        let n = data.count
        let outCount = (n + 2) / 3 * 4
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: outCount))
        bytes.withUnsafeMutableBufferPointer { dst in
            Base64.alphabet.withUnsafeBufferPointer { a in
                var i = 0, o = start
                // whole groups of three bytes
                while i + 3 <= n {
                    let v = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2])
                    dst[o] = a[Int(v >> 18)]
                    dst[o + 1] = a[Int((v >> 12) & 63)]
                    dst[o + 2] = a[Int((v >> 6) & 63)]
                    dst[o + 3] = a[Int(v & 63)]
                    i += 3; o += 4
                }
                // the tail with padding
                let rest = n - i
                if rest > 0 {
                    let b0 = UInt32(data[i]), b1 = rest > 1 ? UInt32(data[i + 1]) : 0
                    let v = b0 << 16 | b1 << 8
                    dst[o] = a[Int(v >> 18)]
                    dst[o + 1] = a[Int((v >> 12) & 63)]
                    dst[o + 2] = rest > 1 ? a[Int((v >> 6) & 63)] : UInt8(ascii: "=")
                    dst[o + 3] = UInt8(ascii: "=")
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// Standard base64 (RFC 4648, with padding).
public enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    /// Character to 6-bit value, -1 for characters outside the alphabet.
    static let values: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = Int8(i) }
        return t
    }()

    /// Decodes standard base64 (padding optional); nil on any invalid character or length.
    public static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        let table = values
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 4 * 3)
        var acc: UInt32 = 0, bits = 0, pad = 0, n = 0
        for c in text {
            if c == UInt8(ascii: "=") { pad += 1; n += 1; continue }
            guard pad == 0 else { return nil }
            let v = table[Int(c)]
            guard v >= 0 else { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            n += 1
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
            }
        }
        guard pad <= 2, n % 4 == 0 || pad == 0, n % 4 != 1 else { return nil }
        return out
    }
}
