/// The recursive-descent parser behind `JSONValue.parse`: one pass over UTF-8 bytes.
struct JSONParser {
    let bytes: [UInt8]
    let source: String
    let maxDepth: Int
    let allowNonFinite: Bool
    var pos = 0

    /// An `InputError` at the current position, as "line L, column C" (1-based, columns in bytes).
    func error(_ m: String) -> InputError {
        var line = 1, col = 1
        for k in 0..<min(pos, bytes.count) {
            if bytes[k] == 10 { line += 1; col = 1 } else { col += 1 }
        }
        return InputError(source, at: "line \(line), column \(col)", m)
    }

    /// Up to 12 bytes from `start` for a message: printable ASCII as it is, any other byte as
    /// \xNN, so a binary file or a newline cannot break the one-line error.
    func snippet(from start: Int) -> String {
        bytes[start..<min(start + 12, bytes.count)].map { b in
            if (0x20..<0x7f).contains(b) { return String(UnicodeScalar(b)) }
            let hex = String(b, radix: 16, uppercase: true)
            return "\\x" + (hex.count == 1 ? "0" + hex : hex)
        }.joined()
    }

    mutating func skipSpace() {
        while pos < bytes.count, bytes[pos] == 0x20 || bytes[pos] == 0x0A || bytes[pos] == 0x0D || bytes[pos] == 0x09 {
            pos += 1
        }
    }

    /// Consumes `word` if it comes next.
    mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard pos + n <= bytes.count else { return false }
        let w = UnsafeBufferPointer(start: word.utf8Start, count: n)
        for k in 0..<n where bytes[pos + k] != w[k] { return false }
        pos += n
        return true
    }

    mutating func expect(_ word: StaticString, _ v: JSONValue) throws -> JSONValue {
        guard literal(word) else { throw error("invalid literal, expected '\(word)'") }
        return v
    }

    mutating func value(depth: Int) throws -> JSONValue {
        guard depth < maxDepth else { throw error("nesting deeper than \(maxDepth)") }
        guard pos < bytes.count else { throw error("unexpected end of JSON") }
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            pos += 1
            var o: [String: JSONValue] = [:], keys: [String] = []
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(o, keys: keys) }
            while true {
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let k = try string()
                if o[k] != nil { throw error("duplicate key \"\(k)\"") }
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw error("expected ':' after key \"\(k)\"") }
                pos += 1
                skipSpace()
                o[k] = try value(depth: depth + 1)
                keys.append(k)
                skipSpace()
                guard pos < bytes.count else { throw error("unexpected end inside an object") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(o, keys: keys) }
                throw error("expected ',' or '}' in an object")
            }
        case UInt8(ascii: "["):
            pos += 1
            var a: [JSONValue] = []
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(a) }
            while true {
                skipSpace()
                a.append(try value(depth: depth + 1))
                skipSpace()
                guard pos < bytes.count else { throw error("unexpected end inside an array") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(a) }
                throw error("expected ',' or ']' in an array")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        default:
            // the non-standard tokens, when the caller wants to name them itself
            if allowNonFinite {
                if literal("NaN") { return .number("NaN") }
                if literal("Infinity") { return .number("Infinity") }
                if literal("-Infinity") { return .number("-Infinity") }
            }
            let start = pos
            while pos < bytes.count, bytes[pos] == UInt8(ascii: "-") || bytes[pos] == UInt8(ascii: "+")
                    || bytes[pos] == UInt8(ascii: ".") || bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E")
                    || (bytes[pos] >= UInt8(ascii: "0") && bytes[pos] <= UInt8(ascii: "9")) {
                pos += 1
            }
            let t = String(decoding: bytes[start..<pos], as: UTF8.self)
            guard !t.isEmpty, Double(t) != nil else {
                pos = start
                throw error("invalid value starting with '\(snippet(from: start))'")
            }
            return .number(t)
        }
    }

    mutating func hex4() throws -> UInt32 {
        guard pos + 4 <= bytes.count else { throw error("cut \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("bad hex digit in \\u escape")
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }

    mutating func string() throws -> String {
        pos += 1  // opening quote
        let start = pos
        // fast path: no escapes
        while pos < bytes.count, bytes[pos] != UInt8(ascii: "\""), bytes[pos] != UInt8(ascii: "\\"), bytes[pos] >= 0x20 {
            pos += 1
        }
        guard pos < bytes.count else { throw error("unterminated string") }
        if bytes[pos] == UInt8(ascii: "\"") {
            defer { pos += 1 }
            return String(decoding: bytes[start..<pos], as: UTF8.self)
        }
        var out = Array(bytes[start..<pos])
        while true {
            guard pos < bytes.count else { throw error("unterminated string") }
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") { pos += 1; return String(decoding: out, as: UTF8.self) }
            if c < 0x20 { throw error("control character in string") }
            if c != UInt8(ascii: "\\") { out.append(c); pos += 1; continue }
            pos += 1
            guard pos < bytes.count else { throw error("unterminated escape") }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var u = try hex4()
                if u >= 0xD800, u < 0xDC00, pos + 6 <= bytes.count, bytes[pos] == UInt8(ascii: "\\"),
                   bytes[pos + 1] == UInt8(ascii: "u") {
                    pos += 2
                    let lo = try hex4()
                    u = 0x10000 + ((u - 0xD800) << 10) + ((lo &- 0xDC00) & 0x3FF)
                }
                out.append(contentsOf: Array(String(Character(Unicode.Scalar(u) ?? "\u{FFFD}")).utf8))
            default: throw error("bad escape '\\\(Character(Unicode.Scalar(e)))'")
            }
        }
    }
}
