import Diagnostics
import Foundation

/// The report of an LDM experiment: per filter kind and threshold, crash rate, fraction of OOD
/// steps, task progress and model error along the flown path, with 95 % CIs. Written as
/// Markdown (`report.md`), CSV (`summary.csv`, `episodes.csv`) and SVG plots against the
/// threshold percentile (`crash_rate.svg`, `ood_fraction.svg`, `progress.svg`, `model_error.svg`).
public struct LDMReport: Sendable {
    public var title: String
    /// Free-form lines printed under the title (settings, model fit figures, commands).
    public var notes: [String]
    public var results: [LDMConditionResult]

    public init(title: String, notes: [String] = [], results: [LDMConditionResult]) {
        self.title = title
        self.notes = notes
        self.results = results
    }

    /// The result of one condition.
    public func result(_ kind: SafetyFilterKind, percentile: Double? = nil) -> LDMConditionResult? {
        results.first { $0.spec.kind == kind && $0.spec.level?.percentile == percentile }
    }

    static let summaryHeader = ["filter", "kind", "percentile", "log_c", "episodes", "crash_rate", "crash_lo", "crash_hi",
                                "ood_fraction", "ood_lo", "ood_hi", "progress", "progress_lo", "progress_hi",
                                "model_error", "model_error_lo", "model_error_hi", "fallback_fraction"]

    /// One row per condition.
    public func summaryCSV() -> CSVWriter {
        var csv = CSVWriter(header: LDMReport.summaryHeader)
        for r in results {
            let c = r.crashRate, o = r.oodFraction, p = r.progress, m = r.modelError
            csv.addRow([r.spec.name, r.spec.kind.rawValue, r.spec.level.map { CSVWriter.field($0.percentile) } ?? "",
                        r.spec.level.map { CSVWriter.field($0.logLevel) } ?? "", "\(r.episodes.count)"]
                       + [c.estimate, c.lower, c.upper, o.estimate, o.lower, o.upper, p.estimate, p.lower, p.upper,
                          m.estimate, m.lower, m.upper, r.fallbackFraction].map(CSVWriter.field))
        }
        return csv
    }

    /// One row per episode.
    public func episodesCSV() -> CSVWriter {
        var csv = CSVWriter(header: ["filter", "episode", "steps", "crashed", "ood_steps", "fallback_steps", "progress", "model_error"])
        for r in results {
            for (i, e) in r.episodes.enumerated() {
                csv.addRow([r.spec.name, "\(i)", "\(e.steps)", e.crashed ? "1" : "0", "\(e.oodSteps)", "\(e.fallbackSteps)",
                            CSVWriter.field(e.progress), CSVWriter.field(e.modelError)])
            }
        }
        return csv
    }

    /// The Markdown report.
    public func markdown() -> String {
        var t = MarkdownTable(["filter", "episodes", "crash rate", "OOD step fraction", "task progress", "model error", "fallback"],
                              alignments: [.left, .right, .right, .right, .right, .right, .right])
        for r in results {
            t.addRow([r.spec.name, "\(r.episodes.count)", r.crashRate.formatted(), r.oodFraction.formatted(),
                      r.progress.formatted(), r.modelError.formatted(), Statistics.format(r.fallbackFraction)])
        }
        var s = "# \(title)\n\n"
        for n in notes { s += "- \(n)\n" }
        if !notes.isEmpty { s += "\n" }
        s += "Estimates with 95 % confidence intervals: crash rate Wilson; OOD fraction, progress and model error"
        s += " t intervals over per-episode values.\n\n"
        s += t.render()
        s += "\nPlots: crash_rate.svg, ood_fraction.svg, progress.svg, model_error.svg (against the threshold percentile;"
        s += " `none` drawn as a flat line).\n"
        return s
    }

    /// One plot per metric against the threshold percentile, one series per filter kind.
    public func plots() -> [(file: String, plot: SVGPlot)] {
        let metrics: [(String, String, (LDMConditionResult) -> ConfidenceInterval)] = [
            ("crash_rate.svg", "crash rate", { $0.crashRate }),
            ("ood_fraction.svg", "fraction of OOD steps", { $0.oodFraction }),
            ("progress.svg", "task progress", { $0.progress }),
            ("model_error.svg", "model error along the path", { $0.modelError }),
        ]
        let percentiles = Array(Set(results.compactMap { $0.spec.level?.percentile })).sorted()
        return metrics.map { file, label, metric in
            var plot = SVGPlot(title: "\(title): \(label)", xLabel: "threshold percentile of training log p", yLabel: label)
            for kind in SafetyFilterKind.allCases {
                let rs = results.filter { $0.spec.kind == kind }
                if rs.isEmpty { continue }
                var xs: [Double] = [], ci: [ConfidenceInterval] = []
                if kind == .none, let r = rs.first, !percentiles.isEmpty {
                    xs = [percentiles.first!, percentiles.last!]
                    ci = [metric(r), metric(r)]
                } else {
                    for r in rs.sorted(by: { ($0.spec.level?.percentile ?? 0) < ($1.spec.level?.percentile ?? 0) }) {
                        xs.append(r.spec.level?.percentile ?? 0)
                        ci.append(metric(r))
                    }
                }
                plot.add(.init(name: kind.rawValue, x: xs, y: ci.map(\.estimate), lower: ci.map(\.lower), upper: ci.map(\.upper),
                               uncertainty: .errorBars, style: .lineAndPoints))
            }
            return (file, plot)
        }
    }

    /// Writes report.md, summary.csv, episodes.csv and the plots into `directory` (created if
    /// missing). Returns the paths written.
    @discardableResult
    public func write(to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let dir = URL(fileURLWithPath: directory)
        var written: [String] = []
        func path(_ name: String) -> String { let p = dir.appendingPathComponent(name).path; written.append(p); return p }
        try AtomicFile.write(markdown(), to: path("report.md"))
        try summaryCSV().write(to: path("summary.csv"))
        try episodesCSV().write(to: path("episodes.csv"))
        for (file, plot) in plots() { try plot.write(to: path(file)) }
        return written
    }
}
