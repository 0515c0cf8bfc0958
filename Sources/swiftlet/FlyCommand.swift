import ArgumentParser
import Diagnostics
import Foundation
import Geometry
import Physics

struct FlyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fly",
        abstract: "Fly a robot closed loop through a scripted command sequence and print a summary.",
        discussion: """
        Script: one segment per line, DURATION KIND ARGS; angles in degrees; '#' comments.
          position X Y Z [YAW]           quadrotor: fly to a point
          velocity VX VY VZ YAWRATE      quadrotor: world velocity
          forward SPEED YAWRATE ALT      quadrotor: GtS action at a held altitude
          drive SPEED YAWRATE            differential-drive robot
          steer SPEED STEERING           Ackermann car
        Without --script a built-in demo sequence is flown.
        """
    )

    @Flag(help: "Run without a window (the only mode so far).")
    var headless = false

    @Option(help: "Robot file (URDF).")
    var robot: String = "Robots/cf2x.urdf"

    @Option(help: "Command script (default: built-in demo).")
    var script: String?

    @Option(help: "Seed for wind gusts.")
    var seed: UInt64 = 0

    @Option(help: "Effects: none, all, or a comma list of \(Effects.names.map(\.0).joined(separator: ", ")).")
    var effects: String = "all"

    @Option(help: "Physics rate in Hz.")
    var rate: Double = 500

    @Option(help: "Start position x,y,z in metres.")
    var initial: String = "0,0,1"

    func run() throws {
        guard headless else { throw ValidationError("only --headless runs are available so far; pass --headless") }
        guard rate > 0, rate.isFinite, rate <= 1e6 else { throw InputError("--rate", "rate must be in (0, 1e6] Hz, got \(rate)") }
        let description = try URDFLoader.load(path: robot)
        let flightScript: FlightScript
        if let script {
            guard let data = FileManager.default.contents(atPath: script) else { throw InputError(script, "cannot read the script") }
            flightScript = try FlightScript.parse(String(decoding: data, as: UTF8.self), source: script, robot: description)
        } else {
            flightScript = FlightScript.demo(for: description)
        }
        let vehicle = Vehicle(robot: description, rate: rate, effects: try parseEffects(effects),
                              position: try parseVec3(initial, flag: "--initial"), seed: seed)
        var session = FlightSession(vehicle: vehicle, script: flightScript)
        print(session.runToEnd())
    }
}
