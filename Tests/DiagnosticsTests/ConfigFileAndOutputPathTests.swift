import Diagnostics
import Foundation
import Testing
import TestSupport

@Suite struct ConfigFileAndOutputPathTests {
    struct Inner: Codable, Equatable { var rate = 0.5; var names = ["a"] }
    struct Config: Codable, Equatable {
        var steps = 10
        var label = "x"
        var inner = Inner()
        var note: String? = nil
        init() {}
        // any subset of the keys, like the project's configs
        init(from decoder: any Decoder) throws {
            let k = try decoder.container(keyedBy: CodingKeys.self)
            let d = Config()
            steps = try k.decodeIfPresent(Int.self, forKey: .steps) ?? d.steps
            label = try k.decodeIfPresent(String.self, forKey: .label) ?? d.label
            inner = try k.decodeIfPresent(Inner.self, forKey: .inner) ?? d.inner
            note = try k.decodeIfPresent(String.self, forKey: .note)
        }
    }

    func decode(_ text: String) throws -> Config {
        try ConfigFile.decode(Config.self, from: Data(text.utf8), source: "c.json", defaults: Config(), optionalKeys: ["note"])
    }

    func error(_ text: String) -> String {
        do { _ = try decode(text); return "no error" } catch { return "\(error)" }
    }

