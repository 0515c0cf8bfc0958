import Foundation

/// Which way a bench figure improves, read from its unit: rates (`.../s`, `.../cpu-s`) and
/// ratios (`x`) up; times (`ns`, `us`, `ms`, `s`), sizes (`B`, `kB`, `MB`) and overheads (`%...`)
/// down; anything else has no direction and gets no verdict.
public enum BenchDirection: Sendable, Equatable {
    case higherIsBetter, lowerIsBetter, unknown

    public init(unit: String) {
        let u = unit.trimmingCharacters(in: .whitespaces)
        if u.hasSuffix("/s") || u.hasSuffix("/cpu-s") || u == "x" {
            self = .higherIsBetter
        } else if ["ns", "us", "ms", "s", "B", "kB", "MB"].contains(u) || u.hasPrefix("%") {
            self = .lowerIsBetter
        } else {
            self = .unknown
        }
    }
}

/// Names one figure across runs: suite, metric, the `threads` note when present, and which
/// occurrence of that triple it is in run order (a suite that measures one metric at several
/// image sizes or layouts emits it several times, always in the same order).
public struct BenchKey: Hashable, Sendable, CustomStringConvertible {
    public var suite: String
    public var metric: String
    public var threads: String?
    public var occurrence: Int

    public var description: String {
        var s = "\(suite) \(metric)"
        if let threads { s += " [\(threads) thr]" }
        if occurrence > 0 { s += " #\(occurrence + 1)" }
        return s
    }

    /// The records of one run with their keys, in run order.
    public static func keyed(_ records: [BenchRecord]) -> [(key: BenchKey, record: BenchRecord)] {
        var seen: [BenchKey: Int] = [:]
        return records.map { r in
            var k = BenchKey(suite: r.suite, metric: r.metric, threads: r.extra["threads"], occurrence: 0)
            k.occurrence = seen[k, default: 0]
            seen[k, default: 0] += 1
            return (k, r)
        }
    }
}

/// Two sets of runs of the same suites compared figure by figure: a baseline (an older binary, or
/// a saved `--json` file) and a candidate (this binary), each run `rounds` times, paired by round.
///
/// For each figure present on both sides: both sides' medians and ranges, the ratio of medians
/// (candidate / baseline) and the per-round ratios. The verdict reads the per-round ratios in the
/// figure's better direction: "better" when every round improved, "worse" when every round
/// regressed, "mixed" when rounds disagree (the difference is within the machine's noise), "same"
/// when every round gave the identical value (sizes, ratios of deterministic output). On a
/// shared machine only paired, alternated rounds make a ratio meaningful, which is why rounds are
/// kept apart rather than pooled.
public struct BenchComparison: Sendable {
    public struct Row: Sendable {
        public var key: BenchKey
        public var unit: String
        public var direction: BenchDirection
        /// Values per round (baseline, candidate); a round whose run lacks the figure is absent.
        public var baseline: [Double]
        public var candidate: [Double]
        /// candidate / baseline per paired round (rounds where both sides have the figure).
        public var roundRatios: [Double]

        public var baselineMedian: Double { Self.median(baseline) }
        public var candidateMedian: Double { Self.median(candidate) }
        /// candidate median / baseline median (nan when the baseline median is 0).
        public var ratio: Double { baselineMedian == 0 ? .nan : candidateMedian / baselineMedian }

        /// The ratio oriented so that > 1 is an improvement (nan without a direction).
        public func gain(_ r: Double) -> Double {
            switch direction {
            case .higherIsBetter: return r
            case .lowerIsBetter: return r == 0 ? .nan : 1 / r
            case .unknown: return .nan
            }
        }

        public enum Verdict: String, Sendable { case better, worse, mixed, same, none = "-" }

        public var verdict: Verdict {
            if !roundRatios.isEmpty && roundRatios.allSatisfy({ $0 == 1 }) { return .same }
            let gains = roundRatios.map(gain)
            guard !gains.isEmpty, gains.allSatisfy({ $0.isFinite }) else { return .none }
            if gains.allSatisfy({ $0 > 1 }) { return .better }
            if gains.allSatisfy({ $0 < 1 }) { return .worse }
            return .mixed
        }

        static func median(_ v: [Double]) -> Double {
            guard !v.isEmpty else { return .nan }
            let s = v.sorted()
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
    }

    public private(set) var rows: [Row] = []
    /// Figures only one side produced (e.g. a suite entry added since the baseline).
    public private(set) var onlyBaseline: [BenchKey] = []
    public private(set) var onlyCandidate: [BenchKey] = []
    public let rounds: Int

    /// `baseline[i]` and `candidate[i]` are round i's records of each side. Rows follow the
    /// candidate's first run order, then figures that first appear in later rounds.
    public init(baseline: [[BenchRecord]], candidate: [[BenchRecord]]) {
        precondition(baseline.count == candidate.count && !baseline.isEmpty,
                     "BenchComparison needs the same positive number of rounds on both sides")
        rounds = baseline.count
        let base = baseline.map { Dictionary(BenchKey.keyed($0).map { ($0.key, $0.record) }, uniquingKeysWith: { a, _ in a }) }
        let cand = candidate.map { Dictionary(BenchKey.keyed($0).map { ($0.key, $0.record) }, uniquingKeysWith: { a, _ in a }) }
        var order: [BenchKey] = []
        var listed = Set<BenchKey>()
        for run in candidate + baseline {
            for (k, _) in BenchKey.keyed(run) where listed.insert(k).inserted { order.append(k) }
        }
        for k in order {
            let inBase = base.contains { $0[k] != nil }, inCand = cand.contains { $0[k] != nil }
            guard inBase && inCand else {
                if inBase { onlyBaseline.append(k) } else { onlyCandidate.append(k) }
                continue
            }
            let unit = (cand.lazy.compactMap { $0[k] }.first ?? base.lazy.compactMap { $0[k] }.first!).unit
            var row = Row(key: k, unit: unit, direction: BenchDirection(unit: unit), baseline: [], candidate: [], roundRatios: [])
            for i in 0..<rounds {
                let b = base[i][k]?.value, c = cand[i][k]?.value
                if let b { row.baseline.append(b) }
                if let c { row.candidate.append(c) }
                if let b, let c, b != 0 { row.roundRatios.append(c / b) }
            }
            rows.append(row)
        }
    }

