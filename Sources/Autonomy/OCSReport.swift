import Diagnostics
import Foundation
import Models
import Neural

/// Writes an OCS run's report (report.md), CSVs, SVG plots and the two models' checkpoints.
public enum OCSReport {
    /// The checkpoint architecture name of a model kind ("ocs-rewardRegression-v1").
    public static func architecture(_ kind: OCSModelKind) -> String { "ocs-\(kind.rawValue)-v1" }

    /// Writes every file into `dir` (which must exist); returns their names.
    @discardableResult
    public static func write(_ r: OCSResult, _ a: OCSAnalysis, to dir: String, command: String, seconds: Double) throws -> [String] {
        var files: [String] = []
        func path(_ name: String) -> String { files.append(name); return (dir as NSString).appendingPathComponent(name) }
        let f = { (v: Double) in Statistics.format(v) }

        // levels.csv: every (rung, severity, model) mean
        var levels = CSVWriter(header: ["rung", "severity", "model", "samples", "collision_rate", "distance_to_ocs", "feature_norm",
                                        "abstain_rate", "mean_reward"])
        for l in r.levels {
            for (m, s) in r.models.enumerated() {
                let v = l.models[m]
                levels.addRow([l.rung.rawValue, "\(l.severity)", s.model.kind.rawValue, "\(v.reward.count)", CSVWriter.field(l.collisionRate),
                               CSVWriter.field(Statistics.mean(v.distance)), CSVWriter.field(Statistics.mean(v.featureNorm)),
                               CSVWriter.field(Double(v.abstained.filter { $0 }.count) / Double(v.abstained.count)),
                               CSVWriter.field(Statistics.mean(v.reward))])
            }
        }
        try levels.write(to: path("levels.csv"))
        var trends = CSVWriter(header: ["scope", "model", "metric", "rho", "rho_lower", "rho_upper"] + (0...5).map { "mean_s\($0)" })
        for t in a.trends {
            trends.addRow([t.scope, t.model.rawValue, t.metric.rawValue, CSVWriter.field(t.rho.estimate), CSVWriter.field(t.rho.lower),
                           CSVWriter.field(t.rho.upper)] + t.levelMeans.map(CSVWriter.field))
        }
        try trends.write(to: path("spearman.csv"))
        var gaps = CSVWriter(header: ["scope", "severity", "reward_regression", "classifier", "difference", "difference_lower", "difference_upper"])
        for g in a.gaps {
            gaps.addRow([g.scope, "\(g.severity)", CSVWriter.field(g.regression), CSVWriter.field(g.classifier), CSVWriter.field(g.difference.estimate),
                         CSVWriter.field(g.difference.lower), CSVWriter.field(g.difference.upper)])
        }
        try gaps.write(to: path("rewards.csv"))
        var training = CSVWriter(header: ["model", "epoch", "train_loss"])
        for s in r.models { for (e, l) in s.trainLosses.enumerated() { training.addRow([s.model.kind.rawValue, "\(e + 1)", CSVWriter.field(l)]) } }
        try training.write(to: path("training.csv"))
        var outputs = CSVWriter(header: ["rung", "severity", "model", "output", "mean", "ocs"])
        let extremeRows = zip(OCSExperiment.extremeNames, r.extremes).map { ($0, $1) }
        for (name, l) in r.levels.map({ ($0.rung.rawValue, $0) }) + extremeRows {
            for (m, s) in r.models.enumerated() {
                for (k, v) in l.models[m].meanOutputs.enumerated() {
                    outputs.addRow([name, name == l.rung.rawValue ? "\(l.severity)" : "", s.model.kind.rawValue, "\(k)", CSVWriter.field(v), CSVWriter.field(s.ocs[k])])
                }
            }
        }
        try outputs.write(to: path("outputs.csv"))

        // plots: one per metric, a line per rung and the pooled ladder, both models
        let x = OCSAnalysis.severities
        let labels: [OCSAnalysis.Metric: String] = [.distance: "mean |output - OCS| / value at severity 0", .featureNorm: "feature norm / value at severity 0",
                                                    .abstain: "abstain rate", .reward: "mean reward"]
        for metric in OCSAnalysis.Metric.allCases {
            for kind in OCSModelKind.allCases {
                var plot = SVGPlot(title: "\(kind.rawValue): \(metric.rawValue) along the ladder", xLabel: "severity", yLabel: labels[metric]!)
                for t in a.trends where t.metric == metric && t.model == kind {
                    let relative = metric == .distance || metric == .featureNorm
                    let y = relative && t.levelMeans[0] != 0 ? t.levelMeans.map { $0 / t.levelMeans[0] } : t.levelMeans
                    plot.add(.init(name: t.scope, x: x, y: y, style: .lineAndPoints))
                }
                try plot.write(to: path("\(metric.rawValue)-\(kind.rawValue).svg"))
            }
        }

        // the models
        for s in r.models {
            let meta = CheckpointMetadata(architecture: architecture(s.model.kind),
                                          trainingConfig: ["epochs": "\(r.settings.training.epochs)", "batch": "\(r.settings.training.batchSize)",
                                                           "lr": "\(r.settings.training.learningRate)", "positive_weight": "\(s.model.positiveWeight)"],
                                          extra: ["network": s.model.network.config.metadataValue, "actions": "\(s.model.actions)",
                                                  "ocs": s.ocs.map { "\($0)" }.joined(separator: ","),
                                                  "threshold": s.threshold.map { "\($0)" } ?? "",
                                                  "command": command])
            try Checkpoint.save(s.model.parameters, metadata: meta, to: path("\(s.model.kind.rawValue).safetensors"))
            files.append("\(s.model.kind.rawValue).safetensors.json")
        }

        // report.md
        let st = r.settings
        var md = "# OCS: predictions revert to the optimal constant solution (METHODS.md 4)\n\n"
        md += "Command: `\(command)` (\(Progress.formatDuration(seconds))).\n\n"
        md += "## Targets\n\n"
        md += TargetCheck.table(a.checks) + "\n"
        md += "## Data\n\n"
        md += "Images \(st.data.imageWidth)x\(st.data.imageHeight) gray, \(Int(st.data.fieldOfView)) deg, sim profile, level camera at \(st.data.altitude) m. "
        md += "K = \(st.data.yawRatesDegrees.count) primitives: yaw rates \(st.data.yawRatesDegrees.map { f($0) }.joined(separator: ", ")) deg/s held for "
        md += "\(st.data.horizon) steps of 0.25 s at \(st.data.forwardSpeed) m/s, labelled by the privileged kinematic rollout in the true world; abstain = hover.\n\n"
        var data = MarkdownTable(["split", "worlds", "samples", "collision rate per primitive"], alignments: [.left, .right, .right, .left])
        let names = OCSExperiment.specs(st)
        data.addRow(["train", "\(names.train.count) (\(names.train.first!)...)", "\(r.trainCount)", r.trainCollisionRates.map(f).joined(separator: ", ")])
        data.addRow(["validation", "\(names.validation.count) (\(names.validation.first!)...)", "\(r.validationCount)", r.validationCollisionRates.map(f).joined(separator: ", ")])
        data.addRow(["test (clean)", "\(names.test.count) (\(names.test.first!)...)", "\(r.testCount)", r.testCollisionRates.map(f).joined(separator: ", ")])
        md += data.render() + "\n"
        md += "## Models\n\n"
        var models = MarkdownTable(["model", "outputs", "OCS", "train loss (first -> last epoch)", "validation loss", "validation reward",
                                    "validation abstain rate", "threshold on P(safe)"],
                                   alignments: [.left, .right, .left, .left, .right, .right, .right, .right])
        for s in r.models {
            models.addRow([s.model.kind.rawValue, "\(s.model.outputs)", s.ocs.map(f).joined(separator: ", "),
                           "\(f(s.trainLosses.first!)) -> \(f(s.trainLosses.last!))", f(s.validationLoss), f(s.validationReward),
                           f(s.validationAbstainRate), s.threshold.map(f) ?? "-"])
        }
        md += models.render() + "\n"
        md += "## Spearman rho across severities 0..5 (95% bootstrap CI)\n\n"
        var rho = MarkdownTable(["scope", "model"] + OCSAnalysis.Metric.allCases.map(\.rawValue), alignments: nil)
        for scope in st.rungs.map(\.rawValue) + [OCSAnalysis.pooled] {
            for kind in OCSModelKind.allCases {
                rho.addRow([scope, kind.rawValue] + OCSAnalysis.Metric.allCases.map { m in
                    a.trends.first { $0.scope == scope && $0.model == kind && $0.metric == m }!.rho.formatted()
                })
            }
        }
        md += rho.render() + "\n"
        md += "## Per-level means\n\n"
        var lv = MarkdownTable(["scope", "model", "metric"] + (0...5).map { "s\($0)" }, alignments: nil)
        for t in a.trends { lv.addRow([t.scope, t.model.rawValue, t.metric.rawValue] + t.levelMeans.map(f)) }
        md += lv.render() + "\n"
        md += "## Mean reward per severity (regression minus classifier, 95% t interval over paired samples)\n\n"
        var gt = MarkdownTable(["scope", "severity", "reward regression", "threshold classifier", "difference"], alignments: nil)
        for g in a.gaps { gt.addRow([g.scope, "\(g.severity)", f(g.regression), f(g.classifier), g.difference.formatted()]) }
        md += gt.render() + "\n"
        md += "## Where the predictions go (mean output per level; last row of each model = its OCS)\n\n"
        md += "Outputs: rewards of primitives 0..K-1 and abstain for the regression model, P(collide) of each primitive for the classifier. "
        md += "The last two scopes are diagnostics beyond the ladder, not targets: blank images (every pixel 128) and uniform noise images, on the clean test labels.\n\n"
        var ot = MarkdownTable(["scope", "severity", "model", "mean outputs", "distance to OCS", "abstain rate", "mean reward"], alignments: nil)
        for (m, s) in r.models.enumerated() {
            for (name, l) in r.levels.filter({ $0.rung == st.rungs.first! || $0.severity == 5 }).map({ ($0.rung.rawValue, $0) }) + extremeRows {
                let v = l.models[m]
                ot.addRow([name, name == l.rung.rawValue ? "\(l.severity)" : "-", s.model.kind.rawValue, v.meanOutputs.map(f).joined(separator: ", "),
                           f(Statistics.mean(v.distance)), f(Double(v.abstained.filter { $0 }.count) / Double(v.abstained.count)), f(Statistics.mean(v.reward))])
            }
            ot.addRow(["OCS", "-", s.model.kind.rawValue, s.ocs.map(f).joined(separator: ", "), "0", "-", "-"])
        }
        md += ot.render()
        if !r.closedLoop.isEmpty {
            let c = st.closedLoop
            md += "\n## Closed loop (\(c.rung.rawValue) on the camera, \(c.worlds) held-out worlds x \(c.episodesPerWorld) episodes, \(f(c.episodeTime)) s limit; abstain = hover for the step)\n\n"
            var cl = MarkdownTable(["model", "severity", "episodes", "collided [95% CI]", "path length per episode, m [95% CI]", "hover fraction"], alignments: nil)
            var csv = CSVWriter(header: ["model", "severity", "episodes", "collisions", "mean_distance", "hover_fraction"])
            for row in r.closedLoop {
                let rate = Statistics.wilsonInterval(successes: row.collisions, trials: row.episodes)
                let dist = row.distances.count > 1 ? Statistics.meanInterval(row.distances).formatted() : f(Statistics.mean(row.distances))
                cl.addRow([row.model.rawValue, "\(row.severity)", "\(row.episodes)", rate.formatted(), dist, f(row.hoverFraction)])
                csv.addRow([row.model.rawValue, "\(row.severity)", "\(row.episodes)", "\(row.collisions)", CSVWriter.field(Statistics.mean(row.distances)),
                            CSVWriter.field(row.hoverFraction)])
            }
            md += cl.render()
            try csv.write(to: path("closedloop.csv"))
        }
        try AtomicFile.write(md, to: path("report.md"))
        return files
    }
}
