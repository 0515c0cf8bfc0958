import Foundation
import Dispatch
import Geometry

/// Steps many quadrotors that share one model, split over fixed contiguous partitions with
/// `DispatchQueue.concurrentPerform`. Each vehicle's trajectory depends only on its own state and
/// command, so the result is bit-identical whatever the worker count.
public enum QuadrotorBatch {
    /// Advances every `states[i]` by `steps` physics steps under the held command `commands[i]`
    /// (RPM). `workers` defaults to the active core count.
    public static func step(_ model: QuadrotorModel, _ states: inout [QuadrotorState], commands: [SIMD4<Double>],
                            steps: Int = 1, workers: Int? = nil) {
        precondition(commands.count == states.count, "one command per vehicle")
        let count = states.count
        guard count > 0, steps > 0 else { return }
        let w = max(1, min(workers ?? ProcessInfo.processInfo.activeProcessorCount, count))
        commands.withUnsafeBufferPointer { cmd in
            states.withUnsafeMutableBufferPointer { buf in
                nonisolated(unsafe) let base = buf.baseAddress!
                nonisolated(unsafe) let c = cmd.baseAddress!
                DispatchQueue.concurrentPerform(iterations: w) { part in
                    let lo = part * count / w, hi = (part + 1) * count / w
                    for i in lo..<hi {
                        let u = c[i]
                        for _ in 0..<steps { QuadrotorDynamics.step(model, &base[i], u) }
                    }
                }
            }
        }
    }
}
