import Diagnostics
import Foundation
import Geometry

/// Summary statistics and the written outputs of the HInt experiment: `hint.md` (tables and
/// verdicts), `hint-summary.csv`, `hint-episodes.csv`, `hint-success.svg`, `hint-distance.svg`.
public enum HIntReport {
    /// One (limit, method) cell.
    public struct Cell: Sendable {
        public var method: HIntMethod
        public var yawLimitDegrees: Double
        public var episodes: Int
        public var success: ConfidenceInterval
        public var distance: ConfidenceInterval
        public var collisions: Int
        /// Episodes that ended without reaching the goal or colliding (time limit or bounds).
        public var timeouts: Int = 0
        /// Fraction of control ticks whose command was at the yaw-rate limit.
        public var saturation: Double = 0
    }

    public static func cells(_ r: HIntExperimentResult) -> [Cell] {
        var out: [Cell] = []
        for limit in r.config.yawLimitsDegrees {
            for m in r.config.methods {
                let e = r.episodes.filter { $0.method == m && $0.yawLimitDegrees == limit }
                guard !e.isEmpty else { continue }
                var rng = RNG(seed: r.config.seed, stream: 0x424F_4F54)
                out.append(Cell(method: m, yawLimitDegrees: limit, episodes: e.count,
                                success: Statistics.wilsonInterval(successes: e.filter(\.success).count, trials: e.count),
                                distance: Statistics.bootstrapInterval(e.map(\.distance), rng: &rng),
                                collisions: e.filter(\.collided).count, timeouts: e.filter { !$0.success && !$0.collided }.count,
                                saturation: Double(e.map(\.saturatedTicks).reduce(0, +)) / Double(max(e.map(\.ticks).reduce(0, +), 1))))
            }
        }
        return out
    }

    /// Paired bootstrap interval of mean(success_a - success_b) over the shared episodes.
    public static func pairedSuccessDifference(_ r: HIntExperimentResult, _ a: HIntMethod, _ b: HIntMethod, limit: Double) -> ConfidenceInterval? {
        let ea = r.episodes.filter { $0.method == a && $0.yawLimitDegrees == limit }.sorted { $0.episode < $1.episode }
        let eb = r.episodes.filter { $0.method == b && $0.yawLimitDegrees == limit }.sorted { $0.episode < $1.episode }
        guard ea.count == eb.count, !ea.isEmpty else { return nil }
        let diff = zip(ea, eb).map { Double($0.success ? 1 : 0) - Double($1.success ? 1 : 0) }
        var rng = RNG(seed: r.config.seed, stream: 0x5041_4952)
        return Statistics.bootstrapInterval(diff, rng: &rng)
    }

    /// Paired bootstrap interval of how much `method`'s (default HInt's) success margin over
    /// `other` grows from the yaw-rate limit `loose` to `tight`: the mean over shared episodes
    /// of (method - other at `tight`) - (method - other at `loose`).
    public static func marginGrowth(_ r: HIntExperimentResult, of method: HIntMethod = .hint, over other: HIntMethod,
                                    from loose: Double, to tight: Double) -> ConfidenceInterval? {
        // episode -> (method success, other success); only episodes that ran both methods count
        func margins(_ limit: Double) -> [Int: Double] {
            var hint: [Int: Double] = [:], base: [Int: Double] = [:]
            for e in r.episodes where e.yawLimitDegrees == limit {
                if e.method == method { hint[e.episode] = e.success ? 1 : 0 } else if e.method == other { base[e.episode] = e.success ? 1 : 0 }
            }
            var out: [Int: Double] = [:]
            for (k, h) in hint { if let b = base[k] { out[k] = h - b } }
            return out
        }
        let l = margins(loose), t = margins(tight)
        let shared = l.keys.filter { t[$0] != nil }.sorted()
        guard !shared.isEmpty else { return nil }
        var rng = RNG(seed: r.config.seed, stream: 0x4752_4F57)
        return Statistics.bootstrapInterval(shared.map { t[$0]! - l[$0]! }, rng: &rng)
    }

    static func pct(_ c: ConfidenceInterval) -> String {
        "\(Statistics.format(100 * c.estimate, digits: 3))% [\(Statistics.format(100 * c.lower, digits: 3)), \(Statistics.format(100 * c.upper, digits: 3))]"
    }

