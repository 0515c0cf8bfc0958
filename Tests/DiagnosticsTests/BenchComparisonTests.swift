import Diagnostics
import Foundation
import Testing

/// `swiftlet bench --against/--compare`: matching figures across runs, ratios, verdicts, the
/// alternating round order and reading saved records back.
@Suite struct BenchComparisonTests {
    static func rec(_ suite: String, _ metric: String, _ value: Double, _ unit: String, threads: String? = nil,
                    extra: [String: String] = [:]) -> BenchRecord {
        var e = extra
        if let threads { e["threads"] = threads }
        return BenchRecord(suite: suite, metric: metric, value: value, unit: unit, extra: e)
    }

    @Test func directionFollowsTheUnit() {
        for u in ["steps/s", "frames/s", "MB/s", "vehicle-steps/s", "samples/cpu-s", "x"] {
            #expect(BenchDirection(unit: u) == .higherIsBetter, "\(u)")
        }
        for u in ["ms", "us", "ns", "s", "B", "kB", "% CPU", "% wall"] {
            #expect(BenchDirection(unit: u) == .lowerIsBetter, "\(u)")
        }
        for u in ["episodes", "fits", "steps", ""] { #expect(BenchDirection(unit: u) == .unknown, "\(u)") }
    }

    /// Repeated (suite, metric, threads) triples are told apart by their order; threads separate.
    @Test func keysCountOccurrencesPerThreadCount() {
        let run = [Self.rec("render", "64x64 frames/s", 1, "frames/s", threads: "1"),
                   Self.rec("render", "64x64 frames/s", 2, "frames/s", threads: "2"),
                   Self.rec("render", "64x64 frames/s", 3, "frames/s", threads: "1"),
                   Self.rec("physics", "step", 4, "steps/s")]
        let keys = BenchKey.keyed(run).map(\.key)
        #expect(keys.map(\.occurrence) == [0, 0, 1, 0])
        #expect(Set(keys).count == 4)
        #expect(keys[2].description == "render 64x64 frames/s [1 thr] #2")
        #expect(keys[3].description == "physics step")
    }

    @Test func ratiosMediansAndVerdicts() {
        // three paired rounds; per figure (baseline, candidate) values
        let figures: [(String, String, [(Double, Double)])] = [
            ("fast", "steps/s", [(100, 110), (90, 120), (100, 101)]),   // better every round
            ("slow", "steps/s", [(100, 90), (100, 99), (80, 70)]),      // worse every round
            ("noisy", "steps/s", [(100, 110), (100, 95), (100, 100)]),  // disagrees
            ("time", "ms", [(10, 8), (10, 9), (12, 11)]),               // lower is better: better
            ("size", "B", [(500, 500), (500, 500), (500, 500)]),        // identical: same
            ("count", "episodes", [(3, 4), (3, 4), (3, 4)]),            // no direction: no verdict
        ]
        let base = (0..<3).map { i in figures.map { Self.rec("s", $0.0, $0.2[i].0, $0.1) } }
        let cand = (0..<3).map { i in figures.map { Self.rec("s", $0.0, $0.2[i].1, $0.1) } }
        let c = BenchComparison(baseline: base, candidate: cand)
        #expect(c.rounds == 3)
        #expect(c.rows.map(\.key.metric) == figures.map(\.0))
        #expect(c.rows.map(\.verdict) == [.better, .worse, .mixed, .better, .same, .none])
        let fast = c.rows[0]
        #expect(fast.baselineMedian == 100 && fast.candidateMedian == 110)
        #expect(fast.ratio == 1.1)
        #expect(fast.roundRatios == [1.1, 120.0 / 90, 1.01])
        #expect(c.rows[3].gain(0.8) == 1.25)
        let table = c.table(baselineName: "old", candidateName: "new")
        #expect(table.contains("6 figures over 3 paired rounds: 2 better, 1 worse, 1 mixed, 1 same"))
        #expect(table.contains("pure noise still gets better or worse with probability 0.25"))
        #expect(table.contains("old") && table.contains("new"))
        #expect(table.contains("110 [101-120]"))
    }

    /// A figure only one side has is listed apart; a round missing a figure drops out of its ratios.
    @Test func figuresOnOneSideAndMissingRounds() {
        let base = [[Self.rec("a", "x", 10, "steps/s"), Self.rec("a", "old only", 1, "ms")],
                    [Self.rec("a", "x", 10, "steps/s")]]
        let cand = [[Self.rec("a", "x", 12, "steps/s"), Self.rec("a", "new only", 1, "ms")],
                    [Self.rec("a", "new only", 2, "ms")]]
        let c = BenchComparison(baseline: base, candidate: cand)
        #expect(c.rows.count == 1)
        #expect(c.rows[0].baseline == [10, 10] && c.rows[0].candidate == [12])
        #expect(c.rows[0].roundRatios == [1.2])
        #expect(c.onlyBaseline.map(\.metric) == ["old only"])
        #expect(c.onlyCandidate.map(\.metric) == ["new only"])
        let table = c.table()
        #expect(table.contains("only in baseline: a old only"))
        #expect(table.contains("only in candidate: a new only"))
    }

    /// Rounds alternate which side runs first, and records are paired by round.
    @Test func alternatingOrderAndPairing() {
        var calls: [String] = []
        let c = BenchComparison.alternating(rounds: 3) { side, round in
            calls.append("\(side.rawValue.prefix(1))\(round)")
            let v = Double(round + 1) * (side == .baseline ? 10 : 11)
            return [Self.rec("s", "m", v, "steps/s")]
        }
        #expect(calls == ["b0", "c0", "c1", "b1", "b2", "c2"])
        #expect(c.rows[0].baseline == [10, 20, 30])
        #expect(c.rows[0].candidate == [11, 22, 33])
        #expect(c.rows[0].roundRatios.allSatisfy { abs($0 - 1.1) < 1e-12 })
    }

    /// What `--json` writes reads back as the same records; bad files name the record and key.
    @Test func savedRecordsReadBack() throws {
        let records = [Self.rec("physics", "step", 8_840_000.5, "steps/s", threads: "1", extra: ["robot": "cf2x"]),
                       Self.rec("record", "lz4_ratio", 4.621, "x")]
        let data = try BenchReport.json(records)
        #expect(try BenchReport.records(json: [UInt8](data), source: "b.json") == records)
        func error(_ text: String) -> String {
            do {
                _ = try BenchReport.records(json: Array(text.utf8), source: "b.json")
                return ""
            } catch { return "\(error)" }
        }
        #expect(error("{}").contains("expected a JSON array"))
        #expect(error("[1]").contains("$[0]"))
        #expect(error(#"[{"suite":"a","metric":"m","value":1,"unit":"ms"},{"suite":"a","metric":"m","unit":"ms"}]"#)
            .contains("$[1].value"))
        #expect(error(#"[{"suite":"","metric":"m","value":1,"unit":"ms"}]"#).contains("$[0].suite"))
        #expect(error(#"[{"suite":"a","metric":"m","value":1,"unit":"ms","threads":[2]}]"#).contains("$[0].threads"))
        #expect(error("[").contains("b.json"))
    }
}
