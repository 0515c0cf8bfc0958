/// A parsed JSON value, shared by the scene loader (World) and the episode reader (Recording).
///
/// Numbers keep their text, so a caller converts them exactly: `double` (correctly rounded,
/// hence bit-exact for shortest round-trip output) or `uint64`/`int` for seeds and counters
/// beyond 2^53. Objects keep their keys in file order, so a loader can name the first unknown
/// key. The parser is small and strict (RFC 8259; duplicate keys and raw control characters in
/// strings are errors); nesting deeper than `maxDepth` is rejected, so hostile input cannot
/// exhaust the stack. With `allowNonFinite` it also accepts the bare tokens `NaN`, `Infinity`
/// and `-Infinity` as numbers, so the scene loader can reject them with the JSON path of the
/// bad value instead of a bare syntax error. Syntax errors are `InputError`s naming `source`
/// and the line and column.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's text as written ("1", "-2.5e-07", and with `allowNonFinite` "NaN").
    case number(String)
    case string(String)
    case array([JSONValue])
    /// The members and their keys in file order.
    case object([String: JSONValue], keys: [String])

    /// Parses `bytes` (UTF-8); errors name `source` and the line and column.
    public static func parse(_ bytes: [UInt8], source: String = "JSON", maxDepth: Int = 64,
                             allowNonFinite: Bool = false) throws -> JSONValue {
        var p = JSONParser(bytes: bytes, source: source, maxDepth: maxDepth, allowNonFinite: allowNonFinite)
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        guard p.pos == bytes.count else { throw p.error("unexpected text after the JSON value") }
        return v
    }

    /// Parses `text`; errors name `source` and the line and column.
    public static func parse(_ text: String, source: String = "JSON", maxDepth: Int = 64,
                             allowNonFinite: Bool = false) throws -> JSONValue {
        try parse(Array(text.utf8), source: source, maxDepth: maxDepth, allowNonFinite: allowNonFinite)
    }

    /// The member `key` of an object; nil for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o, _) = self { return o[key] }
        return nil
    }

    /// The number's value; `null` reads as NaN (the episode writer stores non-finite numbers
    /// as `null`); nil for other kinds.
    public var double: Double? {
        switch self {
        case .number(let t): Double(t)
        case .null: Double.nan
        default: nil
        }
    }
    /// The number as an exact integer (integral text, or a Double that is a whole number).
    public var int: Int? { if case .number(let t) = self { Int(t) ?? Double(t).flatMap { Int(exactly: $0) } } else { nil } }
    /// The number as an exact unsigned 64-bit integer (integral text only).
    public var uint64: UInt64? { if case .number(let t) = self { UInt64(t) } else { nil } }
    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    /// The members of an object (unordered; `keys` of `.object` gives file order).
    public var object: [String: JSONValue]? { if case .object(let o, _) = self { o } else { nil } }

    /// Short description of the value for error messages.
    public var brief: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .number(let t): return Double(t).map(JSONWriter.number) ?? t
        case .string(let s): return "\"\(s.count > 40 ? String(s.prefix(40)) + "..." : s)\""
        case .array(let a): return "an array of \(a.count)"
        case .object: return "an object"
        }
    }
}
