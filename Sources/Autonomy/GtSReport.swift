import Diagnostics
import Foundation
import Geometry
import Runtime

/// Report files of `swiftlet experiment gts`: `gts.md` (tables, target check, budgets, timing),
/// `gts-results.csv` (per method and world), `gts-sweep.csv` + `gts-sweep.svg` (distance vs real
/// budget), `gts-episodes.csv` (every main episode with its lighting draw), `gts-curves.csv` (mean training loss per epoch), `config.json` (effective settings).
public enum GtSReport {
    /// The overall ("all" worlds) row of every method of the main table, in table order.
    public static func overall(_ r: GtSExperiment.Result) -> [(name: String, summary: EvaluationSummary)] {
        r.main.rows().filter { $0.world == "all" }.map { ($0.policy, $0.summary) }
    }

    /// Whether GtS beats every learned baseline with disjoint 95% CIs, and its ratio to real-only.
    public static func target(_ r: GtSExperiment.Result) -> (disjoint: Bool, ratio: Double, lines: [String]) {
        let rows = overall(r)
        let hours = GtSExperiment.fmtHours(r.config.realHours)
        guard let g = rows.first(where: { $0.name == "\(GtSExperiment.gts) (\(hours) real)" })?.summary.distance else { return (false, .nan, []) }
        var disjoint = true, lines: [String] = [], ratio = Double.nan
        for (name, s) in rows where name.hasPrefix(GtSExperiment.simOnly) || name.hasPrefix(GtSExperiment.realOnly)
                                      || name.hasPrefix(GtSExperiment.finetuneAll) {
            let beats = g.estimate > s.distance.estimate && g.isDisjoint(from: s.distance)
            disjoint = disjoint && beats
            let rel = s.distance.estimate > 0 ? g.estimate / s.distance.estimate : .infinity
            if name.hasPrefix(GtSExperiment.realOnly) { ratio = rel }
            lines.append("- GtS vs \(name): \(g.formatted()) vs \(s.distance.formatted()) m, ratio \(Statistics.format(rel, digits: 3)), "
                         + (beats ? "higher with non-overlapping CIs" : "not separated (CIs overlap or GtS is lower)"))
        }
        return (disjoint, ratio, lines)
    }

    /// GtS minus one other method of the main table over the shared episodes (paired: same
    /// worlds, spawns and draws).
    public struct PairedDifference: Sendable {
        public var baseline: String
        /// Mean of (GtS distance - baseline distance) per episode, m, with a paired bootstrap
        /// 95% percentile interval (2000 resamples of the episodes).
        public var difference: ConfidenceInterval
        /// Episodes where GtS flew farther / shorter than the baseline (ties are neither).
        public var longer: Int
        public var shorter: Int
    }

    /// GtS at the main budget against every other policy of the main evaluation.
    public static func pairedDifferences(_ r: GtSExperiment.Result) -> [PairedDifference] {
        let name = "\(GtSExperiment.gts) (\(GtSExperiment.fmtHours(r.config.realHours)) real)"
        guard let g = r.main.policies.firstIndex(where: { $0.label == name }) else { return [] }
        var rng = RNG(seed: r.config.seed, stream: 0x5041_4952)
        var out: [PairedDifference] = []
        for (p, spec) in r.main.policies.enumerated() where p != g {
            let a = r.main.outcomes[g], b = r.main.outcomes[p]
            guard a.count == b.count, !a.isEmpty, zip(a, b).allSatisfy({ $0.world == $1.world && $0.episode == $1.episode }) else { continue }
            let d = zip(a, b).map { $0.distance - $1.distance }
            var ci = Statistics.bootstrapInterval(d, resamples: 2000, rng: &rng)
            ci.estimate = Statistics.mean(d)
            out.append(PairedDifference(baseline: spec.label, difference: ci, longer: d.filter { $0 > 0 }.count,
                                        shorter: d.filter { $0 < 0 }.count))
        }
        return out
    }

