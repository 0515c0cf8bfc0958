import ArgumentParser
import Diagnostics
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed: prints a table and optionally writes JSON records.",
        discussion: "Suites: " + BenchCatalog.all.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")
    )

    @Argument(help: "Suites to run (default: all).")
    var suites: [String] = []

    @Option(help: "Write the records as JSON to this file.")
    var json: String?

    @Option(help: "Scale measurement time (0.1 = quick smoke run).")
    var timeScale: Double = 1

    @Flag(help: "Skip the Python peer comparisons in tools/.")
    var noPeers = false

    @Flag(help: "List the suites and exit.")
    var list = false

    @Option(help: ArgumentHelp("A/B against another swiftlet binary: run the suites alternately in BINARY and in this binary (each as a fresh process, peers off) and print every figure's ratio.", valueName: "BINARY"))
    var against: String?

    @Option(help: "Paired rounds for --against (alternating which side runs first; default 5).")
    var rounds: Int?

    @Option(help: ArgumentHelp("Compare this run with records saved by an earlier --json run.", valueName: "FILE"))
    var compare: String?

    func validate() throws {
        guard timeScale > 0 && timeScale <= 100 else { throw ValidationError("--time-scale: must be in (0, 100], got \(timeScale)") }
        if let rounds {
            guard against != nil else { throw ValidationError("--rounds: only applies with --against") }
            guard (1...20).contains(rounds) else { throw ValidationError("--rounds: must be in 1...20, got \(rounds)") }
        }
        if against != nil && compare != nil { throw ValidationError("--against and --compare cannot be combined") }
        if list && (against != nil || compare != nil) { throw ValidationError("--list cannot be combined with --against or --compare") }
    }

    func run() throws {
        if list {
            for s in BenchCatalog.all { print("\(s.name)\t\(s.summary)") }
            return
        }
        let chosen = try BenchCatalog.select(suites)
        if let json { try OutputPath.prepareParent(of: json, source: "--json") }
        if let against { return try runAB(against: against, chosen: chosen) }
        let saved = try compare.map { path in
            try BenchReport.records(json: [UInt8](try InputFile.read(path, as: "bench records", display: "--compare \(path)")), source: path)
        }
        let options = BenchOptions(timeScale: timeScale, runPeers: !noPeers, root: BundledResource.isCheckout(FileManager.default.currentDirectoryPath) ? FileManager.default.currentDirectoryPath : (BundledResource.root ?? FileManager.default.currentDirectoryPath),
                                   log: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
        var records: [BenchRecord] = []
        for suite in chosen {
            options.log("bench \(suite.name): running")
            let r = try suite.run(options)
            print(BenchReport.table(r), terminator: "")
            records += r
        }
        if chosen.count > 1 { print("\nall suites:\n" + BenchReport.table(records), terminator: "") }
        if let json { try AtomicFile.write(try BenchReport.json(records), to: json) }
        if let saved, let compare {
            let ran = Set(chosen.map(\.name))  // a saved file of more suites than this run compares what ran
            let c = BenchComparison(baseline: [saved.filter { ran.contains($0.suite) }], candidate: [records])
            print("\ncompared with \(compare):\n" + c.table(baselineName: "saved", candidateName: "this run"), terminator: "")
        }
    }

    /// `--against`: both sides run as child processes (`bench SUITES --json F --time-scale T
    /// --no-peers`) from the current directory, so each measures the same way; `--json` then
    /// holds every round's records of both sides, with `side` and `round` notes.
    func runAB(against: String, chosen: [BenchSuite]) throws {
        let other = URL(fileURLWithPath: against).standardizedFileURL.path
        guard FileManager.default.isExecutableFile(atPath: other) else {
            throw InputError("--against", "\(against) is not an executable file")
        }
        guard let me = Bundle.main.executableURL?.resolvingSymlinksInPath().path else {
            throw InputError("--against", "cannot find this binary's own path to run it as a child process")
        }
        let names = suites.isEmpty ? [] : chosen.map(\.name)
        let n = rounds ?? 5
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-bench-ab-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        var all: [BenchRecord] = []
        let comparison = try BenchComparison.alternating(rounds: n) { side, round in
            let binary = side == .baseline ? other : me
            let out = scratch.appendingPathComponent("\(side.rawValue)-\(round).json").path
            let err = scratch.appendingPathComponent("\(side.rawValue)-\(round).stderr")
            log("bench A/B: round \(round + 1)/\(n), \(side.rawValue) (\(binary))")
            let p = Process()
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = ["bench"] + names + ["--json", out, "--time-scale", String(timeScale), "--no-peers"]
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            p.standardOutput = FileHandle.nullDevice
            p.standardError = try FileHandle(forWritingTo: err)
            let t0 = Stopwatch.now()
            try p.run()
            p.waitUntilExit()
            guard p.terminationReason == .exit, p.terminationStatus == 0 else {
                let tail = (try? String(contentsOf: err, encoding: .utf8))?.split(separator: "\n").last.map(String.init) ?? ""
                throw InputError("--against", "\(binary) bench exited with status \(p.terminationStatus): \(tail)")
            }
            log(String(format: "bench A/B: round %d/%d, %@ done in %.0f s", round + 1, n, side.rawValue, Stopwatch.now() - t0))
            let records = try BenchReport.records(json: [UInt8](try InputFile.read(out, as: "bench records")), source: out)
            all += records.map { r in
                var r = r
                r.extra["side"] = side.rawValue
                r.extra["round"] = String(round + 1)
                return r
            }
            return records
        }
        print("bench A/B: baseline \(other), candidate \(me), time scale \(timeScale)")
        print(comparison.table(), terminator: "")
        if let json { try AtomicFile.write(try BenchReport.json(all), to: json) }
    }
}