    public static func markdown(_ r: HIntExperimentResult, command: String = "swiftlet experiment hint") -> String {
        let cs = cells(r)
        var s = "# HInt experiment\n\nCommand: `\(command)`\n\n"
        s += "Deploying robot: \(HIntExperiment.deploying.rawValue) at \(Statistics.format(r.config.settings(HIntExperiment.deploying).speed)) m/s; "
        s += "\(r.config.episodes) episodes per method and yaw-rate limit in \(r.config.evalWorlds) held-out worlds (\(r.config.evalFamilies.joined(separator: ", ")), "
        s += "seeds >= \(1_000_000)); goal \(Statistics.format(r.config.goalDistance)) m ahead (reached within \(Statistics.format(r.config.goalRadius)) m), "
        s += "time limit \(Statistics.format(r.config.timeFactor))x the straight-line time; MPPI \(r.config.samples) samples, horizon 8 x 0.25 s.\n\n"
        s += "Episode layout: goal bearing within +-\(Statistics.format(r.config.goalBearingDegrees ?? degrees(0.6))) deg of the start heading; "
        s += r.config.interiorStarts ? "starts inside the obstacle field (any heading); " : "starts at the generators' spawns; "
        s += r.config.reachableClearance.map { "goals reachable on a \(Statistics.format($0)) m clearance grid.\n\n" } ?? "no reachability check.\n\n"
        s += "## Results\n\nSuccess = goal reached without a collision (Wilson 95% CI); distance = path driven before a collision or the end "
        s += "(mean, 95% bootstrap CI).\n\n"
        var t = MarkdownTable(["yaw limit (deg/s)", "method", "episodes", "success [95% CI]", "collision-free distance m [95% CI]", "collisions",
                               "time-outs", "ticks at limit"],
                              alignments: [.right, .left, .right, .right, .right, .right, .right, .right])
        for c in cs {
            t.addRow(["\(Statistics.format(c.yawLimitDegrees))", c.method.label, "\(c.episodes)", pct(c.success),
                      "\(Statistics.format(c.distance.estimate)) [\(Statistics.format(c.distance.lower)), \(Statistics.format(c.distance.upper))]",
                      "\(c.collisions)", "\(c.timeouts)", "\(Statistics.format(100 * c.saturation, digits: 3))%"])
        }
        s += t.render() + "\n"
        var v = MarkdownTable(["yaw limit (deg/s)", "comparison", "success CIs disjoint", "distance CIs disjoint", "paired success difference [95% CI]"],
                              alignments: [.right, .left, .left, .left, .right])
        for limit in r.config.yawLimitsDegrees {
            guard let h = cs.first(where: { $0.method == .hint && $0.yawLimitDegrees == limit }) else { continue }
            for other in [HIntMethod.hierarchy, .singleSource, .pooled] {
                guard let o = cs.first(where: { $0.method == other && $0.yawLimitDegrees == limit }) else { continue }
                let better = h.success.estimate > o.success.estimate ? "HInt higher" : "HInt not higher"
                let dBetter = h.distance.estimate > o.distance.estimate ? "HInt longer" : "HInt not longer"
                let diff = pairedSuccessDifference(r, .hint, other, limit: limit).map { pct($0) } ?? "-"
                v.addRow(["\(Statistics.format(limit))", "HInt vs \(other.rawValue)",
                          "\(h.success.isDisjoint(from: o.success) ? "yes" : "no") (\(better))",
                          "\(h.distance.isDisjoint(from: o.distance) ? "yes" : "no") (\(dBetter))", diff])
            }
        }
        if r.config.methods.contains(.hint) && r.config.methods.contains(where: { [.hierarchy, .singleSource, .pooled].contains($0) }) {
            s += "## Verdicts\n\n" + v.render() + "\n"
        }
        let margins = r.config.yawLimitsDegrees.compactMap { l -> (Double, ConfidenceInterval)? in
            pairedSuccessDifference(r, .hint, .hierarchy, limit: l).map { (l, $0) }
        }
        if margins.count >= 2 {
            s += "Margin of HInt over the hierarchy (success difference) by yaw-rate limit: "
            s += margins.map { "\(Statistics.format($0.0)) deg/s: \(pct($0.1))" }.joined(separator: "; ") + ".\n\n"
            let loose = r.config.yawLimitsDegrees.max()!, tight = r.config.yawLimitsDegrees.min()!
            for other in [HIntMethod.hierarchy, .singleSource, .pooled] {
                if let g = marginGrowth(r, over: other, from: loose, to: tight) {
                    s += "Growth of HInt's margin over \(other.rawValue) from \(Statistics.format(loose)) to \(Statistics.format(tight)) deg/s "
                    s += "(paired over episodes): \(pct(g)).\n\n"
                }
            }
        }
        s += ablation(r)
        s += "## Data and models\n\n" + r.notes.map { "- \($0)\n" }.joined() + "\n"
        let phases = ["collect", "train", "evaluate"].compactMap { k in r.seconds[k].map { "\(k) \(Statistics.format($0)) s" } }
        if !phases.isEmpty { s += "Wall time: " + phases.joined(separator: ", ") + ".\n" }
        return s
    }

