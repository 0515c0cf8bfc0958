import Diagnostics
import Foundation

extension GtSRealCurve {
    /// The printed report: snapshots with their transfer-diagnostic losses, the reproduction
    /// check against the run's checkpoints, wall times.
    public static func markdown(_ r: Result, command: String) -> String {
        func f(_ x: Double, _ d: Int = 4) -> String { String(format: "%.\(d)f", x) }
        var s = "# GtS real-phase learning curve\n\n`\(command)`\n\n"
        s += "Real data: the main budget re-collected from the config (hash \(r.dataHash), equal to the run's GtS checkpoint). "
        s += "Step 0 is sim-only. Loss: mask-weighted training loss (weighted cross-entropy) on the transfer diagnostic's fresh "
        s += "sim- and real-profile sets from the training worlds (nothing trains on them).\n\n"
        s += "| model | real-phase steps | loss, sim set | loss, real set | file |\n|:--|--:|--:|--:|:--|\n"
        for snap in r.snapshots {
            let l = r.losses.first { $0.method == snap.method && $0.steps == snap.steps }
            s += "| \(snap.name) | \(snap.steps) | \(l.map { f($0.sim) } ?? "-") | \(l.map { f($0.real) } ?? "-") | `\((snap.file as NSString).lastPathComponent)` |\n"
        }
        s += "\n"
        for (method, w) in r.reproducesRun.sorted(by: { $0.key < $1.key }) {
            s += "- \(method): the snapshot at the config's realUpdates " + (w.bitIdentical ? "has the weights of the run's checkpoint bit for bit.\n"
                : "differs from the run's checkpoint in \(w.tensorsDiffering) tensors, largest weight difference \(String(format: "%.3g", w.maxDifference)).\n")
        }
        for (method, curve) in r.trainingCurves.sorted(by: { $0.key < $1.key }) {
            s += "- \(method): mean training loss per pass: " + curve.map { f(Double($0)) }.joined(separator: ", ") + "\n"
        }
        s += "\nWall time: " + r.seconds.sorted(by: { $0.key < $1.key }).map { "\($0.key) \(f($0.value, 0)) s" }.joined(separator: ", ") + ".\n"
        return s
    }

    /// Writes `real-curve.md` and `real-curve.csv` (method, steps, losses, file) into `out`.
    public static func write(_ r: Result, to out: String, command: String) throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try AtomicFile.write(markdown(r, command: command), to: out + "/real-curve.md")
        var csv = CSVWriter(header: ["method", "steps", "sim_loss", "real_loss", "file"])
        for snap in r.snapshots {
            let l = r.losses.first { $0.method == snap.method && $0.steps == snap.steps }
            csv.addRow([snap.method, "\(snap.steps)", l.map { "\($0.sim)" } ?? "", l.map { "\($0.real)" } ?? "", snap.file])
        }
        try csv.write(to: out + "/real-curve.csv")
    }
}
