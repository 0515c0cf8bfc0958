import App
import ArgumentParser
import Diagnostics
import Foundation
import Geometry
import Physics
import Viewer

struct FlyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fly",
        abstract: "Fly the quadrotor in a window: 3D view, map with the planner's candidates, camera insets, HUD.",
        discussion: """
        The autopilot (P) is --policy: privileged (a planner that sees the true world geometry, \
        labelled so on the HUD), straight, random, or a policy file (.safetensors). WASD/arrows \
        and Space/Shift fly by hand through the same controllers; Tab camera, R reset, N next \
        world, [ ] simulation speed, C screenshot, F1 help, Esc quit.

        Without a display set SDL_VIDEODRIVER=dummy and pass --frames N --screenshot F.png. \
        --record FILE.mcap logs episode 0 to FILE.mcap and later episodes to FILE-1.mcap, ...

        --headless keeps the physics-only scripted flight (docs/physics.md): one segment per \
        line, DURATION KIND ARGS; angles in degrees; '#' comments:
          position X Y Z [YAW] | velocity VX VY VZ YAWRATE | forward SPEED YAWRATE ALT
          drive SPEED YAWRATE | steer SPEED STEERING
        """
    )

    @Option(help: "World file or generator spec (default: a dense generated forest; N cycles through one world of each family).")
    var world: String?

    @Option(help: "Robot file (URDF).")
    var robot: String = "Robots/cf2x.urdf"

    @Option(help: "Domain profile: sim or real.")
    var domain: String = "sim"

    @Option(help: "Autopilot: a policy file (.safetensors), privileged, straight or random (default: the bundled learned policy when present, else privileged).")
    var policy: String?

    @Option(help: "Record episodes to this MCAP file.")
    var record: String?

    @Option(help: "Seed of the first episode (episode e uses seed + e; with --headless: wind gusts).")
    var seed: UInt64 = 0

    @Option(help: "Stop after N frames (default: run until the window closes).")
    var frames: Int?

    @Option(help: "Save the last frame as PNG.")
    var screenshot: String?

    @Flag(help: "Start with the autopilot off (manual flight).")
    var manual = false

    @Option(help: "Window size WxH.")
    var size: String = "960x540"

    @Flag(help: "Physics-only scripted flight without a window (see discussion).")
    var headless = false

    @Option(help: "(--headless) Command script (default: built-in demo).")
    var script: String?

    @Option(help: "(--headless) Effects: none, all, or a comma list of \(Effects.names.map(\.0).joined(separator: ", ")).")
    var effects: String = "all"

    @Option(help: "(--headless) Physics rate in Hz.")
    var rate: Double = 500

    @Option(help: "(--headless) Start position x,y,z in metres.")
    var initial: String = "0,0,1"

    func run() throws {
        if headless || script != nil { return try runScript() }
        let dims = size.split(separator: "x").compactMap { Int($0) }
        guard dims.count == 2, (64...4096).contains(dims[0]), (64...4096).contains(dims[1]) else {
            throw InputError("--size", "expected WxH between 64 and 4096, got \"\(size)\"")
        }
        if let frames, frames <= 0 { throw InputError("--frames", "must be positive, got \(frames)") }
        var config = FlyConfig()
        if let world { config.worlds = [world] + FlyConfig.defaultWorlds.filter { $0 != world } }
        config.robot = robot
        config.domain = domain
        config.policy = policy ?? (FileManager.default.fileExists(atPath: DemoCommand.bundledPolicy) ? DemoCommand.bundledPolicy : "privileged")
        config.seed = seed
        config.record = record
        var limit = frames
        if limit == nil, case let .available(driver) = DisplayStatus.probe(environment: ProcessInfo.processInfo.environment),
           DisplayStatus.isHeadlessDriver(driver) {
            limit = 300   // nobody can close an invisible window
        }
        var options = ViewerOptions(width: dims[0], height: dims[1], frameLimit: limit)
        options.autopilot = !manual
        options.title = "Swiftlet - fly"
        let registry = PolicyCatalog.registry
        let shot = screenshot
        let outcome = try MainActor.assumeIsolated {
            try FlyApp.fly(config, options: options, registry: registry, screenshot: shot)
        }
        if let reason = outcome.report.noDisplayReason { print(reason) }
        print(outcome.summary)
        if let shot, outcome.report.lastFrame != nil { print("screenshot: \(shot)") }
    }

    func runScript() throws {
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
