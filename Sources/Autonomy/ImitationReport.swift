import Diagnostics
import Foundation

/// Writes the imitation experiment's report.md, gaps.csv, summary.csv and one SVG per sweep.
public enum ImitationReport {
    /// The Markdown report (settings, per-sweep tables, slopes, target verdicts).
    public static func markdown(_ r: ImitationExperiment.Result, _ a: ImitationAnalysis, command: String, seconds: Double) -> String {
        let s = r.settings
        var out = "# Multi-task imitation for linear systems\n\n"
        out += "command: `\(command)`\n\n"
        out += "n_x = \(s.stateDim), n_u = \(s.inputDim), k = \(s.rank) (k sweep: \(s.rankSweep.values.map(String.init).joined(separator: ", "))), "
        out += "\(s.seeds) seeds (seed \(s.seed)), gap over \(s.rollouts) rollouts of \(s.horizon) steps, demonstrations in "
        out += "\(s.trajectoryLength)-step trajectories; open-loop radius \(s.openLoopRadius), closed loop <= \(s.closedLoopRadiusMax), "
        out += "gain std \(s.gainStd), process noise \(s.processStd), expert action noise \(s.inputStd).\n"
        out += "Pre-training took \(Statistics.format(r.meanPretrainSteps)) alternating steps on average; "
        out += "\(Statistics.format(100 * r.rejectionRate)) % of system draws were rejected for an unstable expert loop. "
        out += "Wall time \(Progress.formatDuration(seconds)).\n\n"

        out += "## Targets\n\n"
        var t = MarkdownTable(["target", "estimate [95% CI]", "accepted", "met", "CI inside", "margin"],
                              alignments: [.left, .right, .center, .center, .center, .right])
        for c in a.checks {
            t.addRow([c.name, c.value.formatted(), "[\(Statistics.format(c.lower)), \(Statistics.format(c.upper))]",
                      c.met ? "yes" : "no", c.ciInside ? "yes" : "no", Statistics.format(c.margin)])
        }
        out += t.render() + "\nmargin: distance of the estimate to the nearest edge of the accepted band (negative: outside by that much).\n\n"

        out += "## Slopes (log mean gap on log x, bootstrap over seeds)\n\n"
        var st = MarkdownTable(["x", "slope [95% CI]", "R^2 of the means"], alignments: [.left, .right, .right])
        for key in a.slopes.keys.sorted() {
            st.addRow([key, a.slopes[key]!.formatted(), Statistics.format(a.rSquared[key] ?? .nan)])
        }
        out += st.render() + "\n"

        for sw in r.sweeps {
            let p = sw.parameter
            out += "## Sweep over \(p.rawValue)\n\n"
            var fixed: [String] = []
            if p != .sources { fixed.append("H = \(sw.sweep.sources)") }
            if p != .sharedSamples { fixed.append("N_shared = \(sw.sweep.sharedSamples)") }
            if p != .targetSamples { fixed.append("N_target = \(sw.sweep.targetSamples)") }
            if p != .rank { fixed.append("k = \(s.rank)") }
            out += "Fixed: " + fixed.joined(separator: ", ") + ". Mean gap over seeds [95% t interval].\n\n"
            let hasScratch = sw.scratch.contains { $0.contains { !$0.isNaN } }
            var headers = [p.rawValue, "pretrained gap"]
            if hasScratch { headers += ["scratch gap", "scratch / pretrained"] }
            var table = MarkdownTable(headers, alignments: Array(repeating: .right, count: headers.count))
            for (i, v) in sw.values.enumerated() {
                var row = ["\(v)", Statistics.meanInterval(sw.pretrained[i]).formatted()]
                if hasScratch {
                    let sc = sw.scratch[i].filter { !$0.isNaN }
                    row.append(sc.count >= 2 ? Statistics.meanInterval(sc).formatted() : "n/a (N <= n_x + 1)")
                    row.append(sc.count >= 2 ? Statistics.format(Statistics.mean(sc) / Statistics.mean(sw.pretrained[i])) : "")
                }
                table.addRow(row)
            }
            out += table.render() + "\n![\(p.rawValue)](\(plotName(p)))\n\n"
        }
        if let q = r.quadrotor { out += quadrotorSection(q, settings: s) }
        return out
    }

