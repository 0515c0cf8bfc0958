import Diagnostics
import Foundation
import Synchronization
import Testing

final class Lines: Sendable {
    let store = Mutex<[String]>([])
    func append(_ s: String) { store.withLock { $0.append(s) } }
    var all: [String] { store.withLock { $0 } }
}

final class FakeClock: Sendable {
    let t = Mutex(0.0)
    func advance(_ dt: Double) { t.withLock { $0 += dt } }
    var now: Double { t.withLock { $0 } }
}

@Suite struct ProgressTests {
    @Test func plainModePrintsAtIntervalWithRateAndETA() {
        let lines = Lines(), clock = FakeClock()
        let p = Progress(label: "collect", total: 100, unit: "steps",
                         sink: .init(isTerminal: false, write: lines.append), plainInterval: 5,
                         clock: { clock.now })
        for _ in 0..<100 {
            clock.advance(0.125)  // exact in binary
            p.advance()
        }
        p.finish()
        // t = 0.125 (first), then every 5 s of fake time: t = 5.125 (41 done), 10.125 (81 done); finish line
        #expect(lines.all.count == 4)
        #expect(lines.all[0].hasPrefix("collect: 1/100 (1%)"))
        #expect(lines.all[1].contains("41/100"))
        #expect(lines.all[1].contains("8.00 steps/s"))
        #expect(lines.all[1].contains("ETA 7s"))
        #expect(lines.all[2].contains("81/100"))
        #expect(lines.all[3].contains("100/100 (100%)") && lines.all[3].contains("done in 13s"))
        p.finish()
        #expect(lines.all.count == 4)
    }

    @Test func terminalModeDrawsABar() {
        let lines = Lines(), clock = FakeClock()
        let p = Progress(label: "train", total: 10, sink: .init(isTerminal: true, write: lines.append),
                         clock: { clock.now })
        clock.advance(1)
        p.advance(by: 5, note: "loss 0.5")
        #expect(lines.all.last!.contains("[############............] 5/10"))
        #expect(lines.all.last!.contains("loss 0.5"))
        #expect(lines.all.last!.hasPrefix("\r"))
    }

    @Test func durationFormatting() {
        #expect(Progress.formatDuration(42) == "42s")
        #expect(Progress.formatDuration(187) == "3m07s")
        #expect(Progress.formatDuration(3720) == "1h02m")
    }
}

@Suite struct BenchReportTests {
    @Test func jsonHasRequiredKeysAndExtras() throws {
        let r = [BenchRecord(suite: "physics", metric: "steps_per_s", value: 1234.5, unit: "steps/s",
                             extra: ["threads": "1"])]
        let data = try BenchReport.json(r)
        let obj = try JSONSerialization.jsonObject(with: data) as! [[String: Any]]
        #expect(obj.count == 1)
        #expect(obj[0]["suite"] as? String == "physics")
        #expect(obj[0]["metric"] as? String == "steps_per_s")
        #expect(obj[0]["value"] as? Double == 1234.5)
        #expect(obj[0]["unit"] as? String == "steps/s")
        #expect(obj[0]["threads"] as? String == "1")
        let table = BenchReport.table(r)
        #expect(table.contains("physics") && table.contains("1234.5") && table.contains("threads=1"))
    }

    @Test func atomicWriteReplacesWholeFile() throws {
        let path = "/tmp/swiftlet-atomic-\(getpid()).txt"
        try AtomicFile.write("first version", to: path)
        try AtomicFile.write("second", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter { $0.contains(".swiftlet-atomic-\(getpid())") }
        #expect(leftovers.isEmpty)
        try FileManager.default.removeItem(atPath: path)
    }
}
