import Diagnostics
import Foundation

/// Writes the premem experiment's report.md, CSVs and SVG plots.
public enum PreMemReport {
    static func f(_ v: Double) -> String { Statistics.format(v) }

    public static func markdown(_ r: PreMemExperiment.Result, command: String, seconds: Double) -> String {
        let s = r.settings, t = s.task
        var out = "# Pre-memorization train accuracy (METHODS.md 6)\n\n"
        out += "command: `\(command)`\n\n"
        out += "Task: \(t.robot) at its fixed altitude, \(f(t.forwardSpeed)) m/s, \(t.steps) steps of \(t.tokens) yaw-rate tokens; "
        out += "goal \(f(t.goalDistance)) m away (bearing +-\(f(t.goalBearing)) rad), success = end within \(f(t.goalRadius)) m without contact. "
        out += "Query = \(t.scanRays)-ray privileged range scan + goal in the body frame. \(t.trainWorlds.count) training worlds, "
        out += "\(t.testWorlds.count) held-out test worlds; pool \(r.poolSize) demonstrations (of \(r.poolAttempts) queries drawn), \(r.testSize) test queries (of \(r.testAttempts)) (new starts in the \(s.testOn == "trainingWorlds" ? "training" : "held-out") worlds). "
        out += "\(s.samples) samples at temperature \(f(s.temperature)); memorised below perplexity \(f(s.memorizationPerplexity)); "
        out += "\(s.checkpoints) checkpoints per run. Seed \(s.seed). Wall time \(Progress.formatDuration(seconds)).\n\n"

        out += "## Targets\n\n"
        var ct = MarkdownTable(["target", "value", "accepted", "met"], alignments: [.left, .right, .center, .center])
        for c in r.checks { ct.addRow([c.name, f(c.value), c.threshold, c.met ? "yes" : "no"]) }
        out += ct.render() + "\n"

        if !r.runs.isEmpty {
            out += "## (a) Training configurations\n\n"
            var g = MarkdownTable(["config", "premem", "final train loss", "final train acc", "memorised", "test acc"],
                                  alignments: [.left, .right, .right, .right, .right, .right])
            for run in r.runs {
                g.addRow([run.config.name, f(run.datasetPremem), f(run.finalTrainLoss), f(run.finalTrainAccuracy),
                          f(run.memorizedFraction), f(run.testAccuracy)])
            }
            out += g.render() + "\n"
            var ft = MarkdownTable(["predictor", "R^2 [95% bootstrap CI over configs]", "slope", "intercept"], alignments: [.left, .right, .right, .right])
            for fit in r.fits {
                ft.addRow([fit.predictor, fit.rSquared.formatted(), fit.fit.map { f($0.slope) } ?? "constant", fit.fit.map { f($0.intercept) } ?? ""])
            }
            out += ft.render() + "\n![premem](premem_vs_test.svg) ![train accuracy](train_accuracy_vs_test.svg) ![train loss](train_loss_vs_test.svg)\n\n"
        }
        if let c = r.curation {
            out += "## (b) Curation near low-premem examples vs i.i.d. collection\n\n"
            out += "Base: \(s.curationBase) examples, \(s.curationConfig.name) (premem \(f(c.base.datasetPremem)), test \(f(c.base.testAccuracy))). "
            out += "Curated starts: N(0, \(f(s.curationPositionStd)) m) / N(0, \(f(s.curationYawStd)) rad) around \(c.lowIndices.count) \(s.curationSelection == "random" ? "randomly chosen (control)" : "lowest-premem") base examples "
            out += "(same goal); i.i.d.: fresh queries in the training worlds. Test accuracy, mean over \(s.curationSeeds) training seed(s).\n\n"
            var ctab = MarkdownTable(["added", "i.i.d.", "curated"], alignments: [.right, .right, .right])
            for p in c.points { ctab.addRow(["\(p.added)", f(Statistics.mean(p.iid)), f(Statistics.mean(p.curated))]) }
            out += ctab.render() + "\n"
            out += "i.i.d.'s final success \(f(c.target)) at \(c.added) added (its curve first reaches it at \(c.iidNeeded.map { f($0) } ?? "n/a") added); "
            out += "curated reaches it at " + (c.curatedNeeded.map { "\(f($0)) added: ratio \(f($0 / Double(c.added)))" } ?? "no size run (ratio > 1)")
            if !c.iidImproved { out += " (void: i.i.d. collection did not improve on the base)" }
            out += ".\n\n![curation](curation.svg)\n\n"
        }
        if let rb = r.robustness {
            out += "## (c) Robustness: low premem flags fragile starts\n\n"
            out += "Base model above; each base example's start perturbed \(s.robustnessPerturbations)x (N(0, \(f(s.robustnessPositionStd)) m), "
            out += "N(0, \(f(s.robustnessYawStd)) rad), kept when the demonstration planner solves it); fragile = mean sampled success < \(f(s.fragileBelow)). "
            out += "\(rb.example.count) examples, \(rb.fragile.filter { $0 }.count) fragile.\n\n"
            out += "AUROC of 1 - premem: \(rb.aurocCI?.formatted() ?? "n/a (one class)"); of 1 - final train accuracy: "
            out += "\(rb.aurocFinalAccuracy.map { f($0) } ?? "n/a").\n"
        } else if s.parts.contains("c") == false {
            out += "## (c) not run (parts = \(s.parts.joined(separator: ",")))\n"
        }
        return out
    }