    /// The quadrotor part's section: per-N_target gaps for each rank and from scratch.
    static func quadrotorSection(_ q: ImitationQuadrotor.Result, settings s: ImitationSettings) -> String {
        let qs = q.settings
        var out = "## Quadrotor about hover (n_x = 12, n_u = 4)\n\n"
        out += "\(qs.sources) source airframes + 1 target from \(qs.robot), mass, inertia and arm length each scaled by U[\(Statistics.format(1 - qs.variation)), "
        out += "\(Statistics.format(1 + qs.variation))]; experts = discrete LQR (dt \(qs.dt) s) gains; N_shared = \(qs.sharedSamples); "
        out += "noise: x_0 \(qs.initialStd), process \(qs.processStd), expert action \(qs.inputStd) (hover-thrust units). "
        out += "Learnt target loops with spectral radius >= 1: \(q.unstable).\n\n"
        var fr = MarkdownTable(["k", "|K_0 outside span(phi)| / |K_0| (mean over seeds)"], alignments: [.right, .right])
        for (ri, k) in qs.ranks.enumerated() { fr.addRow(["\(k)", Statistics.format(Statistics.mean(q.outside[ri]))]) }
        out += fr.render() + "\n"
        let values = qs.targetSamples.sorted()
        var headers = ["N_target"] + qs.ranks.map { "pretrained k = \($0)" } + ["scratch"]
        headers += qs.ranks.map { "scratch / k = \($0)" }
        var t = MarkdownTable(headers, alignments: Array(repeating: .right, count: headers.count))
        for (vi, v) in values.enumerated() {
            var row = ["\(v)"]
            for ri in qs.ranks.indices { row.append(Statistics.meanInterval(q.pretrained[ri][vi]).formatted()) }
            let sc = q.scratch[vi].filter { !$0.isNaN }
            row.append(sc.count >= 2 ? Statistics.meanInterval(sc).formatted() : "n/a (N <= n_x + 1)")
            for ri in qs.ranks.indices {
                row.append(sc.count >= 2 ? Statistics.format(Statistics.mean(sc) / Statistics.mean(q.pretrained[ri][vi])) : "")
            }
            t.addRow(row)
        }
        out += t.render() + "\n![quadrotor](gap-vs-ntarget-quadrotor.svg)\n\n"
        return out
    }

    /// The quadrotor part's log-log plot.
    public static func quadrotorPlot(_ q: ImitationQuadrotor.Result) -> SVGPlot {
        let values = q.settings.targetSamples.sorted()
        let sw = { (name: String, rows: [[Double]]) -> ImitationExperiment.SweepResult in
            ImitationExperiment.SweepResult(parameter: .targetSamples, sweep: .init(values: values, sources: q.settings.sources,
                                            sharedSamples: q.settings.sharedSamples, targetSamples: 0),
                                            values: values, pretrained: rows, scratch: q.scratch)
        }
        var plot = SVGPlot(title: "Quadrotor: imitation gap vs N_target", xLabel: "N_target",
                           yLabel: "imitation gap (mean squared state deviation)", xScale: .log, yScale: .log)
        for (ri, k) in q.settings.ranks.enumerated() {
            if let s = ImitationReport.plot(sw("k", q.pretrained[ri])).series.first { var s = s; s.name = "pretrained, k = \(k)"; plot.add(s) }
        }
        if let s = ImitationReport.plot(sw("k", q.pretrained[0])).series.dropFirst().first { plot.add(s) }
        return plot
    }

    static func plotName(_ p: ImitationExperiment.Parameter) -> String {
        switch p {
        case .targetSamples: "gap-vs-ntarget.svg"
        case .sources: "gap-vs-h.svg"
        case .sharedSamples: "gap-vs-nshared.svg"
        case .rank: "gap-vs-k.svg"
        }
    }