    /// The pairs that separate D_r's turn-rate lag from the action box's limit, (a, b) read as
    /// "a - b": each ablation against the method it changes by one ingredient.
    public static let ablationPairs: [(HIntMethod, HIntMethod)] = [
        (.hint, .hintUnicycle), (.hierarchyDynamics, .hierarchy), (.hintUnicycle, .hierarchy), (.hint, .hierarchyDynamics),
    ]

    /// The ablation section (empty unless an ablation method ran): paired success differences
    /// per limit for every pair whose methods both ran, and their growth loosest -> tightest.
    static func ablation(_ r: HIntExperimentResult) -> String {
        let pairs = ablationPairs.filter { r.config.methods.contains($0.0) && r.config.methods.contains($0.1) }
        guard !pairs.isEmpty, r.config.methods.contains(where: { $0 == .hierarchyDynamics || $0 == .hintUnicycle }) else { return "" }
        let limits = r.config.yawLimitsDegrees
        var header = ["pair (a - b)"] + limits.map { "\(Statistics.format($0)) deg/s" }
        let loose = limits.max()!, tight = limits.min()!
        if limits.count >= 2 { header.append("growth \(Statistics.format(loose)) -> \(Statistics.format(tight))") }
        var t = MarkdownTable(header, alignments: [.left] + Array(repeating: .right, count: header.count - 1))
        for (a, b) in pairs {
            var row = ["\(a.rawValue) - \(b.rawValue)"]
            for l in limits { row.append(pairedSuccessDifference(r, a, b, limit: l).map { pct($0) } ?? "-") }
            if limits.count >= 2 { row.append(marginGrowth(r, of: a, over: b, from: loose, to: tight).map { pct($0) } ?? "-") }
            t.addRow(row)
        }
        var s = "## Ablation: turn-rate lag (D_r) vs yaw-rate limit\n\n"
        s += "hierarchy-dr: the hierarchy's waypoint MPPI through D_r, candidates in the assumed range, same tracker; "
        s += "hint-unicycle: HInt with an ideal unicycle clamped to the limit in place of D_r. Paired success differences "
        s += "(95% bootstrap CI) and their growth from the loosest to the tightest limit:\n\n"
        return s + t.render() + "\n"
    }

    public static func write(_ r: HIntExperimentResult, to dir: String, command: String = "swiftlet experiment hint") throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try AtomicFile.write(markdown(r, command: command), to: dir + "/hint.md")
        var ep = CSVWriter(header: ["yaw_limit_deg", "method", "episode", "world", "success", "collided", "distance_m", "ticks", "goal_left_m",
                                    "saturated_ticks"])
        for e in r.episodes {
            ep.addRow(["\(e.yawLimitDegrees)", e.method.rawValue, "\(e.episode)", e.world, e.success ? "1" : "0", e.collided ? "1" : "0",
                       CSVWriter.field(e.distance), "\(e.ticks)", CSVWriter.field(e.goalDistanceLeft),
                       "\(e.saturatedTicks)"])
        }
        try ep.write(to: dir + "/hint-episodes.csv")
        let cs = cells(r)
        var sum = CSVWriter(header: ["yaw_limit_deg", "method", "episodes", "success", "success_lo", "success_hi", "distance_m", "distance_lo",
                                     "distance_hi", "collisions", "timeouts", "saturation"])
        for c in cs {
            sum.addRow(["\(c.yawLimitDegrees)", c.method.rawValue, "\(c.episodes)", CSVWriter.field(c.success.estimate), CSVWriter.field(c.success.lower),
                        CSVWriter.field(c.success.upper), CSVWriter.field(c.distance.estimate), CSVWriter.field(c.distance.lower),
                        CSVWriter.field(c.distance.upper), "\(c.collisions)", "\(c.timeouts)",
                        CSVWriter.field(c.saturation)])
        }
        try sum.write(to: dir + "/hint-summary.csv")
        for (name, title, pick) in [("success", "goal-reaching success", { (c: Cell) in c.success }),
                                    ("distance", "collision-free distance (m)", { (c: Cell) in c.distance })] {
            var plot = SVGPlot(title: "HInt sweep: \(title) vs yaw-rate limit", xLabel: "yaw-rate limit (deg/s), tightening to the right", yLabel: title)
            plot.xDescending = true
            for (i, m) in r.config.methods.enumerated() {
                let mc = cs.filter { $0.method == m }.sorted { $0.yawLimitDegrees < $1.yawLimitDegrees }
                plot.add(SVGPlot.Series(name: m.label, x: mc.map(\.yawLimitDegrees), y: mc.map { pick($0).estimate },
                                        lower: mc.map { pick($0).lower }, upper: mc.map { pick($0).upper },
                                        uncertainty: .errorBars, style: .lineAndPoints, color: SVGPlot.palette[i % SVGPlot.palette.count]))
            }
            try plot.write(to: "\(dir)/hint-\(name).svg")
        }
    }
}
