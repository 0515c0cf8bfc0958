import Diagnostics
import Foundation

extension GtSPlanTruth {
    /// The printed report: per model, AUC and the true collision rates of its picks.
    public static func markdown(_ r: Result, command: String) -> String {
        func f(_ x: Double, _ d: Int = 3) -> String { String(format: "%.\(d)f", x) }
        let ticks = r.perTick.reduce(0) { $0 + $1.count }
        let mixed = Int((r.mixedTickFraction * Double(ticks)).rounded())
        var s = "# GtS plan ground truth\n\n`\(command)`\n\n"
        s += "Pilot: \(r.pilot), \(r.episodes.count) real-profile episodes in the \(r.worldSet) worlds; every \(r.every)th tick (\(ticks) ticks) "
        s += "each first-iteration candidate was flown for \(r.horizon) steps from a copy of the tick's env state (\(r.rollouts) rollouts, "
        s += "\(r.rolloutSteps) env steps); wall time \(f(r.seconds, 0)) s. \(f(100 * r.candidateCollisionRate, 1)) % of the candidates "
        s += "truly collide; \(mixed) ticks (\(f(100 * r.mixedTickFraction, 1)) %) have both outcomes (AUC is defined there only). "
        s += "Score: the planner's cost. best = the model's lowest-cost candidate; elite = the candidate nearest the mean of its "
        s += "\(r.elites) best.\n\n"
        s += "Blank image: the same candidates scored with every input value at the tick's mean (the action-only prior); "
        s += "action share: squared correlation of the real-image and blank-image costs over a tick's candidates.\n\n"
        s += "| model | AUC (mixed ticks) | P(best collides) all | P(elite collides) all | P(best collides) mixed | P(elite collides) mixed | blank-image AUC | action share |\n"
        s += "|:--|--:|--:|--:|--:|--:|--:|--:|\n"
        for m in r.summaries {
            s += "| \(m.model) | \(f(m.auc)) | \(f(m.bestCollisionRate)) | \(f(m.eliteCollisionRate)) | \(f(m.bestCollisionRateMixed)) | \(f(m.eliteCollisionRateMixed)) | "
                + "\(f(m.blankAUC)) | \(f(m.actionShare)) |\n"
        }
        s += "| *random candidate* | 0.500 | \(f(r.candidateCollisionRate)) | | | | | |\n"
        s += GtSPlanAgreement.pilotSummary(r.episodes)
        return s
    }

    /// Writes `plan-truth.md`, `plan-truth.csv` (per model) and `plan-truth-ticks.csv` (every
    /// sampled tick and model, for `tools/gts_plan_ci.py`) into `out`.
    public static func write(_ r: Result, to out: String, command: String) throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try AtomicFile.write(markdown(r, command: command), to: out + "/plan-truth.md")
        var sum = CSVWriter(header: ["model", "ticks", "auc_ticks", "auc", "best_collision_rate", "elite_collision_rate",
                                     "best_collision_rate_mixed", "elite_collision_rate_mixed", "blank_auc", "action_share"])
        for m in r.summaries {
            sum.addRow([m.model, "\(m.ticks)", "\(m.aucTicks)", "\(m.auc)", "\(m.bestCollisionRate)", "\(m.eliteCollisionRate)",
                        "\(m.bestCollisionRateMixed)", "\(m.eliteCollisionRateMixed)", "\(m.blankAUC)", "\(m.actionShare)"])
        }
        try sum.write(to: out + "/plan-truth.csv")
        var ticks = CSVWriter(header: ["world", "episode", "tick", "candidates", "collided", "model", "auc", "best_collided", "elite_collided",
                                       "blank_auc", "action_share"])
        func optional(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        for (ei, ep) in r.episodes.enumerated() {
            for t in r.perTick[ei] {
                for (mi, m) in t.models.enumerated() {
                    ticks.addRow(["\(ep.world)", "\(ep.episode)", "\(t.tick)", "\(t.candidates)", "\(t.collided)", r.models[mi], optional(m.auc),
                                  m.bestCollided ? "1" : "0", m.eliteCollided ? "1" : "0", optional(m.blankAUC), optional(m.actionShare)])
                }
            }
        }
        try ticks.write(to: out + "/plan-truth-ticks.csv")
        try GtSPlanAgreement.episodesCSV(r.episodes).write(to: out + "/plan-truth-episodes.csv")
    }
}