    /// The main evaluation split by named lighting condition (`GtSLighting`): one summary per
    /// method and condition, over the episodes whose draw falls in that condition.
    public static func byLighting(_ r: GtSExperiment.Result) -> [(policy: String, condition: String, summary: EvaluationSummary)] {
        var rng = RNG(seed: r.config.seed, stream: 0x4C49_4748)
        var rows: [(policy: String, condition: String, summary: EvaluationSummary)] = []
        for (p, spec) in r.main.policies.enumerated() {
            for name in GtSLighting.names {
                let os = r.main.outcomes[p].filter { r.lighting[$0.world][$0.episode].condition == name }
                if !os.isEmpty { rows.append((spec.label, name, EvaluationSummary(os, rng: &rng))) }
            }
        }
        return rows
    }

    /// Every main-evaluation episode with its lighting draw.
    public static func episodesCSV(_ r: GtSExperiment.Result) -> CSVWriter {
        var w = CSVWriter(header: ["policy", "world", "episode", "distance_m", "collided", "success", "steps", "brightness",
                                   "sun_azimuth_offset_rad", "lighting"])
        for (p, spec) in r.main.policies.enumerated() {
            for o in r.main.outcomes[p] {
                let l = r.lighting[o.world][o.episode]
                w.addRow([spec.label, r.main.settings.worlds[o.world], String(o.episode), CSVWriter.field(o.distance),
                          o.collided ? "1" : "0", o.success ? "1" : "0", String(o.steps), CSVWriter.field(l.brightness),
                          CSVWriter.field(l.sunAzimuthOffset), l.condition])
            }
        }
        return w
    }

