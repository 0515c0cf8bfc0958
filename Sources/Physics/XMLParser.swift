import Diagnostics

/// A small, dependency-free XML parser sufficient for URDF: elements, attributes (single or
/// double quotes), comments, the XML declaration and other processing instructions, CDATA,
/// DOCTYPE (skipped), the five predefined entities and numeric character references.
///
/// Errors are `InputError`s naming the source and the line ("line 12: ..."); malformed input
/// never traps.
public enum XMLParser {
    /// Parses `text` and returns the root element. `source` names the file in errors.
    public static func parse(_ text: String, source: String) throws -> XMLElement {
        var p = Cursor(bytes: Array(text.utf8), source: source)
        return try p.document()
    }
}

private struct Cursor {
    let bytes: [UInt8]
    let source: String
    var i = 0
    var line = 1
    /// current element nesting; bounded so hostile input cannot exhaust the stack
    var depth = 0
    static let maxDepth = 256

    init(bytes: [UInt8], source: String) {
        self.bytes = bytes
        self.source = source
    }

    func fail(_ message: String, line: Int? = nil) -> InputError {
        InputError(source, at: "line \(line ?? self.line)", message)
    }

    var atEnd: Bool { i >= bytes.count }

    func peek(_ offset: Int = 0) -> UInt8? { i + offset < bytes.count ? bytes[i + offset] : nil }

    mutating func advance() {
        if bytes[i] == UInt8(ascii: "\n") { line += 1 }
        i += 1
    }

    func starts(with s: String) -> Bool {
        let u = Array(s.utf8)
        guard i + u.count <= bytes.count else { return false }
        for k in 0..<u.count where bytes[i + k] != u[k] { return false }
        return true
    }

    mutating func skip(_ s: String) { for _ in 0..<s.utf8.count { advance() } }

    mutating func skipSpace() {
        while let c = peek(), c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { advance() }
    }

    /// skips up to and including `terminator`; errors if the input ends first
    mutating func skipPast(_ terminator: String, what: String) throws {
        let start = line
        while !atEnd {
            if starts(with: terminator) { skip(terminator); return }
            advance()
        }
        throw fail("unterminated \(what)", line: start)
    }

    static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39)
            || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
            || c == UInt8(ascii: ":") || c >= 0x80
    }

    mutating func name() throws -> String {
        let s = i
        while let c = peek(), Cursor.isNameByte(c) { advance() }
        guard i > s else {
            let found = peek().map { "'\(Character(UnicodeScalar($0)))'" } ?? "end of file"
            throw fail("expected a name, found \(found)")
        }
        return String(decoding: bytes[s..<i], as: UTF8.self)
    }

    /// skips declaration, processing instructions, comments and DOCTYPE between elements
    mutating func skipMisc() throws {
        while true {
            skipSpace()
            if starts(with: "<?") { try skipPast("?>", what: "processing instruction") }
            else if starts(with: "<!--") { try skipPast("-->", what: "comment") }
            else if starts(with: "<!DOCTYPE") { try skipPast(">", what: "DOCTYPE") }
            else { return }
        }
    }

    mutating func document() throws -> XMLElement {
        if starts(with: "\u{FEFF}") { skip("\u{FEFF}") }
        try skipMisc()
        guard peek() == UInt8(ascii: "<") else {
            throw fail(atEnd ? "empty document (no root element)" : "expected '<' to open the root element")
        }
        let root = try element()
        try skipMisc()
        guard atEnd else { throw fail("unexpected content after the root element </\(root.name)>") }
        return root
    }

    mutating func element() throws -> XMLElement {
        let startLine = line
        depth += 1
        defer { depth -= 1 }
        guard depth <= Cursor.maxDepth else { throw fail("elements nested deeper than \(Cursor.maxDepth) levels") }
        advance() // <
        let tag = try name()
        var el = XMLElement(name: tag, line: startLine)
        // attributes
        while true {
            skipSpace()
            guard let c = peek() else { throw fail("unterminated start tag <\(tag)>", line: startLine) }
            if c == UInt8(ascii: "/") {
                advance()
                guard peek() == UInt8(ascii: ">") else { throw fail("expected '>' after '/' in <\(tag)>") }
                advance()
                return el
            }
            if c == UInt8(ascii: ">") { advance(); break }
            let key = try name()
            skipSpace()
            guard peek() == UInt8(ascii: "=") else { throw fail("attribute '\(key)' of <\(tag)> has no '=' and value") }
            advance()
            skipSpace()
            guard let q = peek(), q == UInt8(ascii: "\"") || q == UInt8(ascii: "'") else {
                throw fail("attribute '\(key)' of <\(tag)> must be quoted")
            }
            advance()
            let s = i
            while let d = peek(), d != q {
                if d == UInt8(ascii: "<") { throw fail("'<' inside attribute '\(key)' of <\(tag)>") }
                advance()
            }
            guard !atEnd else { throw fail("unterminated value of attribute '\(key)' in <\(tag)>", line: startLine) }
            let raw = String(decoding: bytes[s..<i], as: UTF8.self)
            advance()
            if el.attributes[key] != nil { throw fail("duplicate attribute '\(key)' in <\(tag)>") }
            el.attributes[key] = try decode(raw)
        }
        // content
        var text = ""
        while true {
            guard !atEnd else { throw fail("element <\(tag)> opened here is never closed", line: startLine) }
            if starts(with: "</") {
                skip("</")
                let closing = try name()
                guard closing == tag else { throw fail("closing tag </\(closing)> does not match <\(tag)> opened on line \(startLine)") }
                skipSpace()
                guard peek() == UInt8(ascii: ">") else { throw fail("expected '>' in </\(closing)>") }
                advance()
                el.text = text.trimmingSpaces()
                return el
            } else if starts(with: "<!--") {
                try skipPast("-->", what: "comment")
            } else if starts(with: "<![CDATA[") {
                skip("<![CDATA[")
                let s = i
                try skipPast("]]>", what: "CDATA section")
                text += String(decoding: bytes[s..<(i - 3)], as: UTF8.self)
            } else if starts(with: "<?") {
                try skipPast("?>", what: "processing instruction")
            } else if peek() == UInt8(ascii: "<") {
                el.children.append(try element())
            } else {
                let s = i
                while let c = peek(), c != UInt8(ascii: "<") { advance() }
                text += try decode(String(decoding: bytes[s..<i], as: UTF8.self))
            }
        }
    }

    /// decodes the predefined entities and numeric character references
    func decode(_ raw: String) throws -> String {
        guard raw.contains("&") else { return raw }
        var out = ""
        var rest = Substring(raw)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { throw fail("unterminated entity in '\(raw)'") }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "lt": out += "<"
            case "gt": out += ">"
            case "amp": out += "&"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                var code: UInt32?
                if entity.hasPrefix("#x") { code = UInt32(entity.dropFirst(2), radix: 16) }
                else if entity.hasPrefix("#") { code = UInt32(entity.dropFirst(1)) }
                guard let c = code, let scalar = UnicodeScalar(c) else { throw fail("unknown entity '&\(entity);'") }
                out.unicodeScalars.append(scalar)
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}

extension String {
    func trimmingSpaces() -> String {
        let u = unicodeScalars
        guard let a = u.firstIndex(where: { !$0.properties.isWhitespace }),
              let b = u.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(u[a...b])
    }
}
