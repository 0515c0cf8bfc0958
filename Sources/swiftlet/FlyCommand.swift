import App
import ArgumentParser
import Autonomy
import Diagnostics
import Foundation
import Geometry
import Models
import Physics
import Recording
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

        --hint DIR flies the HInt experiment's own episodes (its held-out worlds, starts and goals; \
        --seed E starts at episode E) with the models in DIR (`swiftlet experiment hint` writes \
        OUT/models and the config it used, DIR/experiment.json; --hint-config FILE for older \
        directories); the plan's predicted poses are coloured by predicted collision probability.
        --ldm ldm|greedy|none flies the LDM flight experiment's quadrotor towards a far goal with the \
        bundled models of its momentum preset (--ldm-preset NAME picks another, --ldm-config FILE \
        overlays it; settings without bundled models are trained first, ~20 s for the smoke \
        presets, minutes for the others; --ldm-models DIR keeps them); \
        rejected candidates are grey, the filter's value is on the HUD; N switches the filter.
        --ocs DIR|default flies a camera policy that may hover instead of acting (METHODS.md 4-5) in \
        the OCS closed loop's held-out worlds: --ocs-policy regression|threshold (the models of \
        `swiftlet experiment ocs --out DIR`) or standard|hedge|control (the arms of `swiftlet \
        experiment hedging --out DIR`); `default` trains it at startup (~10 s, --ocs-preset smoke \
        for seconds). The camera inset is the corrupted image the policy sees: --corruption \
        RUNG:SEVERITY to start with (noise, blur, fog, brightness; 0-5), keys , and . change the \
        severity, V the rung; the map colours the five primitives by the policy's score and the \
        HUD shows its outputs, its decision (TURN or HOVER) and the hover fraction.

        --swarm N flies N quadrotors (1-64) of --robot together in --world (default an open \
        field): they start on a ring and orbit it in two layers 1.5 m apart in opposite \
        directions, so each upper vehicle passes over each lower one and its downwash pushes it \
        down (QuadrotorSwarm: downwash and contact between vehicles). The view follows one \
        vehicle (V or . next, , previous), the map shows all with trails, the HUD its downwash \
        force, the swarm's minimum separation and contact count. --record FILE.mcap logs every \
        vehicle's poses, commands and events (no camera images); `swiftlet replay` plays and \
        --verify re-simulates it.
        --swarm N --policy SPEC flies SPEC (as --policy above: privileged, straight, random or a \
        policy file such as the bundled one) on every vehicle, each with its own instance, seed and \
        camera (which draws the others): they start side by side 1.5 m apart, all heading into \
        --world (default the demo's dense forest), at the policy's altitude and speed. The HUD \
        names the policy, the inset is what the followed vehicle's policy sees, the map its \
        planner's candidates; the summary counts world collisions and vehicle contacts apart and \
        the mean distance flown. --record logs the policy name; --verify replays its commands.

        Without a display set SDL_VIDEODRIVER=dummy and pass --frames N --screenshot F.png. \
        --record FILE.mcap logs episode 0 to FILE.mcap and later episodes to FILE-1.mcap, ...

        --headless keeps the physics-only scripted flight (docs/physics.md): one segment per \
        line, DURATION KIND ARGS; angles in degrees; '#' comments:
          position X Y Z [YAW] | velocity VX VY VZ YAWRATE | forward SPEED YAWRATE ALT
          drive SPEED YAWRATE | steer SPEED STEERING

        Each mode (window, --headless, --hint, --ldm, --ocs, --swarm) reads only its own flags; any other flag is \
        refused with a line saying which mode reads it.
        """
    )

    @Option(help: "World file or generator spec (default: a dense generated forest; N cycles through one world of each family).")
    var world: String?

    @Option(help: "Robot file (URDF). (default: Robots/cf2x.urdf)")
    var robot: String?

    @Option(help: "Domain profile: sim, real, real-dynamics or real-appearance. (default: sim)")
    var domain: String?

    @Option(help: "Autopilot: a policy file (.safetensors), privileged, straight or random (default: the bundled learned policy when present, else privileged; with --swarm every vehicle flies it, default the ring autopilot).")
    var policy: String?

    @Option(help: "Record episodes to this MCAP file.")
    var record: String?

    @Option(help: "(--record) Camera frames as cdr (ROS 2 sensor_msgs/msg/Image, binary) or json (foxglove.RawImage, base64). (default: cdr)")
    var imageEncoding: String?

    @Option(help: "Seed of the first episode (episode e uses seed + e; with --headless: wind gusts; with --hint: the experiment episode flown first; with --ldm: the LDM run's seed, which picks its data, models and episodes; with --ocs: the experiment's seed, which picks the trained models and the closed loop's episodes; with --swarm: the first episode's, a blocked start tries the next). (default: 0; --ldm, --ocs: the preset's)")
    var seed: UInt64?

    @Option(help: "Stop after N frames (default: run until the window closes).")
    var frames: Int?

    @Option(help: "Save the last frame as PNG.")
    var screenshot: String?

    @Flag(help: "Start with the autopilot off (manual flight).")
    var manual = false

    @Option(help: "Main view camera at the start: chase, orbit, first-person or top (the orbit camera nearly straight above the robot, 12 m away); Tab still cycles. (default: chase)")
    var camera: String?

    @Option(help: "Window size WxH. (default: 960x540)")
    var size: String?

    @Flag(help: "Physics-only scripted flight without a window (see discussion).")
    var headless = false

    @Option(help: "(--headless) Command script (default: built-in demo).")
    var script: String?

    @Option(help: "(--headless) Effects: none, all, or a comma list of \(Effects.names.map(\.0).joined(separator: ", ")). (default: all)")
    var effects: String?

    @Option(help: "(--headless) Physics rate in Hz. (default: 500)")
    var rate: Double?

    @Option(help: "(--headless) Start position x,y,z in metres. (default: 0,0,1)")
    var initial: String?

    @Option(help: "HInt: a trained model directory (swiftlet experiment hint writes OUT/models).")
    var hint: String?

    @Option(help: "(--hint) Method: \(HIntMethod.allCases.map(\.rawValue).joined(separator: ", ")). (default: hint)")
    var hintMethod: String?

    @Option(help: "(--hint) The experiment config the models were trained with (default: DIR/experiment.json, which `experiment hint` writes; else the default config).")
    var hintConfig: String?

    @Option(help: "(--hint) Yaw-rate limit of the deploying robot, deg/s. (default: 180)")
    var yawLimit: Double?

    @Option(help: "(--hint) MPPI samples per tick (default: the experiment's 4096).")
    var hintSamples: Int?

    @Option(help: "LDM flight: the filter flown first: ldm, greedy or none (N cycles them).")
    var ldm: String?

    @Option(help: "(--ldm) Filter level: percentile of the training log-densities (saved models: 0.5 to 50 in steps of 0.5). (default: 25)")
    var ldmLevel: Double?

    @Option(help: "(--ldm) Settings preset the viewer trains with at startup: smoke (~20 s), momentum-smoke (tilt-rate actions, ~20 s), or the experiment's default, momentum, momentum-slow (minutes). (default: momentum, whose models are bundled)")
    var ldmPreset: String?

    @Option(help: "(--ldm) JSON overlay of the --ldm-preset settings (any subset; see docs/ldm.md).")
    var ldmConfig: String?

    @Option(help: "(--ldm) Directory of saved models: flown when it holds models of these settings, else trained and saved there. (default: the bundled Assets/ldm/<preset> when it fits, else training)")
    var ldmModels: String?

    @Option(help: "OCS / hedging: an `experiment ocs` or `experiment hedging` output directory, or `default` to train the policy at startup.")
    var ocs: String?

    @Option(help: "(--ocs) Policy: \(OCSFlyPolicyName.allCases.map(\.rawValue).joined(separator: ", ")). (default: regression; hedge for a hedging directory)")
    var ocsPolicy: String?

    @Option(help: "(--ocs) Camera corruption at the start, RUNG[:SEVERITY]: noise, blur, fog or brightness, severity 0-5. (default: noise:0)")
    var corruption: String?

    @Option(help: "(--ocs) Experiment preset the policy is trained with at startup, and whose camera saved policies fly with (and network, for OCS checkpoints that record none): default or smoke. (default: default)")
    var ocsPreset: String?

    @Option(help: "(--ocs) JSON overlay of the --ocs-preset settings of the policy's experiment (the config the models were trained with, e.g. Experiments/ocs-large-wide.json).")
    var ocsConfig: String?

    @Option(help: "Swarm: fly N quadrotors together (1-64) on a ring with downwash crossings, or with --policy each flying the policy into a forest; the view follows one (V next).")
    var swarm: Int?

    /// The flags the user typed (options left at their defaults are nil or false).
    var givenFlags: Set<String> {
        let flags: [(String, Bool)] = [
            ("world", world != nil), ("robot", robot != nil), ("domain", domain != nil), ("policy", policy != nil),
            ("record", record != nil), ("seed", seed != nil), ("frames", frames != nil), ("screenshot", screenshot != nil),
            ("manual", manual), ("size", size != nil), ("camera", camera != nil), ("headless", headless), ("script", script != nil),
            ("effects", effects != nil), ("rate", rate != nil), ("initial", initial != nil), ("hint", hint != nil),
            ("hint-method", hintMethod != nil), ("yaw-limit", yawLimit != nil), ("hint-samples", hintSamples != nil), ("hint-config", hintConfig != nil),
            ("ldm", ldm != nil), ("ldm-level", ldmLevel != nil), ("ldm-preset", ldmPreset != nil), ("ldm-config", ldmConfig != nil),
            ("ldm-models", ldmModels != nil),
            ("ocs", ocs != nil), ("ocs-policy", ocsPolicy != nil), ("corruption", corruption != nil), ("ocs-preset", ocsPreset != nil),
            ("ocs-config", ocsConfig != nil), ("swarm", swarm != nil),
        ]
        return Set(flags.filter(\.1).map(\.0))
    }

    func run() throws {
        let mode: FlyMode
        switch FlyMode.resolve(given: givenFlags) {
        case .success(let m): mode = m
        case .failure(let e): throw ValidationError(e.message)   // one line, no usage dump (CLIError prints it alone)
        }
        // values are checked, then outputs, once the flags are known to apply, so a refused flag
        // creates nothing
        let cameraChoice = try camera.map { try ViewerCameraChoice.named($0) }
        if let screenshot { try FlyApp.checkScreenshotPath(screenshot) }
        if let record { try OutputPath.prepareParent(of: record, source: "--record") }
        if mode == .headless { return try runScript() }
        let size = self.size ?? "960x540"
        let dims = size.split(separator: "x").compactMap { Int($0) }
        guard dims.count == 2, (64...4096).contains(dims[0]), (64...4096).contains(dims[1]) else {
            throw InputError("--size", "expected WxH between 64 and 4096, got \"\(size)\"")
        }
        if let frames, frames <= 0 { throw InputError("--frames", "must be positive, got \(frames)") }
        var config = FlyConfig()
        if let world { config.worlds = [world] + FlyConfig.defaultWorlds.filter { $0 != world } }
        if let robot { config.robot = robot }
        if let domain { config.domain = domain }
        config.policy = policy ?? (FileManager.default.fileExists(atPath: BundledResource.resolve(DemoCommand.bundledPolicy)) ? DemoCommand.bundledPolicy : "privileged")
        config.seed = seed ?? 0
        config.record = record
        config.imageEncoding = try ImageMessageEncoding.parse(imageEncoding, recording: record != nil)
        var limit = frames
        if limit == nil, case let .available(driver) = DisplayStatus.probe(environment: ProcessInfo.processInfo.environment),
           DisplayStatus.isHeadlessDriver(driver) {
            limit = 300   // nobody can close an invisible window
        }
        var options = ViewerOptions(width: dims[0], height: dims[1], frameLimit: limit)
        options.autopilot = !manual
        if let cameraChoice { options.camera = cameraChoice }
        options.title = "Swiftlet - fly"
        var registry = PolicyCatalog.registry
        let shot = screenshot
        if let swarm { return try runSwarm(swarm, options: options) }
        if let ldm { return try runLDM(ldm, options: options) }
        if let ocs { return try runOCS(ocs, options: options) }
        if let hint {
            let hintMethod = self.hintMethod ?? HIntMethod.hint.rawValue
            guard let method = HIntMethod(rawValue: hintMethod) else {
                throw InputError("--hint-method", "expected one of \(HIntMethod.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(hintMethod)\"")
            }
            let experiment: HIntExperimentConfig
            let saved = (hint as NSString).appendingPathComponent(HIntExperimentConfig.modelsFileName)
            if let hintConfig {
                experiment = try HIntExperimentConfig.load(hintConfig)
            } else if FileManager.default.fileExists(atPath: saved) {
                experiment = try HIntExperimentConfig.load(saved)
            } else {
                print("\(hint) has no \(HIntExperimentConfig.modelsFileName): flying the default experiment config (--hint-config FILE for the one the models were trained with)")
                experiment = HIntExperimentConfig()
            }
            (config, registry) = try HIntFly.setup(modelsDirectory: hint, method: method, yawLimitDegrees: yawLimit ?? 180, samples: hintSamples,
                                                   experiment: experiment, firstEpisode: Int(clamping: seed ?? 0), base: config, registry: registry)
            options.title = "Swiftlet - HInt (\(method.rawValue))"
        }
        let flyConfig = config, flyRegistry = registry
        let outcome = try MainActor.assumeIsolated {
            try FlyApp.fly(flyConfig, options: options, registry: flyRegistry, screenshot: shot)
        }
        Self.printOutcome(outcome.report, summary: outcome.summary, screenshot: shot)
    }

    /// After a viewer run: why there was no window (if so), the mode's summary, the screenshot.
    static func printOutcome(_ report: ViewerRunReport, summary: String, screenshot: String?) {
        if let reason = report.noDisplayReason { print(offScreen(reason)) }
        print(summary)
        if let screenshot, report.lastFrame != nil { print("screenshot: \(screenshot)") }
    }

    /// What happened instead of a window, and how to get a picture.
    static func offScreen(_ reason: String) -> String {
        "\(reason): flew off-screen instead (SDL_VIDEODRIVER=dummy with --frames N --screenshot F.png saves a picture)"
    }

    func runSwarm(_ count: Int, options: ViewerOptions) throws {
        var config = policy.map(SwarmFlyConfig.policyMode) ?? SwarmFlyConfig()
        config.count = count
        if let world { config.world = world }
        if let robot { config.robot = robot }
        if let domain { config.domain = domain }
        config.seed = seed ?? 0
        config.record = record
        if imageEncoding != nil {
            throw InputError("--image-encoding", "does not apply to --swarm: swarm logs hold no camera images")
        }
        var opts = options
        opts.title = "Swiftlet - swarm of \(count)" + (policy.map { " flying \($0)" } ?? "")
        let (c, o, shot) = (config, opts, screenshot)
        let outcome = try MainActor.assumeIsolated { try FlyApp.flySwarm(c, options: o, registry: PolicyCatalog.registry, screenshot: shot) }
        Self.printOutcome(outcome.report, summary: outcome.summary, screenshot: shot)
    }

    func runLDM(_ filter: String, options: ViewerOptions) throws {
        guard let kind = SafetyFilterKind(rawValue: filter) else {
            throw InputError("--ldm", "expected ldm, greedy or none, got \"\(filter)\"")
        }
        var config = LDMFlyConfig()
        config.filter = kind
        config.percentile = ldmLevel ?? 25
        let ldmPreset = self.ldmPreset ?? "momentum"
        guard let preset = LDMFlightSettings.preset(named: ldmPreset) else {
            throw InputError("--ldm-preset", "expected one of \(LDMFlightSettings.presetNames.joined(separator: ", ")), got \"\(ldmPreset)\"")
        }
        config.settings = preset
        if let ldmConfig { config.settings = try LDMFlightSettings.load(configPath: ldmConfig, base: preset) }
        if let seed { config.settings.seed = seed }
        config.modelsDirectory = ldmModels
        config.bundledModels = "Assets/ldm/" + ldmPreset
        var opts = options
        opts.title = "Swiftlet - LDM safety filter"
        let (c, o, shot) = (config, opts, screenshot)
        let outcome = try MainActor.assumeIsolated { try FlyApp.flyLDM(c, options: o, screenshot: shot) }
        Self.printOutcome(outcome.report, summary: outcome.summary, screenshot: shot)
    }

    func runOCS(_ dir: String, options: ViewerOptions) throws {
        var config = OCSFlyConfig()
        config.models = dir == "default" ? nil : dir
        let hedgingDirectory = config.models.map { FileManager.default.fileExists(atPath: ($0 as NSString).appendingPathComponent(HedgingCheckpoint.fileName(.hedge))) } ?? false
        let name = ocsPolicy ?? (hedgingDirectory ? OCSFlyPolicyName.hedge.rawValue : OCSFlyPolicyName.regression.rawValue)
        guard let policy = OCSFlyPolicyName(rawValue: name) else {
            throw InputError("--ocs-policy", "expected one of \(OCSFlyPolicyName.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(name)\"")
        }
        config.policy = policy
        let preset = ocsPreset ?? "default"
        guard let ocsSettings = OCSSettings.preset(named: preset), let hedgingSettings = HedgingSettings.preset(named: preset) else {
            throw InputError("--ocs-preset", "expected one of \(OCSSettings.presetNames.joined(separator: ", ")), got \"\(preset)\"")
        }
        config.ocs = ocsSettings
        config.hedging = hedgingSettings
        if let ocsConfig {
            if policy.arm == nil { config.ocs = try OCSSettings.load(configPath: ocsConfig, base: ocsSettings) } else {
                config.hedging = try HedgingSettings.load(configPath: ocsConfig, base: hedgingSettings)
            }
        }
        // the experiments' seed: it picks the trained models and, as in their closed loop, the episodes
        if let seed {
            config.seed = seed
            config.ocs.seed = seed
            config.hedging.seed = seed
        } else {
            config.seed = policy.arm == nil ? config.ocs.seed : config.hedging.seed
        }
        if let corruption { (config.rung, config.severity) = try OCSFlyConfig.parseCorruption(corruption) }
        var opts = options
        opts.title = "Swiftlet - OCS / hedging (\(policy.rawValue))"
        let (c, o, shot) = (config, opts, screenshot)
        let outcome = try MainActor.assumeIsolated { try FlyApp.flyOCS(c, options: o, screenshot: shot, progress: .standardError) }
        Self.printOutcome(outcome.report, summary: outcome.summary, screenshot: shot)
    }

    func runScript() throws {
        let rate = self.rate ?? 500
        guard rate > 0, rate.isFinite, rate <= 1e6 else { throw InputError("--rate", "rate must be in (0, 1e6] Hz, got \(rate)") }
        let description = try URDFLoader.load(path: robot ?? FlyConfig().robot)
        let flightScript: FlightScript
        if let script {
            let data = try InputFile.read(script, as: "a flight script")
            flightScript = try FlightScript.parse(String(decoding: data, as: UTF8.self), source: script, robot: description)
        } else {
            flightScript = FlightScript.demo(for: description)
        }
        let vehicle = Vehicle(robot: description, rate: rate, effects: try parseEffects(effects ?? "all"),
                              position: try parseVec3(initial ?? "0,0,1", flag: "--initial"), seed: seed ?? 0)
        var session = FlightSession(vehicle: vehicle, script: flightScript)
        print(session.runToEnd())
    }
}