    /// A fixed-width table: figure, unit, both medians with their ranges, the ratio of medians,
    /// the per-round ratio range and the verdict; then the figures only one side has.
    public func table(baselineName: String = "baseline", candidateName: String = "candidate") -> String {
        func value(_ v: [Double]) -> String {
            guard let lo = v.min(), let hi = v.max() else { return "-" }
            let m = BenchReport.formatValue(Row.median(v))
            return lo == hi ? m : "\(m) [\(BenchReport.formatValue(lo))-\(BenchReport.formatValue(hi))]"
        }
        func ratio(_ r: Double) -> String { r.isFinite ? String(format: "%.3f", r) : "-" }
        let header = ["figure", "unit", baselineName, candidateName, "ratio", "per round", "verdict"]
        let lines = rows.map { r -> [String] in
            let perRound = r.roundRatios.isEmpty ? "-"
                : r.roundRatios.count == 1 ? ratio(r.roundRatios[0])
                : "\(ratio(r.roundRatios.min()!))-\(ratio(r.roundRatios.max()!))"
            return [r.key.description, r.unit, value(r.baseline), value(r.candidate), ratio(r.ratio), perRound, r.verdict.rawValue]
        }
        var out = [String(BenchReport.columns(header: header, rows: lines, rightAligned: [2, 3, 4, 5]).dropLast())]
        let counts = [Row.Verdict.better, .worse, .mixed, .same].map { v in "\(rows.filter { $0.verdict == v }.count) \(v.rawValue)" }
        out.append("\(rows.count) figures over \(rounds) paired round\(rounds == 1 ? "" : "s"): " + counts.joined(separator: ", ")
                   + " (ratio = \(candidateName) / \(baselineName); verdict: every round on the same side of 1 in the figure's better direction"
                   + (rounds > 1 ? String(format: "; pure noise still gets better or worse with probability %.3g", pow(0.5, Double(rounds - 1))) : "")
                   + ")")
        if !onlyBaseline.isEmpty { out.append("only in \(baselineName): " + onlyBaseline.map(\.description).joined(separator: "; ")) }
        if !onlyCandidate.isEmpty { out.append("only in \(candidateName): " + onlyCandidate.map(\.description).joined(separator: "; ")) }
        return out.joined(separator: "\n") + "\n"
    }
}

extension BenchReport {
    /// Reads records written by `--json` (an array of objects with `suite`, `metric`, `value`,
    /// `unit` and string or number extras). Errors name `source` and the record's index.
    public static func records(json bytes: [UInt8], source: String) throws -> [BenchRecord] {
        let root = try JSONValue.parse(bytes, source: source)
        guard let items = root.array else { throw InputError(source, "expected a JSON array of bench records, got \(root.brief)") }
        return try items.enumerated().map { i, item in
            let at = "$[\(i)]"
            guard let o = item.object else { throw InputError(source, at: at, "expected an object, got \(item.brief)") }
            func text(_ key: String) throws -> String {
                guard let s = o[key]?.string, !s.isEmpty else {
                    throw InputError(source, at: "\(at).\(key)", "missing or not a non-empty string: \(o[key]?.brief ?? "absent")")
                }
                return s
            }
            guard let value = o["value"]?.double, value.isFinite else {
                throw InputError(source, at: "\(at).value", "missing or not a finite number: \(o["value"]?.brief ?? "absent")")
            }
            var extra: [String: String] = [:]
            for (k, v) in o where !["suite", "metric", "value", "unit"].contains(k) {
                switch v {
                case .string(let s): extra[k] = s
                case .number(let t): extra[k] = t
                case .bool(let b): extra[k] = String(b)
                default: throw InputError(source, at: "\(at).\(k)", "expected a string or number note, got \(v.brief)")
                }
            }
            return BenchRecord(suite: try text("suite"), metric: try text("metric"), value: value, unit: try text("unit"), extra: extra)
        }
    }
}

/// The two sides of an A/B bench run.
public enum BenchSide: String, Sendable, CaseIterable {
    case baseline, candidate
}

extension BenchComparison {
    /// Runs `rounds` paired rounds, alternating which side goes first (round 0 baseline first,
    /// round 1 candidate first, ...), so a drift in the machine's load over the run falls on both
    /// sides alike, and compares them. `run(side, round)` returns that run's records.
    public static func alternating(rounds: Int, run: (BenchSide, Int) throws -> [BenchRecord]) rethrows -> BenchComparison {
        precondition(rounds > 0, "alternating needs at least one round")
        var base: [[BenchRecord]] = [], cand: [[BenchRecord]] = []
        for i in 0..<rounds {
            let order: [BenchSide] = i % 2 == 0 ? [.baseline, .candidate] : [.candidate, .baseline]
            var got: [BenchSide: [BenchRecord]] = [:]
            for side in order { got[side] = try run(side, i) }
            base.append(got[.baseline]!)
            cand.append(got[.candidate]!)
        }
        return BenchComparison(baseline: base, candidate: cand)
    }
}
