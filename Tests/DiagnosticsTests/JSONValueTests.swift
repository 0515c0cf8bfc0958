import Diagnostics
import Testing

@Suite struct JSONValueTests {
    /// The parse error for `text`, as a string.
    func parseError(_ text: String, allowNonFinite: Bool = false) -> String {
        do {
            _ = try JSONValue.parse(text, source: "t.json", allowNonFinite: allowNonFinite)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func numbersKeepTheirTextForExactConversion() throws {
        let v = try JSONValue.parse(#"{"seed": 18446744073709551615, "big": 9007199254740993, "x": 0.1, "n": 3.0}"#)
        #expect(v["seed"]?.uint64 == .max)
        #expect(v["big"]?.int == 9_007_199_254_740_993)
        #expect(v["x"]?.double == 0.1)
        #expect(v["n"]?.int == 3)
        #expect(v["x"]?.int == nil)
        #expect(v["n"]?.brief == "3")
    }

    @Test func objectsKeepKeyOrderAndRejectDuplicates() throws {
        guard case .object(_, let keys) = try JSONValue.parse(#"{"b": 1, "a": 2, "c": 3}"#) else {
            Issue.record("not an object")
            return
        }
        #expect(keys == ["b", "a", "c"])
        #expect(parseError(#"{"a": 1, "a": 2}"#).contains("duplicate key \"a\""))
    }

    @Test func nonFiniteTokensOnlyWhenAllowed() throws {
        #expect(parseError("[1, NaN]") != "no error")
        let v = try JSONValue.parse("[NaN, Infinity, -Infinity, -1]", allowNonFinite: true)
        let d = try #require(v.array).compactMap(\.double)
        #expect(d.count == 4 && d[0].isNaN && d[1] == .infinity && d[2] == -.infinity && d[3] == -1)
        #expect(v.array?[1].brief == "Infinity")
    }

    @Test func errorsNameSourceLineAndColumn() {
        #expect(parseError("{\n  \"a\": tru\n}") == "t.json: line 2, column 8: invalid literal, expected 'true'")
        #expect(parseError("[1, 2] x") == "t.json: line 1, column 8: unexpected text after the JSON value")
        #expect(parseError("\"a\u{1}b\"").contains("control character"))
        #expect(parseError(String(repeating: "[", count: 65) + String(repeating: "]", count: 65)).contains("nesting deeper than 64"))
        #expect(parseError(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)) == "no error")
    }

    /// A text file with a newline, or a binary file given as a config, still gives one line that
    /// shows the bytes it met (issue: the raw bytes split the message and printed control bytes).
    @Test func invalidValueShowsItsBytesOnOneLine() {
        let text = parseError("secret\nline")
        #expect(text == #"t.json: line 1, column 1: invalid value starting with 'secret\x0Aline'"#)
        do {
            _ = try JSONValue.parse([0xA8, 0x1A, 0x00, 0x7B], source: "m.safetensors")
            Issue.record("a binary file parsed as JSON")
        } catch {
            #expect("\(error)" == #"m.safetensors: line 1, column 1: invalid value starting with '\xA8\x1A\x00{'"#)
        }
    }
}
