import Foundation

/// RFC 4180 CSV text: a header row, then data rows, `\n` line ends. A field is quoted when it
/// contains a comma, a double quote, a line break or leading/trailing spaces; quotes inside are
/// doubled. Numbers are written in Swift's shortest round-trip form (`0.1`, `1e-07`, `nan`).
///
/// ```swift
/// var csv = CSVWriter(header: ["step", "loss", "note"])
/// csv.addRow([100, 0.25])            // numeric row; missing trailing cells are empty
/// csv.addRow(["200", "0.2", "lr, decayed"])
/// try csv.write(to: "out/curve.csv")
/// ```
public struct CSVWriter: Sendable, Equatable {
    public let header: [String]
    /// The text so far (header and rows).
    public private(set) var text: String
    /// Data rows written.
    public private(set) var rowCount = 0

    public init(header: [String]) {
        precondition(!header.isEmpty, "CSVWriter needs at least one column")
        self.header = header
        text = CSVWriter.line(header)
    }

    /// One field, quoted if needed.
    public static func escape(_ field: String) -> String {
        let needs = field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || field.hasPrefix(" ") || field.hasSuffix(" ")
        guard needs else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One CSV line (with the trailing newline).
    public static func line(_ fields: [String]) -> String { fields.map(escape).joined(separator: ",") + "\n" }

    /// A number as a CSV field.
    public static func field(_ v: Double) -> String { v.isNaN ? "nan" : "\(v)" }

    /// Appends a row of strings (at most one per column; missing cells are left empty).
    public mutating func addRow(_ fields: [String]) {
        precondition(fields.count <= header.count, "CSVWriter row has \(fields.count) fields, header has \(header.count)")
        text += CSVWriter.line(fields + Array(repeating: "", count: header.count - fields.count))
        rowCount += 1
    }

    /// Appends a row of numbers.
    public mutating func addRow(_ values: [Double]) { addRow(values.map(CSVWriter.field)) }

    /// Writes the text atomically.
    public func write(to path: String) throws { try AtomicFile.write(text, to: path) }

    /// Parses CSV text back into rows (for tests and tools reading our own files).
    public static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, i = text.startIndex, fieldStarted = false
        while i < text.endIndex {
            let c = text[i]
            if quoted {
                if c == "\"" {
                    let n = text.index(after: i)
                    if n < text.endIndex && text[n] == "\"" { field.append("\""); i = n } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" && field.isEmpty {
                quoted = true; fieldStarted = true
            } else if c == "," {
                row.append(field); field = ""; fieldStarted = false
            } else if c == "\n" || c == "\r\n" {
                row.append(field); rows.append(row); row = []; field = ""; fieldStarted = false
            } else if c != "\r" {
                field.append(c); fieldStarted = true
            }
            i = text.index(after: i)
        }
        if fieldStarted || !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
