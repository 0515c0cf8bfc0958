import Diagnostics
import Foundation
import Geometry
import Physics
import World

/// The swarm records of `swiftlet bench env`: vehicle control steps per second of a 16-vehicle
/// `SwarmEnv` (downwash and contact on) with cameras off, then on (each vehicle's 96x72 gray frame
/// with the other 15 drawn in it), on 1 and 2 workers.
enum SwarmBench {
    static func records(_ options: BenchOptions, robot: RobotDescription) throws -> [BenchRecord] {
        let n = 16
        // an open field; two layers 0.6 m apart, the line 0.5 m apart, all turning: each vehicle
        // has neighbours within the downwash range and wakes sweep over the lower ones
        let scene = try WorldGenerators.make("field:4:objects=0")
        var settings = EnvSettings()
        settings.altitude = 1
        let actions = (0..<n).map { i in
            EnvAction.vehicle(.flight(.forward(speed: 0.4, yawRate: i % 2 == 0 ? 0.2 : -0.2, altitude: i % 2 == 0 ? 1 : 1.6)))
        }
        var records: [BenchRecord] = []
        for cameras in [false, true] {
            let model = try SwarmModel(scene: scene, robot: robot, settings: settings,
                                       swarm: SwarmSettings(count: n, layout: .lineAbreast, spacing: 0.5, cameras: cameras))
            records += run(model, actions, cameras: cameras, options)
        }
        return records
    }

    static func run(_ model: SwarmModel, _ actions: [EnvAction], cameras: Bool, _ options: BenchOptions) -> [BenchRecord] {
        let n = model.count
        var records: [BenchRecord] = []
        for workers in [1, 2] {
            var env = SwarmEnv(model: model, workers: workers)
            var episode: UInt64 = 0
            _ = try? env.reset(seed: episode)
            let rate = Stopwatch.rate(seconds: 1.5 * options.timeScale, batch: n) {
                env.step(actions)
                if env.state.done || env.state.vehicles[0].controlSteps >= 40 {
                    episode += 1
                    _ = try? env.reset(seed: episode)
                }
            }
            let camera = model.env.camera.intrinsics
            records.append(BenchRecord(suite: "env", metric: "swarm_vehicle_steps_per_s_16_\(cameras ? "cameras_" : "")\(workers)workers",
                                       value: rate, unit: "vehicle steps/s",
                                       extra: ["vehicles": String(n), "substeps": String(model.env.substeps),
                                               "cameras": cameras ? "\(camera.width)x\(camera.height) gray, the other vehicles drawn" : "off",
                                               "world": "field:4:objects=0", "workers": String(workers)]))
            options.log("env swarm: 16 vehicles, cameras \(cameras ? "on" : "off"), on \(workers) worker(s) \(Int(rate)) vehicle steps/s (\(Int(rate * Double(model.env.substeps))) vehicle physics steps/s)")
        }
        return records
    }
}
