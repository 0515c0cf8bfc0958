import Foundation

/// A GitHub-flavoured Markdown table with padded columns, for experiment reports.
///
/// ```swift
/// var t = MarkdownTable(["method", "distance (m)", "success"], alignments: [.left, .right, .right])
/// t.addRow(["GtS", ci.formatted(), "41/50"])
/// print(t.render())
/// ```
/// Cells are escaped: `|` becomes `\|` and line breaks become `<br>`.
public struct MarkdownTable: Sendable, Equatable {
    /// Column alignment (the `:---`, `---:`, `:---:` markers).
    public enum Alignment: Sendable, Equatable { case left, right, center }

    public let headers: [String]
    public let alignments: [Alignment]
    public private(set) var rows: [[String]] = []

    /// A table with these column headers; alignment defaults to left.
    public init(_ headers: [String], alignments: [Alignment]? = nil) {
        precondition(!headers.isEmpty, "MarkdownTable needs at least one column")
        precondition(alignments == nil || alignments!.count == headers.count, "MarkdownTable: one alignment per column")
        self.headers = headers
        self.alignments = alignments ?? Array(repeating: .left, count: headers.count)
    }

    /// Appends a row; it must have one cell per column.
    public mutating func addRow(_ cells: [String]) {
        precondition(cells.count == headers.count, "MarkdownTable row has \(cells.count) cells, table has \(headers.count) columns")
        rows.append(cells)
    }

    /// A cell escaped for a table: pipes and line breaks.
    public static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "\r\n", with: "<br>")
            .replacingOccurrences(of: "\n", with: "<br>")
    }

    /// The table as Markdown text ending with a newline.
    public func render() -> String {
        let head = headers.map(MarkdownTable.escape)
        let body = rows.map { $0.map(MarkdownTable.escape) }
        var widths = head.map { max(3, $0.count) }
        for r in body { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        func pad(_ s: String, _ i: Int) -> String {
            let n = widths[i] - s.count
            switch alignments[i] {
            case .left: return s + String(repeating: " ", count: n)
            case .right: return String(repeating: " ", count: n) + s
            case .center:
                let l = n / 2
                return String(repeating: " ", count: l) + s + String(repeating: " ", count: n - l)
            }
        }
        func line(_ cells: [String]) -> String { "| " + cells.enumerated().map { pad($1, $0) }.joined(separator: " | ") + " |" }
        let rule = "|" + widths.enumerated().map { i, w -> String in
            switch alignments[i] {
            case .left: return ":" + String(repeating: "-", count: w + 1)
            case .right: return String(repeating: "-", count: w + 1) + ":"
            case .center: return ":" + String(repeating: "-", count: w) + ":"
            }
        }.joined(separator: "|") + "|"
        return ([line(head), rule] + body.map(line)).joined(separator: "\n") + "\n"
    }
}

