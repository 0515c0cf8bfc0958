import Diagnostics
import Foundation
import Recording

/// The swarm records of `swiftlet bench record`: what `--record` costs `fly --swarm 8` (the ring
/// autopilot, every vehicle's camera rendered, no window), as wall time, the ticking thread's
/// CPU time and the process's CPU time (the writer queue included), plain and recorded runs
/// alternated, medians of 5.
public enum SwarmRecordBench {
    public static func records(_ opts: BenchOptions) throws -> [BenchRecord] {
        let dir = NSTemporaryDirectory() + "swiftlet-swarm-record-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var config = SwarmFlyConfig()
        config.count = 8
        config.world = SwarmFlyConfig.defaultWorld
        config.robot = opts.root + "/Robots/cf2x.urdf"
        let n = max(40, Int(480 * opts.timeScale))
        var plain: [(Double, Double, Double)] = [], recorded: [(Double, Double, Double)] = []
        for round in 0..<5 {
            plain.append(try timeRun(config, ticks: n, record: nil))
            recorded.append(try timeRun(config, ticks: n, record: dir + "/s\(round).mcap"))
        }
        let vehicleSteps = Double(n * config.count)
        let extra = ["vehicles": "8", "ticks": "\(n)", "cameras": "on", "world": SwarmFlyConfig.defaultWorld]
        var records: [BenchRecord] = []
        for (k, suffix, unit) in [(0, "", "% wall"), (1, "_cpu", "% CPU"), (2, "_process_cpu", "% CPU")] {
            let p = plain.map { [$0.0, $0.1, $0.2][k] }.sorted()[2], r = recorded.map { [$0.0, $0.1, $0.2][k] }.sorted()[2]
            records.append(BenchRecord(suite: "record", metric: "swarm8_record_overhead" + suffix, value: 100 * (r - p) / p, unit: unit,
                                       extra: extra.merging(["recording_us_per_vehicle_step": String(format: "%.2f", 1e6 * (r - p) / vehicleSteps),
                                                             "plain_ms_per_tick": String(format: "%.3f", 1e3 * p / Double(n))]) { a, _ in a }))
        }
        let size = Double((try FileManager.default.attributesOfItem(atPath: dir + "/s0.mcap")[.size] as? NSNumber)?.intValue ?? 0)
        records.append(BenchRecord(suite: "record", metric: "swarm8_log_bytes_per_vehicle_step", value: size / vehicleSteps, unit: "B",
                                   extra: extra))
        // the recorder alone (steadier than the difference of two loaded runs): the logged
        // episode's messages written again in flight order, the writer queue drained by close
        let log = try SwarmLog.load(path: dir + "/s0.mcap")
        var failure: (any Error)?
        let t = Stopwatch.median(repeats: 5) {
            do {
                let rec = try SwarmRecorder(path: dir + "/w.mcap", metadata: log.metadata!, vehicles: log.vehicles.count,
                                            options: MCAPWriter.Options(deferFinalSync: true))
                for (i, v) in log.vehicles.enumerated() { try rec.pose(vehicle: i, time: v.poses[0].time, v.poses[0].pose) }
                for k in 0..<log.steps {
                    for (i, v) in log.vehicles.enumerated() where k < v.commands.count {
                        try rec.command(vehicle: i, time: v.commands[k].time, step: k, values: v.commands[k].values)
                        try rec.pose(vehicle: i, time: v.poses[k + 1].time, v.poses[k + 1].pose)
                    }
                }
                try rec.close()
            } catch { failure = error }
        }
        if let failure { throw failure }
        records.append(BenchRecord(suite: "record", metric: "swarm8_write_us_per_vehicle_step", value: 1e6 * t / vehicleSteps, unit: "us",
                                   extra: extra.merging(["note": "SwarmRecorder writing the logged episode again"]) { a, _ in a }))
        opts.log(String(format: "record swarm of 8: %.2f -> %.2f ms per tick wall", 1e3 * plain.map(\.0).sorted()[2] / Double(n),
                        1e3 * recorded.map(\.0).sorted()[2] / Double(n)))
        return records
    }

    /// Wall, thread-CPU and process-CPU seconds for `ticks` swarm ticks (episodes restart when
    /// every vehicle has finished).
    static func timeRun(_ base: SwarmFlyConfig, ticks: Int, record: String?) throws -> (Double, Double, Double) {
        var config = base
        config.record = record
        var sim = try SwarmFlySimulation(config: config, viewSize: nil)
        let t0 = Stopwatch.now(), c0 = Stopwatch.threadCPUSeconds(), p0 = Stopwatch.processCPUSeconds()
        for _ in 0..<ticks {
            if sim.isDone { try sim.restart() }
            sim.tick()
        }
        try sim.finish()
        return (Stopwatch.now() - t0, Stopwatch.threadCPUSeconds() - c0, Stopwatch.processCPUSeconds() - p0)
    }
}
