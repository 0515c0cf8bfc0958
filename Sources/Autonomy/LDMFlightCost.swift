import Geometry
import Planning

/// The flight task's MPC cost: every candidate tilt sequence is rolled out through the learned
/// dynamics (batched, one forward pass per horizon step); horizontal position integrates the
/// predicted velocity (trapezoid). Cost = mean over the horizon of |goal - p_h| / goalDistance
/// + altitudeWeight * (minimumAltitude - z_h)+ with z_h = z_ref + predicted (z - z_ref).
/// Non-finite predictions cost `+infinity`.
public struct LDMFlightCost: SequenceCost {
    public let model: LDMFlightDynamicsModel
    public let settings: LDMFlightSettings
    /// Current compact state (set every tick).
    public var state: [Float]
    /// Goal minus current horizontal position (m, world; set every tick).
    public var toGoal = SIMD2<Float>(0, 0)
    let graph = LDMFlightGraph()
    var s: [Float] = [], a: [Float] = [], next: [Float] = [], offset: [SIMD2<Float>] = []

    public init(model: LDMFlightDynamicsModel, settings: LDMFlightSettings) {
        self.model = model
        self.settings = settings
        state = [Float](repeating: 0, count: model.stateDim)
    }

    public mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                              into costs: UnsafeMutableBufferPointer<Float>) {
        let sd = model.stateDim
        precondition(actionDim == model.actionDim && state.count == sd, "LDMFlightCost sizes disagree with the model")
        if s.count < count * sd {
            s = [Float](repeating: 0, count: count * sd)
            next = s
            a = [Float](repeating: 0, count: count * actionDim)
            offset = [SIMD2<Float>](repeating: .zero, count: count)
        }
        let model = self.model, graph = self.graph
        let dt = Float(settings.controlPeriod), goalScale = 1 / Float(settings.goalDistance)
        let zRef = Float(settings.referenceAltitude), zMin = Float(settings.minimumAltitude), w = Float(settings.altitudeWeight)
        for i in 0..<count {
            for k in 0..<sd { s[i * sd + k] = state[k] }
            offset[i] = .zero
            costs[i] = 0
        }
        for h in 0..<horizon {
            for i in 0..<count { for j in 0..<actionDim { a[i * actionDim + j] = actions[(i * horizon + h) * actionDim + j] } }
            s.withUnsafeBufferPointer { sp in
                a.withUnsafeBufferPointer { ap in next.withUnsafeMutableBufferPointer { model.predict(states: sp, actions: ap, count: count, into: $0, graph: graph) } }
            }
            for i in 0..<count {
                let v0 = SIMD2(s[i * sd], s[i * sd + 1]), v1 = SIMD2(next[i * sd], next[i * sd + 1])
                offset[i] += 0.5 * dt * (v0 + v1)
                let d = toGoal - offset[i]
                let z = zRef + next[i * sd + 3]
                costs[i] += (d * d).sum().squareRoot() * goalScale + w * max(0, zMin - z)
            }
            swap(&s, &next)
        }
        for i in 0..<count {
            let c = costs[i] / Float(horizon)
            costs[i] = c.isFinite ? c : .infinity
        }
    }

    /// Horizontal offsets (m) and altitudes (m) along one candidate's model rollout from the
    /// current state, one per horizon step (for display).
    public func rollout(_ sequence: [Float], horizon: Int) -> [SIMD3<Float>] {
        let ad = model.actionDim, dt = Float(settings.controlPeriod)
        var cur = state, out: [SIMD3<Float>] = []
        var p = SIMD2<Float>(0, 0)
        let g = LDMFlightGraph()
        for h in 0..<horizon {
            let nx = model.predict(states: cur, actions: Array(sequence[(h * ad)..<((h + 1) * ad)]), graph: g)
            p += 0.5 * dt * SIMD2(cur[0] + nx[0], cur[1] + nx[1])
            out.append(SIMD3(p.x, p.y, Float(settings.referenceAltitude) + nx[3]))
            cur = nx
        }
        return out
    }
}