    public static func markdown(_ r: GtSExperiment.Result, command: String) -> String {
        let c = r.config
        var s = "# GtS sim-to-real experiment\n\nCommand: `\(command)`\n\n"
        s += "Held-out test worlds (real profile, lighting/exposure/sun drawn per episode): \(r.testWorlds.joined(separator: ", "))\n\n"
        if c.realProfile != DomainProfile.real.name {
            s += "**Real profile: `\(c.realProfile)`, not the experiment's `real`.** Real collection, the real transfer diagnostic "
            s += "and the evaluation all use it; every \"real\" below means this profile. This is a diagnosis of the gap "
            s += "(docs/gts.md, \"Which part of the gap\"), not issue 8's test.\n\n"
        }
        s += "Training worlds (sim and real collection): \(r.trainWorlds.count) (\(r.trainWorlds.prefix(6).joined(separator: ", "))...)\n\n"
        if let file = c.simModel, let sim = r.models.first(where: { $0.method == GtSExperiment.simOnly }) {
            s += "Sim phase: loaded from `\(file)` (\(sim.record.simTransitions) sim transitions, \(sim.record.steps) optimiser steps, "
            s += "training worlds \(sim.record.notes["train_worlds"] ?? "?"); checked: sim domain, no real data, no held-out world), "
            s += "not trained in this run; so there is no step-matched sim-only baseline.\n\n"
        }
        s += "Learned MPC (every method): CEM \(c.cemInitialSamples) uniform, \(c.cemIterations - 1) x \(c.cemSamples) Gaussian (centred full covariance), "
        s += "\(c.cemElites) elites, horizon 12; route \(Statistics.format(c.routeLength)) m, \(c.episodesPerWorld) episodes per world "
        s += "(evaluation set \(c.evaluationSet)" + (c.evaluationSet == 0 ? ", the original episodes" : ", fresh episode seeds disjoint from set 0") + ").\n\n"
        if let dir = r.reusedModels {
            s += "Models: loaded from `\(dir)` (trained by an earlier run of this config, metadata checked); "
            s += "only a model missing there was trained in this run (see the models table).\n\n"
        }
        s += "## Distance before collision, held-out real-profile worlds (real budget \(GtSExperiment.fmtHours(c.realHours)))\n\n"
        var t = MarkdownTable(["method", "real transitions", "episodes", "distance before collision (m) [95% CI]",
                               "collisions per km [95% CI]", "success [95% CI]"],
                              alignments: [.left, .right, .right, .right, .right, .right])
        for (name, sum) in overall(r) {
            let real = r.models.first { $0.name == name }.map { String($0.record.realTransitions) } ?? "-"
            t.addRow([name, real, String(sum.episodes), sum.distance.formatted(digits: 3), sum.collisionsPerKm.formatted(digits: 3),
                      sum.success.formatted(digits: 2)])
        }
        s += t.render() + "\n"
        s += "How episodes ended (collision / flew the route / other: left the world's bounds or hit the time limit): "
        s += r.main.policies.enumerated().map { p, spec in
            let os = r.main.outcomes[p]
            let hit = os.filter(\.collided).count, done = os.filter(\.success).count
            return "\(spec.label) \(hit) / \(done) / \(os.count - hit - done)"
        }.joined(separator: "; ") + ".\n\n"
        let tg = target(r)
        s += "Target (GtS beats every baseline with non-overlapping CIs and flies >= 2x farther than real-only): "
        s += (tg.disjoint && tg.ratio >= 2 ? "**met**" : "**not met**") + "\n\n" + tg.lines.joined(separator: "\n") + "\n\n"
        let diffs = pairedDifferences(r)
        if !diffs.isEmpty {
            s += "Paired differences (GtS minus each method over the same episodes; bootstrap 95% CI of the mean difference):\n\n"
            var pt = MarkdownTable(["GtS minus", "mean difference (m) [95% CI]", "GtS longer", "GtS shorter"],
                                   alignments: [.left, .right, .right, .right])
            for d in diffs { pt.addRow([d.baseline, d.difference.formatted(digits: 3), String(d.longer), String(d.shorter)]) }
            s += pt.render() + "\n"
        }
        s += "## By lighting condition\n\n"
        let counts = GtSLighting.names.map { n in r.lighting.joined().filter { $0.condition == n }.count }
        s += "Brightness = sun intensity x exposure relative to the real profile's nominal values: dim < 0.9, medium 0.9-1.1, "
        s += "bright > 1.1 (" + zip(GtSLighting.names, counts).map { "\($0) \($1)" }.joined(separator: ", ") + " episodes per method); "
        s += "the sun azimuth varies independently.\n\n"
        var lt = MarkdownTable(["method", "lighting", "episodes", "distance before collision (m) [95% CI]", "collisions per km [95% CI]"],
                               alignments: [.left, .left, .right, .right, .right])
        for row in byLighting(r) {
            lt.addRow([row.policy, row.condition, String(row.summary.episodes), row.summary.distance.formatted(digits: 3),
                       row.summary.collisionsPerKm.formatted(digits: 3)])
        }
        s += lt.render() + "\n"
        if !r.transfer.isEmpty {
            s += "## Transfer diagnostic: prediction loss on sim- vs real-profile data\n\n"
            s += "Mask-weighted training loss (weighted cross-entropy, positive weight \(Statistics.format(Double(c.training.positiveWeight)))) "
            s += "of every model on \(c.diagnosticSteps) fresh sim-profile and \(c.diagnosticSteps) fresh real-profile steps from the "
            s += "training worlds (new seeds; nothing trains on them and they are not part of any real budget). The two sets differ in "
            s += "their episodes as well as their profile, so compare models within a column: on the real set, a real-phase model's drop "
            s += "below sim-only is what the real data bought for predicting real flights; on the sim set, the same models show "
            s += "whether that came at the cost of the sim-learned predictions.\n\n"
            var dt = MarkdownTable(["model", "loss on sim data", "loss on real data"], alignments: [.left, .right, .right])
            for d in r.transfer {
                dt.addRow([d.model, Statistics.format(d.sim, digits: 4), Statistics.format(d.real, digits: 4)])
            }
            s += dt.render() + "\n"
        }
        if let g = r.dynamicsGap {
            s += "Action dynamics, sim vs real profile (the same \(g.samples) random \(g.horizonSteps)-step yaw-rate sequences from the same "
            s += "spawns and seeds, obstacle-free copies of the training worlds): in sim the robot flies \(Statistics.format(g.simPathLength)) m, "
            s += "turns \(Statistics.format(g.simTurn)) rad and ends \(Statistics.format(g.simLateral)) m off its start line on average; "
            s += "the real profile ends \(Statistics.format(g.positionGap)) m away from the sim end point with a heading "
            s += "\(Statistics.format(g.headingGap)) rad different (means).\n\n"
        }
        s += "## Real-budget sweep\n\n"
        var st = MarkdownTable(["method", "real hours", "real transitions", "episodes", "distance before collision (m) [95% CI]"],
                               alignments: [.left, .right, .right, .right, .right])
        for p in r.sweep { st.addRow([p.method, Statistics.format(p.hours), String(p.realTransitions), String(p.episodes), p.distance.formatted()]) }
        s += st.render() + "\n![sweep](gts-sweep.svg)\n\n"
        s += "## Models and real-data budget\n\n"
        var mt = MarkdownTable(["file", "method", "real transitions (metadata)", "sim transitions", "optimiser steps", "frozen", "final epoch loss"],
                               alignments: [.left, .left, .right, .right, .right, .left, .right])
        for m in r.models {
            mt.addRow([URL(fileURLWithPath: m.file).lastPathComponent, m.method, String(m.record.realTransitions), String(m.record.simTransitions),
                       String(m.record.steps), m.record.training.frozenPrefixes.joined(separator: ","),
                       m.curve.last.map { Statistics.format(Double($0), digits: 3) } ?? "-"])
        }
        s += mt.render() + "\n"
        s += "Collections: " + (r.collections.isEmpty ? "none in this run"
                                 : r.collections.map { "\($0.phase) (\($0.domain)): \($0.steps) steps" }.joined(separator: "; ")) + ". "
        s += "Real-profile steps collected for training (all budgets): \(r.realStepsTotal).\n\n"
        s += "## Per world\n\n" + r.main.markdown() + "\n"
        s += "## Wall time\n\n" + r.seconds.sorted { $0.key < $1.key }.map { "- \($0.key): \(Statistics.format($0.value, digits: 3)) s" }.joined(separator: "\n") + "\n"
        return s
    }

