import Foundation
import Geometry

/// A direct reader for the JSON messages an episode log holds at the control rate
/// (`foxglove.PoseInFrame`, `foxglove.FrameTransform`, `swiftlet.Command`,
/// `swiftlet.MotorSpeeds`) and for JSON camera frames (`foxglove.RawImage`): one pass over the
/// message bytes straight into typed values, without a `JSONValue` tree, dictionaries or strings
/// per number.
///
/// It takes the members in any order, with or without `timestamp`, whitespace anywhere JSON
/// allows it, and numbers in every JSON form (`null` reads as NaN where a Double is expected, as
/// in `JSONValue.double`). Anything else makes it give up and return nil: an unknown or repeated
/// key, an escape or control character in a string, a value of another type, a missing member, a
/// syntax error. `EpisodeLog.load` then decodes that message with the generic `JSONValue` path,
/// so a foreign or malformed message decodes, or fails with the error text, exactly as before.
/// For every message this reader accepts, the generic path gives the same values: the same
/// strings (`String(decoding:as:)` of the same bytes) and the same numbers (`number(_:)` equals
/// `Double(String)` bit for bit).
///
/// ```swift
/// let m = Array(#"{"frame_id":"world","pose":{...}}"#.utf8)
/// if let (frame, pose) = EpisodeJSONReader.pose(m) { ... } else { /* generic path */ }
/// ```
struct EpisodeJSONReader {
    let p: UnsafeBufferPointer<UInt8>
    var pos = 0

    init(_ p: UnsafeBufferPointer<UInt8>) { self.p = p }

    // MARK: the messages

    /// A `foxglove.PoseInFrame`: its `frame_id` and `pose`.
    static func pose(_ bytes: [UInt8]) -> (frameID: String, pose: Pose)? {
        var frameID: String?, pose: Pose?
        guard message(bytes, { r, k in
            switch k {
            case .frameID: r.once(&frameID) { $0.string() }
            case .pose: r.once(&pose) { $0.pose() }
            default: false
            }
        }), let frameID, let pose else { return nil }
        return (frameID, pose)
    }

    /// A `foxglove.FrameTransform`: parent and child frame ids and the child's pose in the parent.
    static func transform(_ bytes: [UInt8]) -> (parent: String, child: String, pose: Pose)? {
        var parent: String?, child: String?, translation: Vec3?, rotation: Quaternion?
        guard message(bytes, { r, k in
            switch k {
            case .parentFrameID: r.once(&parent) { $0.string() }
            case .childFrameID: r.once(&child) { $0.string() }
            case .translation: r.once(&translation) { $0.vec3() }
            case .rotation: r.once(&rotation) { $0.quaternion() }
            default: false
            }
        }), let parent, let child, let translation, let rotation else { return nil }
        return (parent, child, Pose(position: translation, orientation: rotation))
    }

    /// A `swiftlet.Command`: its control step and values.
    static func command(_ bytes: [UInt8]) -> (step: Int, values: [Double])? {
        var step: Int?, values: [Double]?
        guard message(bytes, { r, k in
            switch k {
            case .step: r.once(&step) { $0.int() }
            case .values: r.once(&values) { $0.doubles() }
            default: false
            }
        }), let step, let values else { return nil }
        return (step, values)
    }

    /// A `swiftlet.MotorSpeeds`: the speeds and their unit.
    static func motors(_ bytes: [UInt8]) -> (speeds: [Double], unit: String)? {
        var speeds: [Double]?, unit: String?
        guard message(bytes, { r, k in
            switch k {
            case .speeds: r.once(&speeds) { $0.doubles() }
            case .unit: r.once(&unit) { $0.string() }
            default: false
            }
        }), let speeds, let unit else { return nil }
        return (speeds, unit)
    }

    /// A `foxglove.RawImage` on `topic` logged at `logTime`: nil also when the encoding is unknown,
    /// the base64 is invalid or the pixels do not fit the stated sizes (the generic path names
    /// the problem).
    static func rawImage(_ bytes: [UInt8], topic: String, logTime: UInt64) -> EpisodeLog.ImageSample? {
        var frameID: String?, encoding: String?, width: Int?, height: Int?, step: Int?, data: [UInt8]?
        guard message(bytes, { r, k in
            switch k {
            case .frameID: r.once(&frameID) { $0.string() }
            case .encoding: r.once(&encoding) { $0.string() }
            case .width: r.once(&width) { $0.int() }
            case .height: r.once(&height) { $0.int() }
            case .step: r.once(&step) { $0.int() }
            case .data: r.once(&data) { r in r.rawString().flatMap { Base64.decode(UnsafeBufferPointer(rebasing: r.p[$0])) } }
            default: false
            }
        }), let frameID, let e = encoding, let enc = ImageEncoding(rawValue: e), let width, let height, let step, let data,
              enc.fits(width: width, height: height, step: step, count: data.count) else { return nil }
        return EpisodeLog.ImageSample(logTime: logTime, topic: topic, frameID: frameID, width: width, height: height,
                                      encoding: enc, step: step, data: data)
    }

