import Diagnostics
import Dispatch
import Foundation
import Geometry
import Models
import Physics
import Synchronization

/// Why the flight experiment's filters fall back (docs/ldm.md, "Fallback diagnosis"): flies the
/// same paired episodes as `LDMFlightExperiment.sweep` for every filtered condition and, with a
/// fine grid over the whole action box, asks at every fallback tick whether the state had already
/// left the filter's admissible set (min over the grid of the value above the threshold) or the
/// planner's candidates only missed admissible first actions (the grid finds one), and at every
/// admissible tick whether the filter's one-step promise held (some action admissible at the next
/// state, true and as the learned model predicts it). The value is G for the LDM filter and
/// -log p for greedy.
public enum LDMFlightDiagnosis {
    /// Counts for one condition (sums over its episodes).
    public struct Row: Sendable {
        public var name: String
        public var threshold: Float
        public var ticks = 0
        public var fallbackTicks = 0
        /// Fallback ticks whose grid minimum is above the threshold (the state left the set).
        public var leftSet = 0
        /// Fallback ticks whose grid finds an admissible action (the candidates missed it).
        public var missed = 0
        /// Sum over `leftSet` ticks of (grid minimum - threshold), nats.
        public var leftExcess = 0.0
        /// Ticks whose executed (s, a) is admissible (value <= threshold).
        public var admissibleTicks = 0
        /// Of those: no grid action admissible at the true next state / at f(s, a) of the
        /// learned model.
        public var inconsistentTrue = 0
        public var inconsistentPredicted = 0
        /// Sum over `inconsistentTrue` ticks of (threshold - value(s, a)), nats: how close to
        /// the edge the broken promises were.
        public var inconsistentSlack = 0.0
        /// Admissible ticks at which a uniformly drawn admissible grid action at s_t (instead of
        /// the planner's) was checked, and of those, no grid action admissible at its learned-model
        /// prediction: the promise of a random admissible action at the same visited state.
        public var randomChecked = 0
        public var randomInconsistentPredicted = 0

        // where the OOD steps come from (session 6): an *entry* is an OOD tick (executed pair out
        // of distribution) whose previous tick was in distribution; an *exit* is a planned
        // (non-fallback) tick followed by a fallback tick: the vehicle left the admissible set
        /// OOD steps per episode, in episode order.
        public var episodeOOD: [Int] = []
        /// OOD entries, and those at an episode's first tick (no tick before them).
        public var entries = 0
        public var entriesAtStart = 0
        /// Entries whose own tick was a fallback tick (else the filter admitted an OOD pair).
        public var entryFallback = 0
        /// Entries whose previous tick was a fallback tick, and the sum over those of the grid
        /// minimum of the value minus the threshold at the previous tick (nats).
        public var beforeFallback = 0
        public var beforeExcess = 0.0
        /// Exits from the admissible set (fallback runs that follow a planned tick), and those whose
        /// fallback run contains an OOD entry before the filter finds an admissible action again.
        public var exits = 0
        public var exitsToOOD = 0
        /// At the exit tick of each fallback run that reaches OOD (the last planned tick before the
        /// entry): the executed pair's margin under the threshold (sum, nats); no grid action
        /// admissible at the learned model's f(s, a) (G's own promise broken) / at the true next
        /// state; admissible at both (the planner's candidates missed an admissible action at the
        /// next tick); grid minimum - threshold at f(s, a) and at the true next state (sums, nats);
        /// the learned model's |v_pred - v_true| (sum, m/s); ticks from the exit to the entry (sum).
        public var exitMargin = 0.0
        public var exitBrokenPredicted = 0
        public var exitBrokenTrue = 0
        public var exitHeldBoth = 0
        public var exitExcessPredicted = 0.0
        public var exitExcessTrue = 0.0
        public var exitModelError = 0.0
        public var exitToEntryTicks = 0
        /// Sum of |v_pred - v_true| (m/s) over all ticks of the condition (for comparison).
        public var modelErrorAll = 0.0

        /// OOD steps in all episodes.
        public var oodSteps: Int { episodeOOD.reduce(0, +) }