    public static func sweepCSV(_ r: GtSExperiment.Result) -> CSVWriter {
        var w = CSVWriter(header: ["method", "real_hours", "real_transitions", "episodes", "distance_mean_m", "distance_lo", "distance_hi"])
        for p in r.sweep {
            w.addRow([p.method] + [p.hours, Double(p.realTransitions), Double(p.episodes), p.distance.estimate, p.distance.lower,
                                   p.distance.upper].map(CSVWriter.field))
        }
        return w
    }

    public static func sweepPlot(_ r: GtSExperiment.Result) -> SVGPlot {
        var plot = SVGPlot(title: "Distance before collision vs real data (held-out, real profile)", xLabel: "real data (hours)",
                           yLabel: "mean distance before collision (m)", xScale: .log)
        for method in [GtSExperiment.gts, GtSExperiment.realOnly] {
            let ps = r.sweep.filter { $0.method == method }
            plot.add(.init(name: method, x: ps.map(\.hours), y: ps.map(\.distance.estimate), lower: ps.map(\.distance.lower),
                           upper: ps.map(\.distance.upper), uncertainty: .errorBars, style: .lineAndPoints))
        }
        if let s = overall(r).first(where: { $0.name == GtSExperiment.simOnly }), let hs = r.sweep.map(\.hours).min(), let he = r.sweep.map(\.hours).max() {
            plot.add(.init(name: "sim-only (no real data)", x: [hs, he], y: [s.summary.distance.estimate, s.summary.distance.estimate]))
        }
        return plot
    }

    public static func curvesCSV(_ r: GtSExperiment.Result) -> CSVWriter {
        var w = CSVWriter(header: ["model", "epoch", "mean_loss"])
        for m in r.models { for (e, l) in m.curve.enumerated() { w.addRow([m.name, String(e + 1), CSVWriter.field(Double(l))]) } }
        return w
    }

    /// Writes every report file into `dir`.
    public static func write(_ r: GtSExperiment.Result, to dir: String, command: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try AtomicFile.write(markdown(r, command: command), to: dir + "/gts.md")
        try r.main.csv().write(to: dir + "/gts-results.csv")
        try episodesCSV(r).write(to: dir + "/gts-episodes.csv")
        try sweepCSV(r).write(to: dir + "/gts-sweep.csv")
        try sweepPlot(r).write(to: dir + "/gts-sweep.svg")
        try curvesCSV(r).write(to: dir + "/gts-curves.csv")
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(enc.encode(r.config), to: dir + "/config.json")
    }
}
