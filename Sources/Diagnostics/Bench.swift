import Foundation

/// One benchmark figure. Written to `--json` files as
/// `{"suite", "metric", "value", "unit", ...extra}`.
public struct BenchRecord: Sendable, Equatable {
    public var suite: String
    public var metric: String
    public var value: Double
    public var unit: String
    /// Extra context (threads, resolution, world, peer name...), flattened into the JSON object.
    public var extra: [String: String]

    public init(suite: String, metric: String, value: Double, unit: String, extra: [String: String] = [:]) {
        self.suite = suite
        self.metric = metric
        self.value = value
        self.unit = unit
        self.extra = extra
    }

    /// The record as one JSON object.
    public var jsonObject: [String: Any] {
        var o: [String: Any] = extra
        o["suite"] = suite
        o["metric"] = metric
        o["value"] = value.isFinite ? value : 0
        o["unit"] = unit
        return o
    }
}

/// A named group of benchmarks (`swiftlet bench physics`). Modules expose their own suite; the
/// CLI lists them.
public struct BenchSuite: Sendable {
    public var name: String
    public var summary: String
    public var run: @Sendable (BenchOptions) throws -> [BenchRecord]

    public init(name: String, summary: String, run: @escaping @Sendable (BenchOptions) throws -> [BenchRecord]) {
        self.name = name
        self.summary = summary
        self.run = run
    }
}

/// Knobs every suite honours.
public struct BenchOptions: Sendable {
    /// Scale factor on measurement time (0.1 for a smoke run, 1 normal).
    public var timeScale: Double
    /// Run the Python peer scripts in tools/ when present and their packages are installed.
    public var runPeers: Bool
    /// Repository root (for tools/ and Worlds/).
    public var root: String
    /// Progress/status output.
    public var log: @Sendable (String) -> Void

    public init(timeScale: Double = 1, runPeers: Bool = true, root: String = ".",
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.timeScale = timeScale
        self.runPeers = runPeers
        self.root = root
        self.log = log
    }
}

/// Timing helpers for benchmarks (never for tests).
public enum Stopwatch {
    /// Seconds on a monotonic clock.
    public static func now() -> Double { Progress.monotonicSeconds() }

    /// CPU seconds (user + system) of the calling thread so far: on a host shared with other
    /// work, the cost of a one-thread job independently of how long it waited for a core.
    public static func threadCPUSeconds() -> Double { cpuSeconds(CLOCK_THREAD_CPUTIME_ID) }

    /// CPU seconds (user + system) of every thread of the process so far.
    public static func processCPUSeconds() -> Double { cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) }

    static func cpuSeconds(_ clock: clockid_t) -> Double {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return Double(ts.tv_sec) + 1e-9 * Double(ts.tv_nsec)
    }

    /// Runs `body` (which does `batch` units of work per call) repeatedly for at least
    /// `seconds` after one warm-up call, and returns units per second (best of `rounds`).
    public static func rate(seconds: Double, rounds: Int = 3, batch: Int, _ body: () -> Void) -> Double {
        body()
        var best = 0.0
        for _ in 0..<max(1, rounds) {
            var n = 0
            let t0 = now()
            var t = t0
            repeat {
                body()
                n += 1
                t = now()
            } while t - t0 < seconds / Double(max(1, rounds))
            best = max(best, Double(n * batch) / (t - t0))
        }
        return best
    }

    /// `rate` of `body` together with its calls (warm-up included) per CPU-second of the calling
    /// thread over the same run, and the number of calls: the second is a one-thread job's cost
    /// whatever the host's load.
    public static func rates(seconds: Double, rounds: Int = 3, batch: Int = 1,
                             _ body: () -> Void) -> (perSecond: Double, perCPUSecond: Double, calls: Int) {
        var calls = 0
        let cpu0 = threadCPUSeconds()
        let wall = rate(seconds: seconds, rounds: rounds, batch: batch) {
            body()
            calls += 1
        }
        return (wall, Double(calls * batch) / (threadCPUSeconds() - cpu0), calls)
    }

    /// Median wall time in seconds of `body` over `repeats` calls after one warm-up.
    public static func median(repeats: Int, _ body: () -> Void) -> Double {
        body()
        var times: [Double] = []
        for _ in 0..<max(1, repeats) {
            let t0 = now()
            body()
            times.append(now() - t0)
        }
        times.sort()
        return times[times.count / 2]
    }
}

/// Formatting and writing of bench results.
public enum BenchReport {
    /// A fixed-width table: suite, metric, value, unit, extra.
    public static func table(_ records: [BenchRecord]) -> String {
        let rows = records.map { r -> [String] in
            let extra = r.extra.keys.sorted().map { "\($0)=\(r.extra[$0]!)" }.joined(separator: " ")
            return [r.suite, r.metric, formatValue(r.value), r.unit, extra]
        }
        return columns(header: ["suite", "metric", "value", "unit", "notes"], rows: rows, rightAligned: [2])
    }

    /// Fixed-width text columns two spaces apart under a header and a dashed rule; the columns in
    /// `rightAligned` are right-aligned, the others left-aligned; each line ends trimmed.
    static func columns(header: [String], rows: [[String]], rightAligned: Set<Int>) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                rightAligned.contains(i) ? String(repeating: " ", count: widths[i] - c.count) + c
                                         : c + String(repeating: " ", count: widths[i] - c.count)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line))
            .joined(separator: "\n") + "\n"
    }

    static func formatValue(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(format: "%.0f", v) }
        if abs(v) >= 100 { return String(format: "%.1f", v) }
        if abs(v) >= 1 { return String(format: "%.3f", v) }
        return String(format: "%.4g", v)
    }

    /// JSON array of records, pretty-printed with sorted keys.
    public static func json(_ records: [BenchRecord]) throws -> Data {
        try JSONSerialization.data(withJSONObject: records.map(\.jsonObject),
                                   options: [.prettyPrinted, .sortedKeys])
    }
}