        mutating func add(_ o: Row) {
            episodeOOD += o.episodeOOD; entries += o.entries; entriesAtStart += o.entriesAtStart
            entryFallback += o.entryFallback; beforeFallback += o.beforeFallback; beforeExcess += o.beforeExcess
            exits += o.exits; exitsToOOD += o.exitsToOOD; exitMargin += o.exitMargin
            exitBrokenPredicted += o.exitBrokenPredicted; exitBrokenTrue += o.exitBrokenTrue; exitHeldBoth += o.exitHeldBoth
            exitExcessPredicted += o.exitExcessPredicted; exitExcessTrue += o.exitExcessTrue; exitModelError += o.exitModelError
            exitToEntryTicks += o.exitToEntryTicks; modelErrorAll += o.modelErrorAll
            randomChecked += o.randomChecked; randomInconsistentPredicted += o.randomInconsistentPredicted
            ticks += o.ticks; fallbackTicks += o.fallbackTicks; leftSet += o.leftSet; missed += o.missed
            leftExcess += o.leftExcess; admissibleTicks += o.admissibleTicks
            inconsistentTrue += o.inconsistentTrue; inconsistentPredicted += o.inconsistentPredicted
            inconsistentSlack += o.inconsistentSlack
        }
    }

    /// The filter's value (G or -log p) over a `points` x `points` grid of the action box at
    /// one state; per-thread scratch.
    final class GridProbe {
        let ldm: LearnedLDM
        let density: any DensityModel
        let stateDim: Int
        let actionDim: Int
        let kind: SafetyFilterKind
        let grid: [Float]
        let count: Int
        var rows: [Float]
        var values: [Float]
        let workspace = DensityWorkspace()

        convenience init(models: LDMExperimentModels, kind: SafetyFilterKind, lower: Float, upper: Float, points: Int) {
            self.init(ldm: models.ldm, density: models.density, kind: kind, lower: [lower, lower], upper: [upper, upper], points: points)
        }

        /// The grid spans [lower[0], upper[0]] x [lower[1], upper[1]] (a 2-D action box).
        init(ldm: LearnedLDM, density: any DensityModel, kind: SafetyFilterKind, lower: [Float], upper: [Float], points: Int) {
            precondition(ldm.actionDim == 2 && lower.count == 2 && upper.count == 2 && points >= 2, "GridProbe: a 2-D action box, >= 2 points")
            self.ldm = ldm
            self.density = density
            self.kind = kind
            stateDim = ldm.stateDim
            actionDim = ldm.actionDim
            var g: [Float] = []
            for i in 0..<points {
                for j in 0..<points {
                    let u = Float(i) / Float(points - 1), w = Float(j) / Float(points - 1)
                    g += [lower[0] + (upper[0] - lower[0]) * u, lower[1] + (upper[1] - lower[1]) * w]
                }
            }
            grid = g
            count = points * points
            rows = [Float](repeating: 0, count: count * (stateDim + actionDim))
            values = [Float](repeating: 0, count: count)
        }

        /// The filter's value at (s, a) for the given actions `[n, A]`, written to `values`.
        func evaluate(state: [Float], actions: [Float], n: Int) {
            let sd = stateDim, ad = actionDim, d = sd + ad
            for k in 0..<n {
                for i in 0..<sd { rows[k * d + i] = state[i] }
                for j in 0..<ad { rows[k * d + sd + j] = actions[k * ad + j] }
            }
            let ws = workspace
            rows.withUnsafeBufferPointer { r in
                let x = UnsafeBufferPointer(rebasing: r[0..<(n * d)])
                values.withUnsafeMutableBufferPointer { out in
                    let o = UnsafeMutableBufferPointer(rebasing: out[0..<n])
                    if kind == .ldm {
                        ldm.values(x, count: n, into: o, workspace: ws)
                    } else {
                        density.logDensity(x, count: n, into: o, workspace: ws)
                        for k in 0..<n { o[k] = -o[k] }
                    }
                }
            }
        }

        /// min over the grid of the value at `state` (non-finite values count as +infinity).
        func gridMinimum(_ state: [Float]) -> Float {
            evaluate(state: state, actions: grid, n: count)
            var m = Float.infinity
            for k in 0..<count where values[k].isFinite { m = min(m, values[k]) }
            return m
        }

        func value(_ state: [Float], _ action: [Float]) -> Float {
            evaluate(state: state, actions: action, n: 1)
            return values[0].isFinite ? values[0] : .infinity
        }
    }

