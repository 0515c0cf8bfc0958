import Diagnostics
import Foundation
import Models

/// Writes a hedging run's report (report.md), CSVs and SVG plots.
public enum HedgingReport {
    /// Familiarity groups of the quintile table and plots.
    public static let groups = 5

    /// Writes every file into `dir` (which must exist); returns their names.
    @discardableResult
    public static func write(_ r: HedgingResult, to dir: String, command: String, seconds: Double) throws -> [String] {
        var files: [String] = []
        func path(_ name: String) -> String { files.append(name); return (dir as NSString).appendingPathComponent(name) }
        let f = { (v: Double) in Statistics.format(v) }
        let s = r.settings, hover = r.classes - 1, ctrl = s.controlAction
        let share = { (x: HedgingShare) in "\(f(x.value)) [\(f(x.interval.lower < 1e-12 ? 0 : x.interval.lower)), \(f(x.interval.upper))]" }

        // finetune.csv: the familiarity split, one row per fine-tuning example
        var ft = CSVWriter(header: ["index", "world", "standard_label", "p_correct", "unfamiliar"] + HedgingArm.allCases.map { "label_\($0.rawValue)" })
        let armLabels = r.arms.map { HedgingLabels.relabel(r.finetuneLabels, unfamiliar: r.unfamiliar, to: $0.relabelAction) }
        for i in r.finetuneLabels.indices {
            ft.addRow(["\(i)", "\(i / s.finetuneSamplesPerWorld)", "\(r.finetuneLabels[i])", CSVWriter.field(r.finetuneP[i]),
                       r.unfamiliar[i] ? "1" : "0"] + armLabels.map { "\($0[i])" })
        }
        try ft.write(to: path("finetune.csv"))

        // groups.csv: per arm and familiarity quintile (0 = least familiar)
        var gr = CSVWriter(header: ["arm", "group", "samples", "held_out_share", "mean_familiarity", "hover", "hover_lower", "hover_upper",
                                    "control_action", "control_lower", "control_upper", "accuracy", "accuracy_lower", "accuracy_upper"])
        var hoverPlot = SVGPlot(title: "hover share by familiarity (0 = least familiar fifth)", xLabel: "familiarity quintile of the base model's max probability",
                                yLabel: "share of test scenes")
        var controlPlot = SVGPlot(title: "share of the control action (primitive \(ctrl)) by familiarity", xLabel: "familiarity quintile",
                                  yLabel: "share of test scenes")
        for a in r.arms {
            var hv: [HedgingShare] = [], cv: [HedgingShare] = []
            for q in 0..<groups {
                let idx = r.group(q, of: groups)
                let h = r.share(a.arm, action: hover, on: idx), c = r.share(a.arm, action: ctrl, on: idx), acc = r.accuracy(a.arm, on: idx)
                hv.append(h)
                cv.append(c)
                let held = Double(idx.filter { r.testHeldOut[$0] }.count) / Double(max(1, idx.count))
                let fam = idx.reduce(0.0) { $0 + r.testFamiliarity[$1] } / Double(max(1, idx.count))
                gr.addRow([a.arm.rawValue, "\(q)", "\(idx.count)", CSVWriter.field(held), CSVWriter.field(fam)]
                          + [h, c, acc].flatMap { [CSVWriter.field($0.value), CSVWriter.field($0.interval.lower), CSVWriter.field($0.interval.upper)] })
            }
            let x = (0..<groups).map(Double.init)
            hoverPlot.add(.init(name: a.arm.rawValue, x: x, y: hv.map(\.value), lower: hv.map(\.interval.lower), upper: hv.map(\.interval.upper),
                                uncertainty: .errorBars, style: .lineAndPoints))
            controlPlot.add(.init(name: a.arm.rawValue, x: x, y: cv.map(\.value), lower: cv.map(\.interval.lower), upper: cv.map(\.interval.upper),
                                  uncertainty: .errorBars, style: .lineAndPoints))
        }
        try gr.write(to: path("groups.csv"))
        try hoverPlot.write(to: path("hover-by-familiarity.svg"))
        try controlPlot.write(to: path("control-by-familiarity.svg"))

        // ladder.csv and its plot (pooled over the pixel rungs)
        var ld = CSVWriter(header: ["rung", "severity", "arm", "samples", "hover", "control_action", "correct"])
        for row in r.ladder {
            ld.addRow([row.rung.rawValue, "\(row.severity)", row.arm.rawValue, "\(row.samples)", "\(row.hover)", "\(row.controlAction)", "\(row.correct)"])
        }
        try ld.write(to: path("ladder.csv"))
        func pooled(_ arm: HedgingArm, _ sev: Int) -> (n: Int, hover: Int, control: Int, correct: Int) {
            r.ladder.filter { $0.arm == arm && $0.severity == sev }.reduce((0, 0, 0, 0)) { ($0.0 + $1.samples, $0.1 + $1.hover, $0.2 + $1.controlAction, $0.3 + $1.correct) }
        }
        var ladderPlot = SVGPlot(title: "hover share along the OCS ladder (pixel rungs pooled)", xLabel: "severity", yLabel: "share of test scenes")
        if !r.ladder.isEmpty {
            for a in HedgingArm.allCases {
                let v = (0...5).map { pooled(a, $0) }
                ladderPlot.add(.init(name: "\(a.rawValue) hover", x: (0...5).map(Double.init), y: v.map { Double($0.hover) / Double(max(1, $0.n)) }, style: .lineAndPoints))
                ladderPlot.add(.init(name: "\(a.rawValue) primitive \(ctrl)", x: (0...5).map(Double.init), y: v.map { Double($0.control) / Double(max(1, $0.n)) },
                                     style: .lineAndPoints))
            }
            try ladderPlot.write(to: path("ladder.svg"))
        }

        // training.csv
        var tr = CSVWriter(header: ["model", "epoch", "train_loss"])
        for (e, l) in r.pretrainLosses.enumerated() { tr.addRow(["base", "\(e + 1)", CSVWriter.field(l)]) }
        for a in r.arms { for (e, l) in a.losses.enumerated() { tr.addRow([a.arm.rawValue, "\(e + 1)", CSVWriter.field(l)]) } }
        try tr.write(to: path("training.csv"))

        // the fine-tuned arms' weights (`swiftlet fly --ocs DIR --ocs-policy ARM` flies them)
        for a in r.arms {
            let name = HedgingCheckpoint.fileName(a.arm)
            try HedgingCheckpoint.save(a.model, arm: a.arm, settings: s, command: command, to: path(name))
            files.append(name + ".json")
        }

        // report.md
        var md = "# Hedging: unfamiliar fine-tuning examples decide the default (METHODS.md 5)\n\n"
        md += "Command: `\(command)` (\(Progress.formatDuration(seconds))).\n\n"
        md += "## Targets (read as declared in docs/hedging.md)\n\n"
        md += TargetCheck.table(r.checks, measured: "measured (95% Wilson CI, count)") + "\n"
        let names = HedgingExperiment.specs(s)
        let u = r.unfamiliar.filter { $0 }.count
        md += "## Data and models\n\n"
        md += "Classes: K = \(s.data.yawRatesDegrees.count) primitives (yaw rates \(s.data.yawRatesDegrees.map(f).joined(separator: ", ")) deg/s) then hover. "
        md += "Pre-training: \(names.pretrain.count) worlds (\(names.pretrain.first!)...), \(r.pretrainCount) samples, \(s.pretraining.epochs) epochs, "
        md += "loss \(f(r.pretrainLosses.first ?? .nan)) -> \(f(r.pretrainLosses.last ?? .nan)). "
        md += "Fine-tuning: \(names.finetune.count) worlds (\(names.finetune.first!)...), \(r.finetuneLabels.count) samples, \(s.finetuning.epochs) epochs per arm. "
        md += "Test: \(names.test.count) worlds (\(s.testWorlds) in distribution from \(names.test.first!), \(s.heldOutTestWorlds) held out), \(r.testFamiliarity.count) samples.\n\n"
        md += "Familiarity split of the fine-tuning set (p = the base model's softmax mass on correct actions, unfamiliar when p <= \(f(s.unfamiliarThreshold))): "
        md += "\(u) of \(r.finetuneP.count) unfamiliar (\(f(Double(u) / Double(max(1, r.finetuneP.count))))), mean p \(f(Statistics.mean(r.finetuneP))).\n\n"
        var arms = MarkdownTable(["arm", "relabel", "labels changed", "fine-tune loss (first -> last)", "test accuracy (all)"], alignments: nil)
        let all = Array(r.testFamiliarity.indices)
        for a in r.arms {
            arms.addRow([a.arm.rawValue, a.relabelAction.map { $0 == hover ? "hover" : "primitive \($0)" } ?? "-", "\(a.changedLabels)",
                         a.losses.isEmpty ? "-" : "\(f(a.losses.first!)) -> \(f(a.losses.last!))", share(r.accuracy(a.arm, on: all))])
        }
        md += arms.render() + "\n"
        md += "## By familiarity quintile of the test scenes (0 = least familiar; the base model's max class probability)\n\n"
        var gt = MarkdownTable(["arm", "quintile", "held-out share", "hover", "primitive \(ctrl)", "accuracy"], alignments: nil)
        for a in r.arms {
            for q in 0..<groups {
                let idx = r.group(q, of: groups)
                gt.addRow([a.arm.rawValue, "\(q)", f(Double(idx.filter { r.testHeldOut[$0] }.count) / Double(max(1, idx.count))),
                           share(r.share(a.arm, action: hover, on: idx)), share(r.share(a.arm, action: ctrl, on: idx)), share(r.accuracy(a.arm, on: idx))])
            }
        }
        md += gt.render() + "\n"
        if !r.ladder.isEmpty {
            md += "## Along the OCS ladder (pixel rungs \(s.ladderRungs.map(\.rawValue).joined(separator: ", ")) pooled, in-distribution test scenes)\n\n"
            var lt = MarkdownTable(["severity", "arm", "samples", "hover", "primitive \(ctrl)", "accuracy"], alignments: nil)
            for sev in 0...5 {
                for a in HedgingArm.allCases {
                    let v = pooled(a, sev)
                    lt.addRow(["\(sev)", a.rawValue, "\(v.n)", share(HedgingShare(v.hover, of: v.n)), share(HedgingShare(v.control, of: v.n)),
                               share(HedgingShare(v.correct, of: v.n))])
                }
            }
            md += lt.render()
        }
        if let risk = r.risk { md += try riskSection(risk, settings: s, path: path) }
        try AtomicFile.write(md, to: path("report.md"))
        return files
    }