    /// Reads `bytes` as one object and nothing after it but whitespace: `member` reads the value
    /// of each key but `timestamp` (read here, at most once).
    static func message(_ bytes: [UInt8], _ member: (inout EpisodeJSONReader, Key) -> Bool) -> Bool {
        bytes.withUnsafeBufferPointer { p in
            var r = EpisodeJSONReader(p)
            var stamp = false
            return r.object { r, k in k == .timestamp ? r.timestamp(&stamp) : member(&r, k) } && r.atEnd()
        }
    }

    // MARK: structure

    /// The member names these messages use; `other` for any other key.
    enum Key {
        case timestamp, frameID, pose, position, orientation, parentFrameID, childFrameID, translation, rotation
        case step, values, speeds, unit, width, height, encoding, data, x, y, z, w, sec, nsec, other
    }

    /// Whitespace as JSON (and `JSONValue.parse`) defines it: space, tab, CR, LF.
    @inline(__always) mutating func space() {
        while pos < p.count, p[pos] == 0x20 || p[pos] == 0x0A || p[pos] == 0x0D || p[pos] == 0x09 { pos += 1 }
    }

    /// Only whitespace is left.
    mutating func atEnd() -> Bool {
        space()
        return pos == p.count
    }

    /// Consumes `c` after optional whitespace.
    @inline(__always) mutating func consume(_ c: UInt8) -> Bool {
        space()
        guard pos < p.count, p[pos] == c else { return false }
        pos += 1
        return true
    }

