import App
import ArgumentParser
import Diagnostics
import Foundation
import Recording
import Viewer

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay an MCAP episode log: window, summary, frame/pose export, exact re-simulation check.",
        discussion: """
        In a window (the default when a display exists): Space play/pause, Left/Right step, \
        Home/End, +/- or [ ] speed, click or drag the timeline to scrub, Tab camera, F1 help.

        --headless prints a summary (duration, distance, collisions, topics, counts). --verify \
        re-simulates from the logged world, seed, robot, profile, env settings and commands and \
        fails, naming the first mismatching step, unless every pose matches bit for bit.

        A swarm log (fly --swarm N --record) plays every vehicle with its trail, following one \
        (V or . next, , previous); --headless adds vehicles, contacts and the minimum \
        separation; --verify re-simulates the whole swarm and names the first mismatching \
        vehicle and step; --export-poses writes one row per vehicle per step.
        """
    )

    @Argument(help: "Episode log (.mcap).") var file: String
    @Flag(help: "No window: print the summary.") var headless = false
    @Option(help: "Write the logged camera images as PNG files into this directory.") var exportFrames: String?
    @Option(help: "Write the logged poses as CSV.") var exportPoses: String?
    @Flag(help: "Re-simulate the episode and check that the poses match the log exactly.") var verify = false
    @Option(help: "Stop the window after N frames.") var frames: Int?
    @Option(help: "Save the last window frame as PNG.") var screenshot: String?
    @Option(help: "Window camera at the start: chase, orbit, first-person or top (as fly --camera). (default: chase)") var camera: String?

    func validate() throws {
        if let frames, frames <= 0 { throw ValidationError("--frames: must be positive, got \(frames)") }
        if headless, let flag = [("--frames", frames != nil), ("--screenshot", screenshot != nil), ("--camera", camera != nil)]
            .first(where: \.1)?.0 {
            throw ValidationError("\(flag) needs the window; drop it or --headless")
        }
    }

    func run() throws {
        if let camera { _ = try ViewerCameraChoice.named(camera) }
        if let screenshot { try FlyApp.checkScreenshotPath(screenshot) }
        let log = try ReplayTool.load(path: file)
        if SwarmLog.isSwarm(log) { return try runSwarm() }
        if let dir = exportFrames {
            print("wrote \(try ReplayTool.exportFrames(log, to: dir)) PNG files to \(dir)")
        }
        if let csv = exportPoses {
            print("wrote \(try ReplayTool.exportPoses(log, to: csv)) poses to \(csv)")
        }
        if verify {
            let r = try ReplayVerifier.verify(log, source: file)
            print("verify: OK, \(r.poses) poses over \(r.steps) control steps match the re-simulation bit for bit")
        }
        let path = file
        try present(exports: exportFrames != nil || exportPoses != nil, summary: { ReplayTool.summary(log, path: path) }) { options in
            try ReplayTool.window(log, path: path, options: options)
        }
    }

    /// The same flags on a swarm log.
    func runSwarm() throws {
        if exportFrames != nil { throw InputError("--export-frames", "a swarm log holds no camera images") }
        let log = try SwarmLog.load(path: file)
        if let csv = exportPoses {
            print("wrote \(try SwarmReplay.exportPoses(log, to: csv)) poses to \(csv)")
        }
        if verify {
            let r = try SwarmReplay.verify(log, source: file)
            print("verify: OK, \(r.poses) poses of \(r.vehicles) vehicles over \(r.steps) control steps match the re-simulation bit for bit"
                  + (r.cut ? " (the file is cut: checked the steps it holds)" : ""))
        }
        let path = file
        try present(exports: exportPoses != nil, summary: { SwarmReplay.summary(log, path: path) }) { options in
            try SwarmReplayPlayer.window(log, path: path, options: options)
        }
    }

    /// After the exports and the check: the replay window when it is wanted (no --headless,
    /// exports or --verify, or --frames / --screenshot) and a display exists, then the summary;
    /// else the summary alone, unless only exports or --verify were asked for.
    func present(exports: Bool, summary: () -> String, window: @MainActor (ViewerOptions) throws -> ViewerRunReport) throws {
        var windowWanted = !headless && !exports && !verify
        if windowWanted, case .unavailable(let reason) = DisplayStatus.probe(environment: ProcessInfo.processInfo.environment) {
            print("\(reason): printing the summary instead")
            windowWanted = false
        }
        guard windowWanted || frames != nil || screenshot != nil else {
            if headless || (!exports && !verify) { print(summary()) }
            return
        }
        var options = ViewerOptions(frameLimit: frames)
        if let camera { options.camera = try ViewerCameraChoice.named(camera) }
        options.title = "Swiftlet - replay \((file as NSString).lastPathComponent)"
        let report = try MainActor.assumeIsolated { try window(options) }
        if let shot = screenshot, let image = report.lastFrame {
            try FlyApp.savePNG(image, to: shot)
            print("screenshot: \(shot)")
        }
        print(summary())
    }
}
