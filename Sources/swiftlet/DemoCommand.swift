import App
import ArgumentParser
import Diagnostics
import Foundation
import Viewer

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Watch the quadrotor fly itself through a forest (make demo).",
        discussion: """
        With a display: `swiftlet fly` in the default forest with the autopilot on, flying the \
        bundled learned policy (Assets/policies/gts-sim-default.safetensors) when it is present, \
        else the privileged planner. Without a display: says so in one line, flies a short \
        headless episode, and writes a screenshot (OUT/demo.png) and an MCAP log (OUT/demo.mcap).
        """
    )

    @Option(help: "Output directory of the headless run.") var out: String = "out/demo"
    @Option(help: "Control ticks of the headless run (4 per simulated second).") var ticks: Int = 240
    @Option(help: "Seed.") var seed: UInt64 = 0
    @Option(help: "Autopilot: a policy file, or privileged|straight|random (default: the bundled learned policy if present).")
    var policy: String?

    /// The learned policy `make demo` flies (trained by `swiftlet train collision --config Assets/configs/default.json`).
    static let bundledPolicy = "Assets/policies/gts-sim-default.safetensors"

    func run() throws {
        guard ticks > 0 && ticks <= 100_000 else { throw InputError("--ticks", "must be in 1...100000, got \(ticks)") }
        var config = FlyConfig()
        config.seed = seed
        config.policy = policy ?? (FileManager.default.fileExists(atPath: BundledResource.resolve(Self.bundledPolicy)) ? Self.bundledPolicy : "privileged")
        let registry = PolicyCatalog.registry
        var noWindow: String? = nil
        switch DisplayStatus.probe(environment: ProcessInfo.processInfo.environment) {
        case let .unavailable(reason): noWindow = reason
        case let .available(driver) where DisplayStatus.isHeadlessDriver(driver):
            noWindow = "no display (SDL_VIDEODRIVER=\(driver ?? "") shows nothing)"
        case .available: break
        }
        if let reason = noWindow {
            print("\(reason): flying a short headless episode instead")
            let (o, t) = (out, ticks)
            let result = try MainActor.assumeIsolated { try FlyApp.headlessDemo(config, ticks: t, outDir: o, registry: registry) }
            print(result.summary)
            return
        }
        var options = ViewerOptions()
        options.title = "Swiftlet - demo"
        options.headlessFrames = nil
        let outcome = try MainActor.assumeIsolated { try FlyApp.fly(config, options: options, registry: registry) }
        if let reason = outcome.report.noDisplayReason {
            // SDL could not open a window after all: fall back to the headless run
            print("\(reason): flying a short headless episode instead")
            let (o, t) = (out, ticks)
            let result = try MainActor.assumeIsolated { try FlyApp.headlessDemo(config, ticks: t, outDir: o, registry: registry) }
            print(result.summary)
            return
        }
        print(outcome.summary)
    }
}
