import Diagnostics
import Foundation
import Geometry

/// `swiftlet bench physics`: quadrotor steps per second (all effects on) for one vehicle on one
/// core and for 1,024 vehicles on all cores, plus PyBullet's stepSimulation for comparison.
public enum PhysicsBench {
    public static let suite = BenchSuite(name: "physics", summary: "quadrotor steps/s: 1 vehicle 1 core, 1024 vehicles all cores, 16 and 1024 interacting (downwash), PyBullet peer") { options in
        try run(options)
    }

    static func run(_ options: BenchOptions) throws -> [BenchRecord] {
        let robot = try URDFLoader.load(path: options.root + "/Robots/cf2x.urdf")
        let model = QuadrotorModel(robot: robot, rate: 500, effects: .all)
        let seconds = max(0.05, 1.5 * options.timeScale)
        var records: [BenchRecord] = []
        let extra = ["effects": "all", "rate_hz": "500", "robot": "cf2x"]

        // one vehicle, open loop near hover
        let hover = model.hoverRPM
        let command = SIMD4(repeating: hover)
        var state = model.initialState(seed: 1)
        let batch = 10_000
        let single = Stopwatch.rate(seconds: seconds, batch: batch) {
            for _ in 0..<batch { QuadrotorDynamics.step(model, &state, command) }
        }
        records.append(BenchRecord(suite: "physics", metric: "single vehicle step", value: single, unit: "steps/s",
                                   extra: extra.merging(["threads": "1"]) { a, _ in a }))
        options.log("physics: single vehicle \(Int(single)) steps/s (warnings \(state.warnings.total))")

        // one vehicle with the cascaded controller every step
        let ctrl = QuadrotorController(model: model)
        var cstate = model.initialState(seed: 2)
        let target = FlightCommand.position(Vec3(0, 0, 1), yaw: 0)
        let closed = Stopwatch.rate(seconds: seconds, batch: batch) {
            for _ in 0..<batch {
                let rpm = ctrl.rotorSpeeds(for: target, state: &cstate)
                QuadrotorDynamics.step(model, &cstate, rpm)
            }
        }
        records.append(BenchRecord(suite: "physics", metric: "single vehicle step + controller", value: closed, unit: "steps/s",
                                   extra: extra.merging(["threads": "1"]) { a, _ in a }))

        // 1024 vehicles over fixed partitions, one per core
        let count = 1024
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var states = (0..<count).map { i -> QuadrotorState in
            var s = model.initialState(position: Vec3(Double(i % 32), Double(i / 32), 1), seed: UInt64(i))
            s.rotorRPM = SIMD4(repeating: hover)
            return s
        }
        let stepsPerCall = 100
        let commands = [SIMD4<Double>](repeating: command, count: count)
        let batchRate = Stopwatch.rate(seconds: seconds, batch: count * stepsPerCall) {
            QuadrotorBatch.step(model, &states, commands: commands, steps: stepsPerCall, workers: workers)
        }
        records.append(BenchRecord(suite: "physics", metric: "batch 1024 vehicles step", value: batchRate, unit: "vehicle-steps/s",
                                   extra: extra.merging(["threads": "\(workers)"]) { a, _ in a }))

        // interacting swarms (downwash + contact): stacked pairs 0.8 m apart on a 3 m grid
        for n in [16, 1024] {
            var swarm = QuadrotorSwarm(model: model, states: (0..<n).map { i -> QuadrotorState in
                let pair = i / 2, columns = n == 16 ? 4 : 32
                let p = Vec3(3 * Double(pair % columns), 3 * Double(pair / columns), i % 2 == 0 ? 1 : 1.8)
                var s = model.initialState(position: p, seed: UInt64(i))
                s.rotorRPM = SIMD4(repeating: hover)
                return s
            })
            let held = [SIMD4<Double>](repeating: command, count: n)
            let calls = n == 16 ? 1_000 : 10
            let rate = Stopwatch.rate(seconds: seconds, batch: n * calls) {
                swarm.step(commands: held, steps: calls, workers: workers)
            }
            let pairs = swarm.downwashForce.filter { $0 > 1e-6 }.count
            records.append(BenchRecord(suite: "physics", metric: "swarm \(n) vehicles step (downwash + contact)", value: rate,
                                       unit: "vehicle-steps/s",
                                       extra: extra.merging(["threads": "\(workers)", "layout": "stacked pairs 0.8 m apart, 3 m grid",
                                                             "vs_batch": String(format: "%.2fx", rate / max(batchRate, 1e-9))]) { a, _ in a }))
            options.log("physics: swarm \(n) \(Int(rate)) vehicle-steps/s (\(pairs) vehicles under downwash > 1e-6 N at the end, \(swarm.contactCount) contacts)")
        }

        // ground robot
        let jackal = try URDFLoader.load(path: options.root + "/Robots/jackal.urdf")
        let gm = GroundVehicleModel(robot: jackal)
        var gs = gm.initialState()
        let gc = GroundCommand(speed: 1, turn: 0.5)
        let ground = Stopwatch.rate(seconds: seconds / 2, batch: batch) {
            for _ in 0..<batch { GroundVehicleDynamics.step(gm, &gs, gc) }
        }
        records.append(BenchRecord(suite: "physics", metric: "ground robot step", value: ground, unit: "steps/s",
                                   extra: ["robot": "jackal", "threads": "1"]))

        // peer: PyBullet
        if options.runPeers {
            records.append(pybullet(options, seconds: max(1, 3 * options.timeScale), single: single))
        } else {
            options.log("physics: PyBullet peer skipped (--no-peers)")
        }
        return records
    }

    static func pybullet(_ options: BenchOptions, seconds: Double, single: Double) -> BenchRecord {
        let python = options.root + "/tools/.venv/bin/python"
        let script = options.root + "/tools/bench_pybullet_physics.py"
        func unavailable(_ why: String) -> BenchRecord {
            options.log("physics: PyBullet UNAVAILABLE: \(why)")
            return BenchRecord(suite: "physics", metric: "PyBullet stepSimulation (peer)", value: 0, unit: "steps/s",
                               extra: ["peer": "pybullet", "status": "unavailable: \(why)"])
        }
        guard FileManager.default.isExecutableFile(atPath: python) else {
            return unavailable("no tools/.venv (run: python3 tools/bench_pybullet_physics.py --setup)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [script, "--seconds", String(seconds)]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return unavailable("cannot start \(python): \(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard p.terminationStatus == 0,
              let line = text.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
              let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let rate = obj["steps_per_s"] as? Double else {
            return unavailable("pybullet not importable in tools/.venv or the script failed (exit \(p.terminationStatus))")
        }
        let version = obj["pybullet"] as? String ?? "?"
        return BenchRecord(suite: "physics", metric: "PyBullet stepSimulation (peer)", value: rate, unit: "steps/s",
                           extra: ["peer": "pybullet \(version)", "scene": "1 body + 50 static boxes, dt 1/240",
                                   "swiftlet_ratio": String(format: "%.0fx", single / max(rate, 1e-9))])
    }
}