    @Test func readsKnownKeysAndKeepsDefaults() throws {
        let c = try decode(#"{"steps": 3, "inner": {"rate": 0.25, "names": ["p", "q"]}, "note": "hi"}"#)
        #expect(c.steps == 3 && c.label == "x" && c.inner.rate == 0.25 && c.inner.names == ["p", "q"] && c.note == "hi")
    }

    @Test func refusesUnknownKeysAtAnyDepthNamingTheKnownOnes() {
        #expect(error(#"{"step": 3}"#) == "c.json: $.step: unknown key (known here: inner, label, steps)")
        #expect(error(#"{"inner": {"rte": 1}}"#) == "c.json: $.inner.rte: unknown key (known here: names, rate)")
    }

    /// A block whose default is nil is checked against an example's keys when given as an
    /// optional shape, and not at all when listed as an optional key.
    @Test func optionalShapesCheckTheKeysOfABlockWithANilDefault() throws {
        struct Outer: Codable, Equatable {
            var steps = 10
            var extra: Inner? = nil
        }
        func decode(_ text: String, shaped: Bool) throws -> Outer {
            try ConfigFile.decode(Outer.self, from: Data(text.utf8), source: "o.json", defaults: Outer(),
                                  optionalKeys: shaped ? [] : ["extra"], optionalShapes: shaped ? ["extra": Inner()] : [:])
        }
        #expect(try decode(#"{"steps": 1, "extra": {"rate": 0.25, "names": []}}"#, shaped: true).extra == Inner(rate: 0.25, names: []))
        #expect(throws: InputError("o.json", at: "$.extra.rte", "unknown key (known here: names, rate)")) {
            try decode(#"{"steps": 1, "extra": {"rte": 1, "rate": 1, "names": []}}"#, shaped: true)
        }
        // listed as an optional key only, the misspelt key passes the check (and the decoder ignores it)
        #expect(throws: Never.self) { try decode(#"{"steps": 1, "extra": {"rte": 1, "rate": 1, "names": []}}"#, shaped: false) }
        #expect(throws: InputError("o.json", at: "$.extr", "unknown key (known here: steps)")) {
            try decode(#"{"extr": {}}"#, shaped: true)
        }
    }

    @Test func namesTheJSONPathOfAWrongType() {
        #expect(error(#"{"steps": "3"}"#) == "c.json: $.steps: expected an integer")
        #expect(error(#"{"inner": {"rate": "fast"}}"#) == "c.json: $.inner.rate: expected a number")
        #expect(error(#"{"inner": {"rate": 1, "names": [1]}}"#) == "c.json: $.inner.names[0]: expected a string")
        #expect(error(#"{"inner": {"rate": 1}}"#) == "c.json: $.inner.names: missing required key")
        // Foundation says only "not valid JSON" for a fraction in an Int: the value is found
        #expect(error(#"{"label": "y", "steps": 2.5}"#).hasPrefix("c.json: $.steps: 2.5 does not fit"))
    }

    @Test func syntaxErrorsNameLineAndColumn() {
        #expect(error("{\n  \"steps\": 3,\n}") == "c.json: line 3, column 1: expected a string key")
        #expect(error("[1, 2]") == "c.json: $: expected a JSON object")
    }

    @Test func outputDirectoriesAreCreatedOrRefusedUpFront() throws {
        let dir = TempDir("outpath")
        defer { dir.remove() }
        try OutputPath.prepareDirectory(dir.file("a/b"), source: "--out")
        var isDir: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: dir.file("a/b"), isDirectory: &isDir) && isDir.boolValue)
        try OutputPath.prepareParent(of: dir.file("logs/ep.mcap"), source: "--record")
        #expect(FileManager.default.fileExists(atPath: dir.file("logs")))
        // a file where a directory must go
        #expect(FileManager.default.createFile(atPath: dir.file("f"), contents: Data()))
        #expect(throws: InputError.self) { try OutputPath.prepareDirectory(dir.file("f/sub"), source: "--out") }
        do {
            try OutputPath.prepareDirectory(dir.file("f/sub"), source: "--out")
        } catch let e as InputError {
            #expect(e.source == "--out" && e.location == dir.file("f/sub") && e.message.hasPrefix("cannot create the directory ("))
        }
    }

    @Test func fileSystemErrorsAreOneLineWithPathAndReason() throws {
        let dir = TempDir("outpath-describe")
        defer { dir.remove() }
        #expect(FileManager.default.createFile(atPath: dir.file("f"), contents: Data()))
        var thrown: (any Error)?
        do { try Data("x".utf8).write(to: URL(fileURLWithPath: dir.file("f/x.txt"))) } catch { thrown = error }
        let error = try #require(thrown)
        let text = try #require(OutputPath.describe(error))
        #expect(text.hasPrefix(dir.file("f")))
        #expect(!text.contains("Domain="))
        #expect(OutputPath.describe(InputError("x", "y")) == nil)
    }

    @Test func inputFilesSayMissingDirectoryOrRead() throws {
        let dir = TempDir("inputfile")
        defer { dir.remove() }
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: dir.file("x.bin")))
        #expect(try InputFile.read(dir.file("x.bin"), as: "a checkpoint") == Data([1, 2, 3]))
        #expect { _ = try InputFile.read(dir.file("none.bin"), as: "a checkpoint") } throws: {
            ($0 as? InputError) == InputError(dir.file("none.bin"), "no such file (expected a checkpoint)")
        }
        #expect { _ = try InputFile.read(dir.path, as: "a checkpoint", display: "run/") } throws: {
            ($0 as? InputError) == InputError("run/", "is a directory, not a checkpoint")
        }
    }

    @Test func settingsRangeCheckThrowsAtTheKeysJSONPath() throws {
        let need = SettingsRangeCheck(source: "run.json")
        try need(true, "epochs", 3)
        #expect { try need(false, "training.epochs", -1) } throws: { e in
            let i = e as? InputError
            return i?.source == "run.json" && i?.location == "$.training.epochs" && i?.message == "out of range: -1"
        }
        let bare = SettingsRangeCheck(source: "settings", prefix: "")
        #expect { try bare(false, "controlRate", 0) } throws: { ($0 as? InputError)?.location == "controlRate" }
    }

    /// Count and buffer-size limits: products are checked step by step, so factors whose product
    /// overflows Int are refused instead of trapping (docs/fuzzing.md, findings 8 and 12).
    @Test func countAndSizeLimitsNeverOverflow() throws {
        #expect(SettingsRangeCheck.product([1000, 1000, 48, 64]) == 3_072_000_000)
        #expect(SettingsRangeCheck.product([]) == 1)
        #expect(SettingsRangeCheck.product([Int.max, 2]) == nil)
        #expect(SettingsRangeCheck.product([1 << 32, 1 << 32, 0]) == nil)
        #expect(SettingsRangeCheck.product([0, Int.max]) == 0)
        #expect(SettingsRangeCheck.product([3, -1]) == nil)
        #expect(SettingsRangeCheck.product([1 << 20, 1 << 20]) == 1 << 40)
        #expect(SettingsRangeCheck.product([1 << 20, 1 << 20, 2]) == nil)
        #expect(SettingsRangeCheck.product([101, 100], limit: 10_000) == nil)
        let need = SettingsRangeCheck(source: "run.json")
        try need.size("samples", [1000, 1000, 48, 64], "image bytes")
        #expect { try need.size("samples", [Int.max, Int.max], "image bytes") } throws: { e in
            let i = e as? InputError
            return i?.location == "$.samples" && i?.message == "out of range: \(Int.max) x \(Int.max) image bytes (at most 2^40)"
        }
        try need.counts(["worlds": 10, "epochs": SettingsRangeCheck.maxCount])
        #expect { try need.counts(["worlds": 10, "epochs": Int.max]) } throws: { e in
            let i = e as? InputError
            return i?.location == "$.epochs" && i?.message == "out of range: \(Int.max) (at most 1000000)"
        }
        let first = try #require(SettingsRangeCheck.excessCount(["a": 5, "b": 2_000_000, "c": 3_000_000]))
        #expect(first.key == "b" && first.value == 2_000_000)
    }
}
