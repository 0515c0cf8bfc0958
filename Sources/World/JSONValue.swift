import Foundation

/// A parsed JSON value. The parser is small and strict (RFC 8259) except that it accepts the
/// bare tokens `NaN`, `Infinity` and `-Infinity` as numbers, so the scene loader can reject them
/// with the JSON path of the bad value instead of a bare syntax error.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue], keys: [String])

    /// Parses `text`; errors name `source` and the line and column.
    public static func parse(_ text: String, source: String) throws -> JSONValue {
        var p = JSONParser(bytes: Array(text.utf8), source: source)
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        if p.i < p.bytes.count { throw p.error("unexpected trailing text") }
        return v
    }

    /// Short description of the value for error messages.
    public var brief: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .number(let d): return JSONWriter.number(d)
        case .string(let s): return "\"\(s.count > 40 ? String(s.prefix(40)) + "..." : s)\""
        case .array(let a): return "an array of \(a.count)"
        case .object: return "an object"
        }
    }
}

struct JSONParser {
    let bytes: [UInt8]
    let source: String
    var i = 0

    init(bytes: [UInt8], source: String) {
        self.bytes = bytes
        self.source = source
    }

    func error(_ message: String) -> Error {
        var line = 1, col = 1
        for k in 0..<min(i, bytes.count) {
            if bytes[k] == 10 { line += 1; col = 1 } else { col += 1 }
        }
        return JSONSyntaxError(description: "\(source): line \(line), column \(col): \(message)")
    }

    mutating func skipSpace() {
        while i < bytes.count, [32, 9, 10, 13].contains(bytes[i]) { i += 1 }
    }

    mutating func literal(_ word: String) -> Bool {
        let w = Array(word.utf8)
        if i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w { i += w.count; return true }
        return false
    }

    mutating func value(depth: Int) throws -> JSONValue {
        if depth > 64 { throw error("nesting too deep") }
        guard i < bytes.count else { throw error("unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            var dict: [String: JSONValue] = [:], keys: [String] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(dict, keys: keys) }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
                let k = try string()
                if dict[k] != nil { throw error("duplicate key \"\(k)\"") }
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw error("expected ':'") }
                i += 1
                skipSpace()
                dict[k] = try value(depth: depth + 1)
                keys.append(k)
                skipSpace()
                guard i < bytes.count else { throw error("unexpected end of input") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(dict, keys: keys) }
                throw error("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            i += 1
            var a: [JSONValue] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
            while true {
                skipSpace()
                a.append(try value(depth: depth + 1))
                skipSpace()
                guard i < bytes.count else { throw error("unexpected end of input") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                throw error("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        default:
            if literal("true") { return .bool(true) }
            if literal("false") { return .bool(false) }
            if literal("null") { return .null }
            if literal("NaN") { return .number(.nan) }
            if literal("Infinity") { return .number(.infinity) }
            if literal("-Infinity") { return .number(-.infinity) }
            let start = i
            while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
            guard i > start, let s = String(bytes: bytes[start..<i], encoding: .utf8), let d = Double(s) else {
                i = start
                throw error("unexpected character")
            }
            return .number(d)
        }
    }

    mutating func string() throws -> String {
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") {
                i += 1
                guard i < bytes.count else { break }
                let e = bytes[i]
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "u"):
                    guard i + 4 < bytes.count, let s = String(bytes: bytes[(i + 1)...(i + 4)], encoding: .utf8),
                          let code = UInt32(s, radix: 16), let scalar = Unicode.Scalar(code) else {
                        throw error("bad \\u escape")
                    }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    i += 4
                default: out.append(e)
                }
                i += 1
                continue
            }
            if b < 32 { throw error("control character in string") }
            out.append(b)
            i += 1
        }
        throw error("unterminated string")
    }
}

/// A JSON syntax error (file, line, column, what).
public struct JSONSyntaxError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Minimal deterministic JSON text output used by the scene writer.
public enum JSONWriter {
    /// Shortest round-trip decimal form of a finite number ("1", "0.25", "-3.5e-07").
    public static func number(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    /// A quoted, escaped JSON string.
    public static func string(_ s: String) -> String {
        var o = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": o += "\\\""
            case "\\": o += "\\\\"
            case "\n": o += "\\n"
            case "\t": o += "\\t"
            default:
                if ch.value < 32 { o += String(format: "\\u%04x", ch.value) } else { o.unicodeScalars.append(ch) }
            }
        }
        return o + "\""
    }
}
