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

        mutating func add(_ o: Row) {
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

    /// Diagnoses every filtered condition of `prepared` (the momentum preset's learned pieces)
    /// over `settings.episodes` paired episodes, grid `points` x `points` over the action box.
    /// Episodes run on `settings.threads` threads over a fixed strided partition; the counts do
    /// not depend on the thread count.
    public static func run(_ settings: LDMFlightSettings, prepared: LDMFlightExperiment.Prepared, robot: RobotDescription,
                           points: Int = 61, progress sink: Diagnostics.Progress.Sink = .standardError) throws -> [Row] {
        try settings.validate()
        precondition(points >= 2, "LDMFlightDiagnosis: grid needs at least 2 points per axis")
        let specs = prepared.models.filterSpecs.filter { $0.kind != .none }
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
                _ = LDMFlightExperiment.episode(spec: spec, prepared: prepared, robot: robot, settings: settings, index: k % e) { tick in
                    row.ticks += 1
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

    /// A Markdown table of `rows` (fractions of the ticks they are of).
    public static func table(_ rows: [Row]) -> String {
        func f(_ a: Int, _ b: Int) -> String { b == 0 ? "-" : Statistics.format(Double(a) / Double(b), digits: 3) }
        func mean(_ s: Double, _ n: Int) -> String { n == 0 ? "-" : Statistics.format(s / Double(n), digits: 3) }
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
