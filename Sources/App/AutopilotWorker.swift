import Autonomy
import Foundation
import Planning
import Runtime
import Viewer

/// Runs the autopilot policy for `FlySimulation`, optionally one control tick ahead on a worker
/// thread: right after tick k the observation for tick k+1 is known, so its action can be
/// computed while the viewer still shows the interpolation towards it. `decide` returns that
/// prefetched decision when it is for the requested step (waiting for it if needed), else
/// computes synchronously. The decision is the same either way (same policy state, same
/// observation); only when a prefetched decision is discarded (the user took over, or reset)
/// has the policy's internal state (planner warm start, RNG) advanced by one unused tick.
final class AutopilotWorker: @unchecked Sendable {
    /// One autopilot decision: the yaw rate and what to draw / log about it.
    struct Decision {
        var step: Int
        var action: Double
        var candidates: [CandidatePath]
        /// True for the privileged planner (collision probabilities from the true geometry).
        var fromGeometry: Bool
        var hasBatch: Bool
        var bestCost: Double
        /// Planner name for the log ("privileged-cem", "learned-cem", "hint-mppi", ...).
        var planner: String
        /// Method-specific HUD lines.
        var hud: [HUDLine] = []
    }

    private var policy: any Policy
    private let queue = DispatchQueue(label: "swiftlet.autopilot")
    private var pending: DispatchWorkItem? = nil
    private var ready: Decision? = nil
    /// True for a learned MPC policy (HUD label).
    let isLearned: Bool

    init(policy: any Policy) {
        self.policy = policy
        isLearned = policy is LearnedPolicy
    }

    /// The decision for `step` from `observation`.
    func decide(step: Int, observation: Observation, model: EnvModel) -> Decision {
        if let p = pending {
            p.wait()
            pending = nil
        }
        if let r = ready, r.step == step {
            ready = nil
            return r
        }
        ready = nil
        return AutopilotWorker.compute(&policy, step: step, observation: observation, model: model)
    }

    /// Starts computing the decision for `step` on the worker thread.
    func prefetch(step: Int, observation: Observation, model: EnvModel) {
        discard()
        let work = DispatchWorkItem { [self] in
            ready = AutopilotWorker.compute(&policy, step: step, observation: observation, model: model)
        }
        pending = work
        queue.async(execute: work)
    }

    /// Waits for a prefetch in flight and drops its result.
    func discard() {
        if let p = pending {
            p.wait()
            pending = nil
        }
        ready = nil
    }

    static func compute(_ policy: inout any Policy, step: Int, observation: Observation, model: EnvModel) -> Decision {
        let a = policy.act(observation, model: model)
        if let h = policy as? HIntPolicy {
            let path = h.plannedPath(from: observation.robot)
            return Decision(step: step, action: a, candidates: path.map { [$0] } ?? [], fromGeometry: false, hasBatch: path != nil,
                            bestCost: 0, planner: "hint-\(h.driver.method.rawValue)-mppi",
                            hud: h.hudLines(command: a))
        }
        var batch: CandidateBatch? = nil
        var fromGeometry = true
        if let p = policy as? PrivilegedPlannerPolicy {
            batch = p.lastBatch
        } else if let p = policy as? LearnedPolicy {
            batch = p.lastBatch
            fromGeometry = false
        }
        guard let batch else {
            return Decision(step: step, action: a, candidates: [], fromGeometry: true, hasBatch: false, bestCost: 0, planner: "")
        }
        let paths = FlySimulation.candidatePaths(batch, start: observation.robot, model: model, fromGeometry: fromGeometry)
        let best = batch.rankedCount > 0 ? Double(batch.costs[Int(batch.ranked[0])]) : 0
        return Decision(step: step, action: a, candidates: paths, fromGeometry: fromGeometry, hasBatch: true, bestCost: best,
                        planner: fromGeometry ? "privileged-cem" : "learned-cem")
    }
}