    /// One row per (sweep, value, seed): the raw gaps.
    public static func gapsCSV(_ r: ImitationExperiment.Result) -> CSVWriter {
        var csv = CSVWriter(header: ["sweep", "value", "seed", "pretrained_gap", "scratch_gap"])
        if let q = r.quadrotor {
            for (vi, v) in q.settings.targetSamples.sorted().enumerated() {
                for seed in 0..<q.seeds {
                    for (ri, k) in q.settings.ranks.enumerated() {
                        csv.addRow(["quadrotor N_target k=\(k)", "\(v)", "\(seed)", CSVWriter.field(q.pretrained[ri][vi][seed]),
                                    CSVWriter.field(q.scratch[vi][seed])])
                    }
                }
            }
        }
        for sw in r.sweeps {
            for (i, v) in sw.values.enumerated() {
                for seed in 0..<r.settings.seeds {
                    csv.addRow([sw.parameter.rawValue, "\(v)", "\(seed)", CSVWriter.field(sw.pretrained[i][seed]),
                                CSVWriter.field(sw.scratch[i][seed])])
                }
            }
        }
        return csv
    }

    /// One row per target.
    public static func summaryCSV(_ a: ImitationAnalysis) -> CSVWriter {
        var csv = CSVWriter(header: ["target", "estimate", "ci_lower", "ci_upper", "accepted_lower", "accepted_upper", "met", "margin"])
        for c in a.checks {
            csv.addRow([c.name, CSVWriter.field(c.value.estimate), CSVWriter.field(c.value.lower), CSVWriter.field(c.value.upper),
                        CSVWriter.field(c.lower), CSVWriter.field(c.upper), c.met ? "yes" : "no", CSVWriter.field(c.margin)])
        }
        return csv
    }

    /// The log-log plot of one sweep (mean gap with 95% t interval per point).
    public static func plot(_ sw: ImitationExperiment.SweepResult) -> SVGPlot {
        var plot = SVGPlot(title: "Imitation gap vs \(sw.parameter.rawValue)", xLabel: sw.parameter.rawValue,
                           yLabel: "imitation gap (mean squared state deviation)", xScale: .log, yScale: .log)
        func series(_ name: String, _ rows: [[Double]]) -> SVGPlot.Series? {
            var x: [Double] = [], y: [Double] = [], lo: [Double] = [], hi: [Double] = []
            for (i, v) in sw.values.enumerated() {
                let vals = rows[i].filter { !$0.isNaN }
                guard vals.count >= 2 else { continue }
                let ci = Statistics.meanInterval(vals)
                x.append(Double(v)); y.append(ci.estimate); lo.append(ci.lower); hi.append(ci.upper)
            }
            return x.isEmpty ? nil : SVGPlot.Series(name: name, x: x, y: y, lower: lo, upper: hi, style: .lineAndPoints)
        }
        if let p = series("pretrained phi + target head", sw.pretrained) { plot.add(p) }
        if let s = series("from scratch", sw.scratch) { plot.add(s) }
        return plot
    }

    /// Writes everything into `directory` (created); returns the file names.
    @discardableResult
    public static func write(_ r: ImitationExperiment.Result, _ a: ImitationAnalysis, to directory: String, command: String,
                             seconds: Double) throws -> [String] {
        try OutputPath.prepareDirectory(directory, source: "--out")
        var files: [String] = []
        try AtomicFile.write(markdown(r, a, command: command, seconds: seconds), to: directory + "/report.md"); files.append("report.md")
        try gapsCSV(r).write(to: directory + "/gaps.csv"); files.append("gaps.csv")
        try summaryCSV(a).write(to: directory + "/summary.csv"); files.append("summary.csv")
        for sw in r.sweeps {
            try plot(sw).write(to: directory + "/" + plotName(sw.parameter))
            files.append(plotName(sw.parameter))
        }
        if let q = r.quadrotor {
            try quadrotorPlot(q).write(to: directory + "/gap-vs-ntarget-quadrotor.svg")
            files.append("gap-vs-ntarget-quadrotor.svg")
        }
        return files
    }
}