    final class Store: Sendable {
        let items: Mutex<[Row?]>
        init(count: Int) { items = Mutex([Row?](repeating: nil, count: count)) }
    }

    /// Diagnoses every filtered condition of `prepared` (the momentum preset's learned pieces),
    /// or only those named in `conditions` (e.g. "ldm p10"), over `settings.episodes` paired
    /// episodes, grid `points` x `points` over the action box. Episodes run on `settings.threads`
    /// threads over a fixed strided partition; the counts do not depend on the thread count.
    public static func run(_ settings: LDMFlightSettings, prepared: LDMFlightExperiment.Prepared, robot: RobotDescription,
                           points: Int = 61, conditions: Set<String>? = nil,
                           progress sink: Diagnostics.Progress.Sink = .standardError) throws -> [Row] {
        try settings.validate()
        precondition(points >= 2, "LDMFlightDiagnosis: grid needs at least 2 points per axis")
        let specs = prepared.models.filterSpecs.filter { spec in
            spec.kind != .none && (conditions.map { names in names.contains { named(spec, $0) } } ?? true)
        }
        if let conditions, specs.count != conditions.count {
            let known = prepared.models.filterSpecs.filter { $0.kind != .none }.map(\.name)
            throw InputError("diagnosis", at: "conditions", "unknown condition in \(conditions.sorted()) (known: \(known.joined(separator: ", ")))")
        }
        let e = settings.episodes, total = specs.count * e
        let store = Store(count: total)
        let progress = Diagnostics.Progress(label: "ldm diagnosis", total: total, unit: "episodes", sink: sink)
        let threads = max(1, min(settings.threads, total))
        let m = Float(settings.actionLimit)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let graph = LDMFlightGraph()
            var probes: [SafetyFilterKind: GridProbe] = [:]
            var k = t
            while k < total {
                let spec = specs[k / e]
                let probe = probes[spec.kind] ?? GridProbe(models: prepared.models, kind: spec.kind, lower: -m, upper: m, points: points)
                probes[spec.kind] = probe
                let threshold = spec.level!.threshold
                var row = Row(name: spec.name, threshold: threshold)
                // the random admissible action's draws: per condition and episode, not per thread
                var pick = RNG(seed: settings.seed).derived(9000 + UInt64(k))
                var previous: LDMFlightExperiment.Tick?
                // the last planned tick and its index, the tick count, and whether the current
                // fallback run has reached OOD
                var lastPlanned: (tick: LDMFlightExperiment.Tick, index: Int)?
                var index = 0, runReachedOOD = false
                var oodHere = 0
                _ = LDMFlightExperiment.episode(spec: spec, prepared: prepared, robot: robot, settings: settings, index: k % e) { tick in
                    defer { previous = tick; index += 1 }
                    row.ticks += 1
                    let here = prepared.dynamics.predict(states: tick.state, actions: tick.action, graph: graph)
                    row.modelErrorAll += LDMFlightDynamicsModel.velocityErrors(predicted: here, actual: tick.next, stateDim: probe.stateDim)[0]
                    if tick.fallback, let p = previous, !p.fallback {
                        row.exits += 1
                        runReachedOOD = false
                    }
                    if !tick.fallback { lastPlanned = (tick, index) }
                    if tick.outOfDistribution {
                        oodHere += 1
                        if previous?.outOfDistribution != true {
                            let first = tick.fallback && !runReachedOOD && previous != nil
                            entry(tick, before: previous, exit: first ? lastPlanned : nil, index: index, threshold: threshold, probe: probe,
                                  dynamics: prepared.dynamics, graph: graph, into: &row)
                            if tick.fallback { runReachedOOD = true }
                        }
                    }
                    if tick.fallback {
                        row.fallbackTicks += 1
                        let g = probe.gridMinimum(tick.state)
                        if g > threshold {
                            row.leftSet += 1
                            row.leftExcess += Double(g - threshold)
                        } else {
                            row.missed += 1
                        }
                        return
                    }
                    let v = probe.value(tick.state, tick.action)
                    guard v <= threshold else { return }
                    row.admissibleTicks += 1
                    if probe.gridMinimum(tick.next) > threshold {
                        row.inconsistentTrue += 1
                        row.inconsistentSlack += Double(threshold - v)
                    }
                    let predicted = prepared.dynamics.predict(states: tick.state, actions: tick.action, graph: graph)
                    if probe.gridMinimum(predicted) > threshold { row.inconsistentPredicted += 1 }
                    // the same check for a random admissible grid action at the same state
                    probe.evaluate(state: tick.state, actions: probe.grid, n: probe.count)
                    let admissible = (0..<probe.count).filter { probe.values[$0].isFinite && probe.values[$0] <= threshold }
                    guard !admissible.isEmpty else { return }
                    let c = admissible[pick.int(below: admissible.count)]
                    let other = [probe.grid[2 * c], probe.grid[2 * c + 1]]
                    let otherNext = prepared.dynamics.predict(states: tick.state, actions: other, graph: graph)
                    row.randomChecked += 1
                    if probe.gridMinimum(otherNext) > threshold { row.randomInconsistentPredicted += 1 }
                }
                row.episodeOOD = [oodHere]
                store.items.withLock { $0[k] = row }
                progress.advance(note: spec.name)
                k += threads
            }
        }
        progress.finish()
        let rows = store.items.withLock { $0.map { $0! } }
        return specs.indices.map { c in
            var sum = Row(name: specs[c].name, threshold: specs[c].level!.threshold)
            for r in rows[(c * e)..<((c + 1) * e)] { sum.add(r) }
            return sum
        }
    }

    /// Whether `name` names `spec`: its own name ("ldm p10.0") or kind and percentile as a
    /// number ("ldm p10").
    static func named(_ spec: LDMFilterSpec, _ name: String) -> Bool {
        if spec.name == name { return true }
        guard let c = parseCondition(name), let level = spec.level else { return false }
        return c.kind == spec.kind && c.percentile == level.percentile
    }

    /// "ldm p10" or "greedy p10.0" -> the filter and its level's percentile; nil otherwise.
    static func parseCondition(_ name: String) -> (kind: SafetyFilterKind, percentile: Double)? {
        let parts = name.split(separator: " ")
        guard parts.count == 2, let kind = SafetyFilterKind(rawValue: String(parts[0])), kind != .none,
              parts[1].hasPrefix("p"), let q = Double(parts[1].dropFirst()) else { return nil }
        return (kind, q)
    }

    /// Throws unless every name is a filtered condition of `settings`' sweep: for a command to
    /// check `--diagnose-condition` before the minutes of learning `run` needs.
    public static func checkConditions(_ names: [String], settings: LDMFlightSettings) throws {
        for name in names {
            guard let c = parseCondition(name), settings.learning.percentiles.contains(c.percentile) else {
                throw InputError("--diagnose-condition", "must be 'greedy pQ' or 'ldm pQ' with Q one of "
                                 + "\(settings.learning.percentiles.map { Statistics.format($0) }.joined(separator: ", ")), got '\(name)'")
            }
        }
    }

    /// Counts one OOD entry at `tick` (tick number `index`), checking the tick `before` it (nil at
    /// an episode's start) and, for the first entry of a fallback run, the run's `exit` tick.
    static func entry(_ tick: LDMFlightExperiment.Tick, before: LDMFlightExperiment.Tick?, exit: (tick: LDMFlightExperiment.Tick, index: Int)?,
                      index: Int, threshold: Float, probe: GridProbe, dynamics: LDMFlightDynamicsModel, graph: LDMFlightGraph,
                      into row: inout Row) {
        row.entries += 1
        if tick.fallback { row.entryFallback += 1 }
        guard let b = before else {
            row.entriesAtStart += 1
            return
        }
        if b.fallback {
            row.beforeFallback += 1
            row.beforeExcess += Double(probe.gridMinimum(b.state) - threshold)
        }
        guard let exit else { return }
        let x = exit.tick, at = exit.index
        row.exitsToOOD += 1
        row.exitToEntryTicks += index - at
        row.exitMargin += Double(threshold - probe.value(x.state, x.action))
        let predicted = dynamics.predict(states: x.state, actions: x.action, graph: graph)
        row.exitModelError += LDMFlightDynamicsModel.velocityErrors(predicted: predicted, actual: x.next, stateDim: probe.stateDim)[0]
        let atF = probe.gridMinimum(predicted), atTrue = probe.gridMinimum(x.next)
        row.exitExcessPredicted += Double(atF - threshold)
        row.exitExcessTrue += Double(atTrue - threshold)
        if atF > threshold { row.exitBrokenPredicted += 1 }
        if atTrue > threshold { row.exitBrokenTrue += 1 }
        if atF <= threshold && atTrue <= threshold { row.exitHeldBoth += 1 }
    }

    /// a / b for a table cell ("-" for b = 0).
    static func f(_ a: Int, _ b: Int) -> String { b == 0 ? "-" : Statistics.format(Double(a) / Double(b), digits: 3) }
    /// The mean s / n for a table cell ("-" for n = 0).
    static func mean(_ s: Double, _ n: Int) -> String { n == 0 ? "-" : Statistics.format(s / Double(n), digits: 3) }

    /// Where the OOD steps come from, per condition: how they spread over the episodes and what
    /// happened at the tick before each entry into OOD (Markdown).
    public static func entryTable(_ rows: [Row]) -> String {
        var out = "| filter | OOD steps | episodes with OOD | share of OOD steps in the top 3 / 10 episodes | entries | at start | entry tick is a fallback | tick before is a fallback | its grid excess (nats) | exits from the admissible set | of which reach OOD | exit to entry (ticks) | exit: margin under threshold (nats) | promise broken at f(s, a) | broken at true s' | held at both | excess at f / true s' (nats) | model error at exit / all ticks (m/s) |\n"
        out += "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        for r in rows {
            let sorted = r.episodeOOD.sorted(by: >), total = r.oodSteps
            let top3 = sorted.prefix(3).reduce(0, +), top10 = sorted.prefix(10).reduce(0, +)
            let withOOD = r.episodeOOD.filter { $0 > 0 }.count
            let x = r.exitsToOOD
            out += "| \(r.name) | \(total) / \(r.ticks) | \(withOOD) / \(r.episodeOOD.count) | \(f(top3, total)) / \(f(top10, total)) | "
            out += "\(r.entries) | \(r.entriesAtStart) | \(f(r.entryFallback, r.entries)) | \(f(r.beforeFallback, r.entries - r.entriesAtStart)) | "
            out += "\(mean(r.beforeExcess, r.beforeFallback)) | \(r.exits) | \(x) | \(mean(Double(r.exitToEntryTicks), x)) | \(mean(r.exitMargin, x)) | "
            out += "\(f(r.exitBrokenPredicted, x)) | \(f(r.exitBrokenTrue, x)) | \(f(r.exitHeldBoth, x)) | "
            out += "\(mean(r.exitExcessPredicted, x)) / \(mean(r.exitExcessTrue, x)) | \(mean(r.exitModelError, x)) / \(mean(r.modelErrorAll, r.ticks)) |\n"
        }
        out += "\nOOD steps per episode (episode index: steps, the 10 largest):\n\n"
        for r in rows {
            let top = r.episodeOOD.enumerated().filter { $0.element > 0 }.sorted { $0.element > $1.element }.prefix(10)
            out += "- \(r.name): " + (top.isEmpty ? "none" : top.map { "\($0.offset): \($0.element)" }.joined(separator: ", ")) + "\n"
        }
        return out
    }

    /// A Markdown table of `rows` (fractions of the ticks they are of).
    public static func table(_ rows: [Row]) -> String {
        var out = "| filter | threshold (nats) | ticks | fallback | of which left the set | of which candidates missed | mean excess when left (nats) | admissible ticks | next state has no admissible action (true) | (learned-model prediction) | mean slack when broken (nats) | random admissible action instead: checked | its prediction has no admissible action |\n"
        out += "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        for r in rows {
            out += "| \(r.name) | \(Statistics.format(Double(r.threshold), digits: 3)) | \(r.ticks) | \(f(r.fallbackTicks, r.ticks)) | "
            out += "\(f(r.leftSet, r.fallbackTicks)) | \(f(r.missed, r.fallbackTicks)) | \(mean(r.leftExcess, r.leftSet)) | "
            out += "\(r.admissibleTicks) | \(f(r.inconsistentTrue, r.admissibleTicks)) | \(f(r.inconsistentPredicted, r.admissibleTicks)) | "
            out += "\(mean(r.inconsistentSlack, r.inconsistentTrue)) | \(r.randomChecked) | \(f(r.randomInconsistentPredicted, r.randomChecked)) |\n"
        }
        return out
    }
}
