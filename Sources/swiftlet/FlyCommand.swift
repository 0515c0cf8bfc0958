import App
import ArgumentParser
import Autonomy
import Diagnostics
import Foundation
import Geometry
import Models
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

        --hint DIR drives the HInt experiment's deploying robot (jackal) to goals in its held-out \
        worlds with the models in DIR (`swiftlet experiment hint` writes OUT/models); the plan's \
        predicted poses are coloured by predicted collision probability.
        --ldm ldm|greedy|none trains the LDM flight experiment's models (smoke preset, ~20 s; \
        --ldm-preset NAME picks another, --ldm-config FILE overlays it) and flies its quadrotor towards a far goal; \
        rejected candidates are grey, the filter's value is on the HUD; N switches the filter.

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

    @Option(help: "Seed of the first episode (episode e uses seed + e; with --headless: wind gusts; with --ldm: the LDM run's seed, which picks its data, models and episodes). (default: 0; --ldm: the preset's)")
    var seed: UInt64?

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

    @Option(help: "HInt: a trained model directory (swiftlet experiment hint writes OUT/models).")
    var hint: String?

    @Option(help: "(--hint) Method: \(HIntMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
    var hintMethod: String = "hint"

    @Option(help: "(--hint) Yaw-rate limit of the deploying robot, deg/s.")
    var yawLimit: Double = 180

    @Option(help: "(--hint) MPPI samples per tick (default: the experiment's 4096).")
    var hintSamples: Int?

    @Option(help: "LDM flight: the filter flown first: ldm, greedy or none (N cycles them).")
    var ldm: String?

    @Option(help: "(--ldm) Filter level: percentile of the training log-densities.")
    var ldmLevel: Double = 5

    @Option(help: "(--ldm) Settings preset the viewer trains with at startup: smoke (~20 s), momentum-smoke (tilt-rate actions, ~20 s), or the experiment's default, momentum, momentum-slow (minutes).")
    var ldmPreset: String = "smoke"

    @Option(help: "(--ldm) JSON overlay of the --ldm-preset settings (any subset; see docs/ldm.md).")
    var ldmConfig: String?

    func run() throws {
        if headless || script != nil { return try runScript() }
        let dims = size.split(separator: "x").compactMap { Int($0) }
        guard dims.count == 2, (64...4096).contains(dims[0]), (64...4096).contains(dims[1]) else {
            throw InputError("--size", "expected WxH between 64 and 4096, got \"\(size)\"")
        }
        if let frames, frames <= 0 { throw InputError("--frames", "must be positive, got \(frames)") }
        if hint != nil && ldm != nil { throw ValidationError("--hint and --ldm cannot be combined") }
        if (hint != nil || ldm != nil) && policy != nil { throw ValidationError("--policy cannot be combined with --hint or --ldm") }
        if ldm != nil && record != nil { throw ValidationError("--record is not available with --ldm (its plant is not an Env episode)") }
        if hint != nil && robot != "Robots/cf2x.urdf" { print("--robot is ignored with --hint (the deploying robot is the jackal)") }
        var config = FlyConfig()
        if let world { config.worlds = [world] + FlyConfig.defaultWorlds.filter { $0 != world } }
        config.robot = robot
        config.domain = domain
        config.policy = policy ?? (FileManager.default.fileExists(atPath: BundledResource.resolve(DemoCommand.bundledPolicy)) ? DemoCommand.bundledPolicy : "privileged")
        config.seed = seed ?? 0
        config.record = record
        var limit = frames
        if limit == nil, case let .available(driver) = DisplayStatus.probe(environment: ProcessInfo.processInfo.environment),
           DisplayStatus.isHeadlessDriver(driver) {
            limit = 300   // nobody can close an invisible window
        }
        var options = ViewerOptions(width: dims[0], height: dims[1], frameLimit: limit)
        options.autopilot = !manual
        options.title = "Swiftlet - fly"
        var registry = PolicyCatalog.registry
        let shot = screenshot
        if let ldm { return try runLDM(ldm, options: options) }
        if let hint {
            guard let method = HIntMethod(rawValue: hintMethod) else {
                throw InputError("--hint-method", "expected one of \(HIntMethod.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(hintMethod)\"")
            }
            let experiment = HIntExperimentConfig()
            let worlds = world.map { w in [w] + experiment.evalSpecs.filter { $0 != w } }
            (config, registry) = try HIntFly.setup(modelsDirectory: hint, method: method, yawLimitDegrees: yawLimit, samples: hintSamples,
                                                   experiment: experiment, worlds: worlds, base: config, registry: registry)
            options.title = "Swiftlet - HInt (\(method.rawValue))"
        }
        let flyConfig = config, flyRegistry = registry
        let outcome = try MainActor.assumeIsolated {
            try FlyApp.fly(flyConfig, options: options, registry: flyRegistry, screenshot: shot)
        }
        if let reason = outcome.report.noDisplayReason { print(reason) }
        print(outcome.summary)
        if let shot, outcome.report.lastFrame != nil { print("screenshot: \(shot)") }
    }

    func runLDM(_ filter: String, options: ViewerOptions) throws {
        guard let kind = SafetyFilterKind(rawValue: filter) else {
            throw InputError("--ldm", "expected ldm, greedy or none, got \"\(filter)\"")
        }
        var config = LDMFlyConfig()
        config.filter = kind
        config.percentile = ldmLevel
        guard let preset = LDMFlightSettings.preset(named: ldmPreset) else {
            throw InputError("--ldm-preset", "expected one of \(LDMFlightSettings.presetNames.joined(separator: ", ")), got \"\(ldmPreset)\"")
        }
        config.settings = preset
        if let ldmConfig { config.settings = try LDMFlightSettings.load(configPath: ldmConfig, base: preset) }
        if let seed { config.settings.seed = seed }
        if world != nil { print("--world is ignored with --ldm (the LDM task flies in open space)") }
        var opts = options
        opts.title = "Swiftlet - LDM safety filter"
        let (c, o, shot) = (config, opts, screenshot)
        let outcome = try MainActor.assumeIsolated { try FlyApp.flyLDM(c, options: o, screenshot: shot) }
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
                              position: try parseVec3(initial, flag: "--initial"), seed: seed ?? 0)
        var session = FlightSession(vehicle: vehicle, script: flightScript)
        print(session.runToEnd())
    }
}