    @discardableResult
    public static func write(_ r: PreMemExperiment.Result, to dir: String, command: String, seconds: Double) throws -> [String] {
        func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }
        var files: [String] = []
        try AtomicFile.write(markdown(r, command: command, seconds: seconds), to: path("report.md"))
        files.append("report.md")
        if !r.runs.isEmpty {
            var csv = CSVWriter(header: ["config", "examples", "learning_rate", "width", "epochs", "premem", "final_train_loss",
                                         "final_train_accuracy", "memorized_fraction", "test_accuracy"])
            for run in r.runs {
                let c = run.config
                csv.addRow([c.name, "\(c.examples)", "\(c.learningRate)", "\(c.width)", "\(c.epochs)", "\(run.datasetPremem)",
                            "\(run.finalTrainLoss)", "\(run.finalTrainAccuracy)", "\(run.memorizedFraction)", "\(run.testAccuracy)"])
            }
            try csv.write(to: path("configs.csv"))
            files.append("configs.csv")
            let y = r.runs.map(\.testAccuracy)
            for (name, key, file, x) in [("premem", "premem", "premem_vs_test.svg", r.runs.map(\.datasetPremem)),
                                         ("final train accuracy", "final train accuracy", "train_accuracy_vs_test.svg", r.runs.map(\.finalTrainAccuracy)),
                                         ("final train loss (nats/token)", "final train loss", "train_loss_vs_test.svg", r.runs.map(\.finalTrainLoss))] {
                var plot = SVGPlot(title: "test accuracy vs \(name)", xLabel: name, yLabel: "test accuracy")
                plot.add(.init(name: "configurations", x: x, y: y, style: .scatter))
                if let fit = r.fits.first(where: { $0.predictor == key }), let line = fit.fit, let lo = x.min(), let hi = x.max() {
                    plot.add(.init(name: "OLS fit, R^2 \(f(fit.rSquared.estimate))", x: [lo, hi], y: [line.predict(lo), line.predict(hi)], style: .line))
                }
                try plot.write(to: path(file))
                files.append(file)
            }
        }
        if let c = r.curation {
            var csv = CSVWriter(header: ["added", "arm", "seed", "test_accuracy"])
            for p in c.points {
                for (i, v) in p.iid.enumerated() { csv.addRow(["\(p.added)", "iid", "\(i)", "\(v)"]) }
                for (i, v) in p.curated.enumerated() { csv.addRow(["\(p.added)", "curated", "\(i)", "\(v)"]) }
            }
            try csv.write(to: path("curation.csv"))
            var plot = SVGPlot(title: "curation vs i.i.d. collection", xLabel: "added demonstrations", yLabel: "test accuracy")
            let x = c.points.map { Double($0.added) }
            plot.add(.init(name: "i.i.d.", x: x, y: c.points.map { Statistics.mean($0.iid) }, style: .lineAndPoints))
            plot.add(.init(name: "near low premem", x: x, y: c.points.map { Statistics.mean($0.curated) }, style: .lineAndPoints))
            try plot.write(to: path("curation.svg"))
            files += ["curation.csv", "curation.svg"]
        }
        if let rb = r.robustness {
            var csv = CSVWriter(header: ["example", "premem", "final_accuracy", "perturbed_success", "fragile"])
            for i in rb.example.indices {
                csv.addRow(["\(rb.example[i])", "\(rb.premem[i])", "\(rb.finalAccuracy[i])", "\(rb.perturbedSuccess[i])", rb.fragile[i] ? "1" : "0"])
            }
            try csv.write(to: path("robustness.csv"))
            files.append("robustness.csv")
        }
        return files
    }
}