    /// `{ "key": value, ... }`: `member` reads the value of each key (returning false to give up).
    @inline(__always) mutating func object(_ member: (inout EpisodeJSONReader, Key) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "{")) else { return false }
        if consume(UInt8(ascii: "}")) { return true }
        while true {
            guard let k = rawString(), consume(UInt8(ascii: ":")) else { return false }
            space()
            guard member(&self, key(k)) else { return false }
            if consume(UInt8(ascii: ",")) { continue }
            return consume(UInt8(ascii: "}"))
        }
    }

    /// Reads a value into `slot` unless it already holds one (a repeated key, which the generic
    /// parser refuses).
    @inline(__always) mutating func once<T>(_ slot: inout T?, _ read: (inout EpisodeJSONReader) -> T?) -> Bool {
        guard slot == nil, let v = read(&self) else { return false }
        slot = v
        return true
    }

    /// `timestamp` `{"sec": number, "nsec": number}` (either may be missing: the reader ignores
    /// the value, the generic path only checks its syntax), at most once.
    mutating func timestamp(_ seen: inout Bool) -> Bool {
        guard !seen else { return false }
        seen = true
        var sec: Double?, nsec: Double?
        return object { r, k in
            switch k {
            case .sec: return r.once(&sec) { $0.double() }
            case .nsec: return r.once(&nsec) { $0.double() }
            default: return false
            }
        }
    }

    /// The key of the raw string bytes at `r`.
    func key(_ r: Range<Int>) -> Key {
        let k = UnsafeBufferPointer(rebasing: p[r])
        func equals(_ s: StaticString) -> Bool {
            s.utf8CodeUnitCount == k.count && memcmp(s.utf8Start, k.baseAddress!, k.count) == 0
        }
        switch k.count {
        case 1:
            switch k[0] {
            case UInt8(ascii: "x"): return .x
            case UInt8(ascii: "y"): return .y
            case UInt8(ascii: "z"): return .z
            case UInt8(ascii: "w"): return .w
            default: return .other
            }
        case 3: return equals("sec") ? .sec : .other
        case 4:
            if equals("pose") { return .pose }
            if equals("step") { return .step }
            if equals("nsec") { return .nsec }
            if equals("unit") { return .unit }
            if equals("data") { return .data }
            return .other
        case 5: return equals("width") ? .width : .other
        case 6:
            if equals("values") { return .values }
            if equals("speeds") { return .speeds }
            if equals("height") { return .height }
            return .other
        case 8:
            if equals("frame_id") { return .frameID }
            if equals("position") { return .position }
            if equals("rotation") { return .rotation }
            if equals("encoding") { return .encoding }
            return .other
        case 9: return equals("timestamp") ? .timestamp : .other
        case 11:
            if equals("orientation") { return .orientation }
            if equals("translation") { return .translation }
            return .other
        case 14:
            if equals("child_frame_id") { return .childFrameID }
            return .other
        case 15: return equals("parent_frame_id") ? .parentFrameID : .other
        default: return .other
        }
    }

    // MARK: values

    /// The bytes between the quotes of a string without escapes or control characters (the
    /// generic parser's fast case); nil for anything else.
    mutating func rawString() -> Range<Int>? {
        space()
        guard pos < p.count, p[pos] == UInt8(ascii: "\"") else { return nil }
        var i = pos + 1
        while i < p.count {
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                defer { pos = i + 1 }
                return (pos + 1)..<i
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
            i += 1
        }
        return nil
    }

    /// A string as the generic parser decodes it (invalid UTF-8 repaired the same way).
    mutating func string() -> String? {
        rawString().map { String(decoding: UnsafeBufferPointer(rebasing: p[$0]), as: UTF8.self) }
    }

    /// The run of number characters the generic parser takes as a number's text.
    mutating func numberText() -> UnsafeBufferPointer<UInt8>? {
        let start = pos
        while pos < p.count {
            let c = p[pos]
            guard (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
                    || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") || c == UInt8(ascii: "+") else { break }
            pos += 1
        }
        return pos > start ? UnsafeBufferPointer(rebasing: p[start..<pos]) : nil
    }

    /// A number as `JSONValue.double` reads it (`null` is NaN); nil for other values and for
    /// text that is not a number.
    mutating func double() -> Double? {
        space()
        if pos + 4 <= p.count, p[pos] == UInt8(ascii: "n") {
            guard p[pos + 1] == UInt8(ascii: "u"), p[pos + 2] == UInt8(ascii: "l"), p[pos + 3] == UInt8(ascii: "l") else { return nil }
            pos += 4
            return .nan
        }
        return numberText().flatMap(EpisodeJSONReader.number)
    }

    /// A number as `JSONValue.int` reads it: integral text, or a Double that is a whole number.
    mutating func int() -> Int? {
        space()
        guard let t = numberText() else { return nil }
        // plain digits with an optional minus sign, up to 18 of them: no overflow
        let negative = t[0] == UInt8(ascii: "-")
        let digits = negative ? 1 : 0
        if t.count > digits, t.count - digits <= 18 {
            var v = 0
            var plain = true
            for c in t[digits...] {
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { plain = false; break }
                v = v * 10 + Int(c - UInt8(ascii: "0"))
            }
            if plain { return negative ? -v : v }
        }
        let s = String(decoding: t, as: UTF8.self)
        guard let d = Double(s) else { return nil }  // not a number: the generic parser's syntax error
        return Int(s) ?? Int(exactly: d)
    }

    /// `[n, n, ...]` of numbers (or nulls, NaN).
    mutating func doubles() -> [Double]? {
        guard consume(UInt8(ascii: "[")) else { return nil }
        var out: [Double] = []
        out.reserveCapacity(8)
        if consume(UInt8(ascii: "]")) { return out }
        while true {
            guard let v = double() else { return nil }
            out.append(v)
            if consume(UInt8(ascii: ",")) { continue }
            return consume(UInt8(ascii: "]")) ? out : nil
        }
    }

    /// `{"x":..,"y":..,"z":..}` in any order.
    mutating func vec3() -> Vec3? { xyzw(w: false).map { Vec3($0.x, $0.y, $0.z) } }

    /// `{"x":..,"y":..,"z":..,"w":..}` in any order.
    mutating func quaternion() -> Quaternion? { xyzw(w: true).map { Quaternion(x: $0.x, y: $0.y, z: $0.z, w: $0.w) } }

    /// An object of exactly the members x, y, z and, when `w`, w (numbers or null), in any order;
    /// `w` is 0 without it.
    mutating func xyzw(w withW: Bool) -> SIMD4<Double>? {
        var x: Double?, y: Double?, z: Double?, w: Double?
        let ok = object { r, k in
            switch k {
            case .x: r.once(&x) { $0.double() }
            case .y: r.once(&y) { $0.double() }
            case .z: r.once(&z) { $0.double() }
            case .w where withW: r.once(&w) { $0.double() }
            default: false
            }
        }
        guard ok, let x, let y, let z, withW == (w != nil) else { return nil }
        return SIMD4(x, y, z, w ?? 0)
    }

    /// A foxglove.Pose `{"position":{..},"orientation":{..}}`.
    mutating func pose() -> Pose? {
        var position: Vec3?, orientation: Quaternion?
        let ok = object { r, k in
            switch k {
            case .position: return r.once(&position) { $0.vec3() }
            case .orientation: return r.once(&orientation) { $0.quaternion() }
            default: return false
            }
        }
        guard ok, let position, let orientation else { return nil }
        return Pose(position: position, orientation: orientation)
    }

    // MARK: numbers

    /// Exact powers of ten, 1e0 ... 1e22 (every one is a Double without rounding).
    static let powersOfTen: [Double] = (0...22).map { Double("1e\($0)")! }

    /// The value of number text `t` exactly as `Double(String(decoding: t, as: UTF8.self))` gives
    /// it, nil when that is nil. Most texts need no String: a decimal of at most 2^53 in its
    /// digits and a power of ten up to 22 is one correctly rounded multiplication or division
    /// (both operands are exact); others go to `strtod` (what `Double(String)` calls) on a stack
    /// copy, whose result is kept when it is a normal number; what is left (overflow, underflow,
    /// zero, long or odd text) is converted by `Double(String)` itself.
    static func number(_ t: UnsafeBufferPointer<UInt8>) -> Double? {
        if let v = exactDecimal(t) { return v }
        if t.count < 48, let v = strtodNormal(t) { return v }
        return Double(String(decoding: t, as: UTF8.self))
    }

    /// `[+-]digits[.digits][(e|E)[+-]digits]` with at least one mantissa digit, at most 19
    /// significant digits whose value is at most 2^53, and a decimal exponent in -22...22; nil
    /// otherwise (the text may still be a number).
    static func exactDecimal(_ t: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let n = t.count
        var negative = false
        if i < n, t[i] == UInt8(ascii: "-") || t[i] == UInt8(ascii: "+") { negative = t[i] == UInt8(ascii: "-"); i += 1 }
        var mantissa: UInt64 = 0, significant = 0, digits = 0, exponent = 0
        // integer digits, then fraction digits (each of which lowers the exponent)
        func mantissaDigits(fraction: Bool) -> Bool {
            while i < n, t[i] >= UInt8(ascii: "0"), t[i] <= UInt8(ascii: "9") {
                let d = UInt64(t[i] - UInt8(ascii: "0"))
                if mantissa != 0 || d != 0 {
                    significant += 1
                    guard significant <= 19 else { return false }
                    mantissa = mantissa * 10 + d
                }
                if fraction { exponent -= 1 }
                digits += 1
                i += 1
            }
            return true
        }
        guard mantissaDigits(fraction: false) else { return nil }
        if i < n, t[i] == UInt8(ascii: ".") {
            i += 1
            guard mantissaDigits(fraction: true) else { return nil }
        }
        guard digits > 0 else { return nil }
        if i < n, t[i] == UInt8(ascii: "e") || t[i] == UInt8(ascii: "E") {
            i += 1
            var minus = false
            if i < n, t[i] == UInt8(ascii: "-") || t[i] == UInt8(ascii: "+") { minus = t[i] == UInt8(ascii: "-"); i += 1 }
            var e = 0, eDigits = 0
            while i < n, t[i] >= UInt8(ascii: "0"), t[i] <= UInt8(ascii: "9") {
                e = min(e * 10 + Int(t[i] - UInt8(ascii: "0")), 100_000)
                eDigits += 1
                i += 1
            }
            guard eDigits > 0 else { return nil }
            exponent += minus ? -e : e
        }
        guard i == n, exponent >= -22, exponent <= 22 else { return nil }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        guard mantissa <= 1 << 53 else { return nil }
        let m = Double(mantissa)
        let v = exponent >= 0 ? m * powersOfTen[exponent] : m / powersOfTen[-exponent]
        return negative ? -v : v
    }

    /// `strtod` of `t` (fewer than 48 bytes) when it reads all of `t` and gives a normal number.
    static func strtodNormal(_ t: UnsafeBufferPointer<UInt8>) -> Double? {
        var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &buffer) { b -> Double? in
            let c = b.bindMemory(to: CChar.self)
            for k in 0..<t.count { c[k] = CChar(bitPattern: t[k]) }
            c[t.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let v = strtod(c.baseAddress!, &end)
            guard end == c.baseAddress! + t.count, v.isNormal else { return nil }
            return v
        }
    }
}
