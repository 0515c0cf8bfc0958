import Foundation
import Synchronization

/// Progress for long work, written to stderr.
///
/// On a terminal it draws a bar with rate and ETA, redrawn at most 10 times a second; otherwise
/// (CI, pipes, logs) it prints a plain status line at most every `plainInterval` seconds. Time
/// comes from the injected `clock` so tests are deterministic. Safe to call from many threads.
///
/// ```swift
/// let progress = Progress(label: "collect", total: 14_400, unit: "steps")
/// for _ in 0..<14_400 { progress.advance() }
/// progress.finish()
/// ```
public final class Progress: Sendable {
    /// Where the lines go and whether it is a terminal.
    public struct Sink: Sendable {
        public var isTerminal: Bool
        public var write: @Sendable (String) -> Void
        public init(isTerminal: Bool, write: @escaping @Sendable (String) -> Void) {
            self.isTerminal = isTerminal
            self.write = write
        }
        /// Standard error, terminal-detected.
        public static var standardError: Sink {
            Sink(isTerminal: isatty(2) != 0) { s in FileHandle.standardError.write(Data(s.utf8)) }
        }
        /// Discards everything (quiet mode).
        public static let silent = Sink(isTerminal: false) { _ in }
    }

    struct State {
        var done = 0
        var lastDraw = -Double.infinity
        var finished = false
        var note = ""
    }

    public let label: String
    public let total: Int
    public let unit: String
    let sink: Sink
    let clock: @Sendable () -> Double
    let start: Double
    let plainInterval: Double
    let state = Mutex(State())

    /// - Parameters:
    ///   - total: units of work expected (0 when unknown: no bar, no ETA).
    ///   - clock: seconds from any fixed origin; defaults to a monotonic clock.
    public init(label: String, total: Int, unit: String = "it", sink: Sink = .standardError,
                plainInterval: Double = 5, clock: (@Sendable () -> Double)? = nil) {
        self.label = label
        self.total = max(0, total)
        self.unit = unit
        self.sink = sink
        self.plainInterval = plainInterval
        let c = clock ?? Progress.monotonicSeconds
        self.clock = c
        self.start = c()
    }

    @Sendable public static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Records `n` more units done, optionally with a short note ("loss 0.31").
    public func advance(by n: Int = 1, note: String? = nil) {
        let now = clock()
        let line: String? = state.withLock { s in
            s.done += n
            if let note { s.note = note }
            let interval = sink.isTerminal ? 0.1 : plainInterval
            guard now - s.lastDraw >= interval else { return nil }
            s.lastDraw = now
            return render(done: s.done, note: s.note, now: now, final: false)
        }
        if let line { sink.write(line) }
    }

    /// Sets a note without advancing.
    public func note(_ text: String) { advance(by: 0, note: text) }

    /// Prints the final line (always, once).
    public func finish(note: String? = nil) {
        let now = clock()
        let line: String? = state.withLock { s in
            guard !s.finished else { return nil }
            s.finished = true
            if let note { s.note = note }
            return render(done: s.done, note: s.note, now: now, final: true)
        }
        if let line { sink.write(line) }
    }

    /// Units done so far.
    public var done: Int { state.withLock { $0.done } }

    func render(done: Int, note: String, now: Double, final: Bool) -> String {
        let elapsed = max(now - start, 1e-9)
        let rate = Double(done) / elapsed
        let rateText = Progress.format(rate) + " \(unit)/s"
        var eta = ""
        if total > 0, !final, rate > 0 {
            eta = " ETA " + Progress.formatDuration(Double(max(0, total - done)) / rate)
        }
        let count = total > 0 ? "\(done)/\(total)" : "\(done)"
        let tail = note.isEmpty ? "" : "  \(note)"
        if sink.isTerminal {
            var bar = ""
            if total > 0 {
                let width = 24
                let filled = min(width, Int(Double(width) * Double(done) / Double(total)))
                bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            }
            let text = "\r\u{1B}[2K\(label) \(bar)\(count) \(rateText)\(eta)\(tail)"
            return final ? text + " (" + Progress.formatDuration(elapsed) + ")\n" : text
        }
        let pct = total > 0 ? String(format: " (%.0f%%)", 100 * Double(done) / Double(total)) : ""
        let suffix = final ? " done in " + Progress.formatDuration(elapsed) : eta
        return "\(label): \(count)\(pct) \(rateText)\(suffix)\(tail)\n"
    }

    static func format(_ x: Double) -> String {
        if x >= 1e6 { return String(format: "%.2fM", x / 1e6) }
        if x >= 1e4 { return String(format: "%.1fk", x / 1e3) }
        if x >= 100 { return String(format: "%.0f", x) }
        return String(format: "%.2f", x)
    }

    /// "42s", "3m07s", "1h02m".
    public static func formatDuration(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        let t = Int(s.rounded())
        if t < 60 { return "\(t)s" }
        if t < 3600 { return String(format: "%dm%02ds", t / 60, t % 60) }
        return String(format: "%dh%02dm", t / 3600, (t % 3600) / 60)
    }
}
