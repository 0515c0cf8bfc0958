import Foundation

/// Minimal deterministic JSON text output (the scene writer, error messages). The episode
/// recorder writes JSON straight into its byte buffer instead (Recording, `JSONWriting.swift`).
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
