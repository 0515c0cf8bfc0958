import Foundation
import Planning

/// The demonstration planner's cost (see `PreMemTask.demonstrate`).
struct PreMemDemoCost: SequenceCost {
    let task: PreMemTask
    let query: PreMemQuery

    mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                       into costs: UnsafeMutableBufferPointer<Float>) {
        let v = task.vocabulary
        for i in 0..<count {
            var effort = 0.0
            let r = task.rollout(query, margin: task.settings.demoMargin) { h in
                let a = v.rate(v.token(Double(actions[(i * horizon + h) * actionDim])))
                return a
            }
            for h in 0..<horizon {
                let a = v.rate(v.token(Double(actions[(i * horizon + h) * actionDim]))) / v.maxRate
                effort += a * a
            }
            let miss = PreMemTask.distance(r.final, query.goal) / task.settings.goalDistance
            costs[i] = Float((r.collided ? 4 : 0) + miss + 0.05 * effort / Double(horizon))
        }
    }
}
