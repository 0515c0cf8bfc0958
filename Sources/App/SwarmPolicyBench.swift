import Diagnostics
import Foundation

/// The swarm-policy records of `swiftlet bench app`: control ticks per second of `fly --swarm 8
/// --policy` flying the bundled learned policy (every vehicle's camera rendered and its CEM
/// planner run, no window) on 1 and 2 workers, the median of 3 runs each; the extra fields give
/// the milliseconds per tick and per vehicle policy tick.
public enum SwarmPolicyBench {
    /// The learned policy `make demo` flies, relative to the package root.
    public static let policy = "Assets/policies/gts-sim-default.safetensors"

    public static func records(_ opts: BenchOptions) throws -> [BenchRecord] {
        let file = opts.root + "/" + policy
        guard FileManager.default.fileExists(atPath: file) else {
            opts.log("swarm policy: \(file) not found, skipped")
            return []
        }
        var config = SwarmFlyConfig.policyMode(file)
        config.count = 8
        config.robot = opts.root + "/Robots/cf2x.urdf"
        let n = max(6, Int(24 * opts.timeScale))
        var rates: [Int: Double] = [:]
        var records: [BenchRecord] = []
        for workers in [1, 2] {
            config.workers = workers
            let seconds = try (0..<3).map { _ in try SwarmRecordBench.timeRun(config, ticks: n, record: nil).0 }.sorted()[1]
            let rate = Double(n) / seconds
            rates[workers] = rate
            var extra = ["vehicles": "8", "ticks": "\(n)", "policy": "gts-sim-default (CEM)", "world": config.world,
                         "ms_per_tick": String(format: "%.1f", 1e3 / rate),
                         "ms_per_vehicle_tick": String(format: "%.2f", 1e3 / rate / 8)]
            if workers == 2, let one = rates[1] { extra["speedup_vs_1_worker"] = String(format: "%.2f", rate / one) }
            records.append(BenchRecord(suite: "app", metric: "swarm8_policy_ticks_per_s_\(workers)w", value: rate, unit: "ticks/s", extra: extra))
            opts.log(String(format: "swarm of 8 flying the learned policy, %d worker(s): %.2f ticks/s (%.0f ms per tick)", workers, rate, 1e3 / rate))
        }
        return records
    }
}