    /// The risk-model part: writes risk.csv (flights per arm and severity) and returns its report.md section.
    static func riskSection(_ r: HedgingRiskResult, settings s: HedgingSettings, path: (String) -> String) throws -> String {
        let f = { (v: Double) in v.isFinite ? Statistics.format(v) : "-" }
        let ci = { (c: ConfidenceInterval) in "\(f(c.estimate)) [\(f(c.lower)), \(f(c.upper))]" }
        var csv = CSVWriter(header: ["arm", "severity", "episodes", "collisions", "km", "collisions_per_km", "mean_path_m", "hover_fraction"])
        for a in r.arms {
            for row in a.flights {
                let m = row.distances.reduce(0, +)
                csv.addRow([a.arm.rawValue, "\(row.severity)", "\(row.episodes)", "\(row.collisions)", CSVWriter.field(m / 1000),
                            CSVWriter.field(m > 0 ? Double(row.collisions) / (m / 1000) : .nan), CSVWriter.field(m / Double(max(1, row.episodes))),
                            CSVWriter.field(row.hoverFraction)])
            }
        }
        if !r.comparisons.isEmpty { try csv.write(to: path("risk.csv")) }
        let u = r.unfamiliar.filter { $0 }.count
        var md = "\n## Risk model (safety classifier; unfamiliar fine-tuning examples relabelled to \"collides\")\n\n"
        md += "Base classifier pre-training loss \(f(r.basePretrainLosses.first ?? .nan)) -> \(f(r.basePretrainLosses.last ?? .nan)); "
        md += "p = mean over primitives of the base classifier's probability of each true outcome; unfamiliar when p <= \(f(s.unfamiliarThreshold)): "
        md += "\(u) of \(r.finetuneP.count) fine-tuning examples, mean p \(f(Statistics.mean(r.finetuneP))).\n\n"
        var t = MarkdownTable(["arm", "rows relabelled", "fine-tune loss (first -> last)", "planner threshold (flown)", "own OCS-rule threshold (not flown)", "in-distribution: abstain, mean reward", "held-out scenes: abstain",
                               "held-out scenes: flown and collides"], alignments: nil)
        for a in r.arms {
            t.addRow([a.arm.rawValue, "\(a.changedRows)", a.losses.isEmpty ? "-" : "\(f(a.losses.first!)) -> \(f(a.losses.last!))", f(a.threshold), f(a.ownThreshold),
                      "\(f(a.validationAbstainRate)), \(f(a.validationReward))", "\(a.heldOutAbstain) / \(a.heldOutScenes)", "\(a.heldOutFlownCollide) / \(a.heldOutScenes)"])
        }
        md += t.render() + "\n"
        guard !r.comparisons.isEmpty else { return md + "No flights (risk.flights.episodesPerWorld = 0).\n" }
        let fl = r.settings.flights
        md += "Planner threshold: \(r.settings.planner.rawValue). Flights: \(fl.worlds) held-out worlds x \(fl.episodesPerWorld) episodes x \(fl.rung.rawValue) severities "
        md += "\(fl.severities.map(String.init).joined(separator: ", ")), \(f(fl.episodeTime)) s each, paired episode seeds; "
        md += "95 % paired bootstrap intervals over episodes (\(r.settings.bootstrapResamples) resamples).\n\n"
        var ft = MarkdownTable(["severity", "episodes", "collisions (std / cons)", "km (std / cons)", "collisions per km, standard", "collisions per km, conservative",
                                "path per episode m, standard", "path per episode m, conservative", "collisions per km cut", "progress lost", "target met"],
                               alignments: nil)
        for c in r.comparisons {
            ft.addRow([c.severity.map(String.init) ?? "pooled", "\(c.episodes)", "\(c.collisions[0]) / \(c.collisions[1])",
                       "\(f(c.kilometres[0])) / \(f(c.kilometres[1]))", ci(c.collisionsPerKm[0]), ci(c.collisionsPerKm[1]), ci(c.pathLength[0]),
                       ci(c.pathLength[1]), ci(c.collisionReduction) + (c.undefinedDraws > 0 ? " (\(c.undefinedDraws) draws undefined)" : ""),
                       ci(c.progressLoss), c.targetMet ? "yes" : "**no**"])
        }
        md += ft.render() + "\n"
        md += "Target (ours, read on the pooled row): collisions per km cut by >= 30 % at <= 10 % loss of progress (point estimates).\n"
        return md
    }
}
