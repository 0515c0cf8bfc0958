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

    func validate() throws {
        guard timeScale > 0 && timeScale <= 100 else { throw ValidationError("--time-scale: must be in (0, 100], got \(timeScale)") }
    }

    func run() throws {
        if list {
            for s in BenchCatalog.all { print("\(s.name)\t\(s.summary)") }
            return
        }
        let chosen = try BenchCatalog.select(suites)
        if let json { try OutputPath.prepareParent(of: json, source: "--json") }
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
    }
}
