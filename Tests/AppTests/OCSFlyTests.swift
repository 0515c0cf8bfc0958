import Diagnostics
import Foundation
import Geometry
import Models
import Neural
import Physics
import Rendering
import Testing
import TestSupport
import Viewer
@testable import App
@testable import Autonomy

/// `swiftlet fly --ocs`: the viewer's step is the OCS closed loop's, the corruption keys change
/// what the policy sees, checkpoints are validated, and the mode flies off-screen.
@Suite(.serialized) struct OCSFlyTests {
    static func robot() throws -> RobotDescription { try URDFLoader.load(path: OCSFlyConfig().robot) }

    /// Smoke-preset settings with a short closed loop in one held-out world.
    static var smoke: OCSSettings {
        var s = OCSSettings.smoke
        s.closedLoop.episodesPerWorld = 1
        s.closedLoop.worlds = 1
        s.closedLoop.episodeTime = 6
        return s
    }

    static func config(_ s: OCSSettings, severity: Int = 0) -> OCSFlyConfig {
        var c = OCSFlyConfig()
        c.ocs = s
        c.worlds = s.closedLoop.worlds
        c.episodeTime = s.closedLoop.episodeTime
        c.seed = s.seed
        c.rung = s.closedLoop.rung
        c.severity = severity
        return c
    }

    /// A smoke-trunk regression model whose outputs ignore the image: every reward 0 but
    /// `favoured` (index K = abstain) at +1.
    static func constantRegression(favoured: Int) -> OCSFlightPolicy {
        var rng = RNG(seed: 3)
        var model = OCSModel(kind: .rewardRegression, actions: 5, config: OCSSettings.smoke.network, rng: &rng)
        let w = model.parameters["head.weight"]!
        model.parameters["head.weight"] = Tensor(shape: w.shape, repeating: 0)
        var bias = [Float](repeating: 0, count: 6)
        bias[favoured] = 1
        model.parameters["head.bias"] = Tensor(shape: [6], data: bias)
        return .rewardRegression(model)
    }

    @Test func viewerStepsAreTheClosedLoopsSteps() throws {
        for severity in [0, 4] {
            var s = Self.smoke
            s.closedLoop.severities = [severity]
            let result = try OCSExperiment.run(s)
            #expect(result.closedLoop.count == 2)
            for (summary, row) in zip(result.models, result.closedLoop) {
                var sim = try OCSFlySimulation(config: Self.config(s, severity: severity), policy: OCSFlightPolicy(summary),
                                               robot: try Self.robot(), viewSize: nil)
                while !sim.isDone { sim.tick(nil) }
                #expect(sim.steps > 0)
                #expect(sim.distance == row.distances[0], "\(summary.model.kind) severity \(severity)")
                #expect(Double(sim.hovers) / Double(sim.steps) == row.hoverFraction)
                #expect((sim.collisions == 1) == row.collided[0])
            }
        }
    }

    @Test func corruptionKeysChangeWhatThePolicySees() throws {
        let s = Self.smoke
        var sim = try OCSFlySimulation(config: Self.config(s), policy: Self.constantRegression(favoured: 2), robot: try Self.robot(), viewSize: nil)
        let clean = sim.env.state.observation.frames
        #expect(sim.decision.image == clean, "severity 0 is the clean image")
        #expect(sim.frame().monocular?.pixels == clean)
        sim.handle(keys: [.period])
        #expect(sim.severity == 1 && sim.rung == .noise)
        #expect(sim.decision.image != clean && sim.frame().monocular?.pixels == sim.decision.image)
        sim.handle(keys: [.period, .period, .period, .period, .period, .period])
        #expect(sim.severity == 5, "clamped at 5")
        let noisy = sim.decision.image
        let mseNoise = ImageCorruption.meanSquaredError(noisy, clean)
        sim.handle(keys: [.v])
        #expect(sim.rung == .blur && sim.severity == 5)
        #expect(sim.decision.image != noisy && sim.decision.image != clean)
        #expect(mseNoise > 0)
        sim.handle(keys: [.v, .v, .v])
        #expect(sim.rung == .noise, "V cycles the four pixel rungs")
        #expect(sim.decision.image == noisy, "the same step and severity see the same noise")
        sim.handle(keys: Array(repeating: .comma, count: 7))
        #expect(sim.severity == 0 && sim.decision.image == clean)
        // the HUD names the corruption
        #expect(sim.hudLines[0].text.hasPrefix("CAMERA noise severity 0/5"))
        // the viewer passes these keys through to the simulation (they map to no viewer command)
        for key in [ViewerKey.comma, .period, .v] { #expect(InputMapper.command(forKeyDown: key, mode: .fly) == nil) }
    }

    @Test func hudShowsHoverWhenThePolicyAbstains() throws {
        let s = Self.smoke
        var hover = try OCSFlySimulation(config: Self.config(s), policy: Self.constantRegression(favoured: 5), robot: try Self.robot(), viewSize: nil)
        for _ in 0..<8 { hover.tick(nil) }
        let lines = hover.hudLines
        #expect(lines.contains { $0.text.hasPrefix("DECISION HOVER") && $0.isAlert })
        #expect(lines.contains { $0.text.hasPrefix("HOVER 8/8 steps (1.00)") })
        #expect(hover.distance < 0.05, "hovering stays in place: \(hover.distance) m")
        #expect(hover.candidatePaths.count == 5 && !hover.candidatePaths.contains { $0.isChosen })

        var turn = try OCSFlySimulation(config: Self.config(s), policy: Self.constantRegression(favoured: 3), robot: try Self.robot(), viewSize: nil)
        for _ in 0..<8 { turn.tick(nil) }
        #expect(turn.hudLines.contains { $0.text == "DECISION TURN +20 deg/s" && !$0.isAlert })
        #expect(turn.hudLines[1].text == "REWARD +0.00 +0.00 +0.00 +1.00 +0.00 ABSTAIN +0.00")
        #expect(turn.hudLines.contains { $0.text.hasPrefix("HOVER 0/8 steps") })
        #expect(turn.distance > 0.5)
        let paths = turn.candidatePaths
        #expect(paths.map(\.isChosen) == [false, false, false, true, false])
        // reward +1 for the favoured primitive is the best colour, 0 for the others
        #expect(paths[3].collisionProbability == 0 && paths[0].collisionProbability == 0.2)
        // the paths turn the way their yaw rates say: -40 deg/s ends right of +40 deg/s
        let yaw = turn.env.state.observation.robot.yaw
        let left = Vec3(-sin(yaw), cos(yaw), 0)
        #expect(((paths[0].points.last! - paths[4].points.last!) * left).sum() < -0.5)
    }

    @Test @MainActor func flyOCSRunsOffscreenAndHovers() throws {
        var options = ViewerOptions(width: 640, height: 360, frameLimit: 12)
        options.environment = [:]
        options.gamepad = false
        let shot = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-ocsfly-\(ProcessInfo.processInfo.processIdentifier).png").path
        defer { try? FileManager.default.removeItem(atPath: shot) }
        let out = try FlyApp.flyOCS(Self.config(Self.smoke, severity: 3), policy: Self.constantRegression(favoured: 5), robot: try Self.robot(),
                                    options: options, screenshot: shot)
        #expect(out.report.frames == 12 && out.report.lastFrame != nil && !out.report.usedWindow)
        #expect(out.steps >= 1 && out.hovers == out.steps)
        #expect(out.corruption == "noise 3")
        #expect(FileManager.default.fileExists(atPath: shot))
    }

    @Test func checkpointsAreValidatedAgainstWhatTheViewerBuilds() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-ocsfly-models-\(ProcessInfo.processInfo.processIdentifier)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = OCSDataSettings()
        let smokeNet = OCSSettings.smoke.network
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return ""
        }
        // an OCS regression checkpoint of the smoke trunk, saved as the experiment saves it
        guard case let .rewardRegression(model) = Self.constantRegression(favoured: 1) else { Issue.record("not a regression policy"); return }
        let regressionPath = dir + "/rewardRegression.safetensors"
        try Checkpoint.save(model.parameters, metadata: CheckpointMetadata(architecture: OCSReport.architecture(.rewardRegression)), to: regressionPath)
        guard case let .rewardRegression(loaded) = try OCSFlyModels.load(dir, policy: .regression, network: smokeNet, data: data) else {
            Issue.record("loaded the wrong kind"); return
        }
        #expect(loaded.parameters == model.parameters)
        // the default trunk does not fit it: the file and the tensor are named
        let shape = message { _ = try OCSFlyModels.load(dir, policy: .regression, network: OCSNetworkConfig(), data: data) }
        #expect(shape.contains(regressionPath) && shape.contains("trunk.conv0.weight") && shape.contains("shape"), "\(shape)")
        // a classifier file holding a regression model is refused by its architecture
        try FileManager.default.copyItem(atPath: regressionPath, toPath: dir + "/safetyClassifier.safetensors")
        let arch = message { _ = try OCSFlyModels.load(dir, policy: .threshold, network: smokeNet, data: data) }
        #expect(arch.contains("safetyClassifier.safetensors") && arch.contains("architecture") && arch.contains("ocs-safetyClassifier-v1"), "\(arch)")
        // no hedging file yet
        #expect(message { _ = try OCSFlyModels.load(dir, policy: .hedge, network: smokeNet, data: data) }.contains("experiment hedging"))

        // hedging arms: the network comes from the metadata
        var rng = RNG(seed: 5)
        let policy = HedgingPolicy(actions: 5, config: smokeNet, rng: &rng)
        try HedgingCheckpoint.save(policy, arm: .hedge, settings: .smoke, command: "test", to: dir + "/" + HedgingCheckpoint.fileName(.hedge))
        guard case let .hedging(back, arm) = try OCSFlyModels.load(dir, policy: .hedge, network: OCSNetworkConfig(), data: data) else {
            Issue.record("loaded the wrong kind"); return
        }
        #expect(back == policy && arm == .hedge)
        // an arm trained with three primitives does not fit a five-primitive camera
        var three = data
        three.yawRatesDegrees = [-20, 0, 20]
        let k = message { _ = try OCSFlyModels.load(dir, policy: .hedge, network: smokeNet, data: three) }
        #expect(k.contains("hedging-hedge.safetensors") && k.contains("actions"), "\(k)")
        // an OCS checkpoint under a hedging name is refused by its architecture
        try FileManager.default.copyItem(atPath: regressionPath, toPath: dir + "/" + HedgingCheckpoint.fileName(.control))
        let wrong = message { _ = try OCSFlyModels.load(dir, policy: .control, network: smokeNet, data: data) }
        #expect(wrong.contains("hedging-control.safetensors") && wrong.contains("architecture"), "\(wrong)")
    }

    @Test func ocsExperimentCheckpointsRecordTheirNetwork() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-ocsfly-ocs-\(ProcessInfo.processInfo.processIdentifier)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var s = OCSSettings.smoke
        s.rungs = [.noise]
        let r = try OCSExperiment.run(s)
        let a = OCSAnalysis(r)
        _ = try OCSReport.write(r, a, to: dir, command: "test", seconds: 1)
        // the smoke trunk differs from the default one the viewer is told to build: the metadata wins
        #expect(s.network != OCSNetworkConfig())
        for (policy, kind) in [(OCSFlyPolicyName.regression, OCSModelKind.rewardRegression), (.threshold, .safetyClassifier)] {
            let saved = try #require(r.models.first { $0.model.kind == kind }).model
            switch try OCSFlyModels.load(dir, policy: policy, network: OCSNetworkConfig(), data: s.data) {
            case let .rewardRegression(m): #expect(kind == .rewardRegression && m.parameters == saved.parameters && m.network.config == s.network)
            case let .classifier(m, _): #expect(kind == .safetyClassifier && m.parameters == saved.parameters && m.network.config == s.network)
            case .hedging: Issue.record("loaded a hedging policy")
            }
        }
        // K is checked against the camera's primitives, and the recorded network must be valid
        var three = s.data
        three.yawRatesDegrees = [-20, 0, 20]
        do { _ = try OCSFlyModels.load(dir, policy: .regression, network: s.network, data: three); Issue.record("K mismatch accepted") }
        catch { #expect("\(error)".contains("actions") && "\(error)".contains("rewardRegression.safetensors"), "\(error)") }
        let path = dir + "/rewardRegression.safetensors"
        let (params, meta) = try Checkpoint.load(path)
        var broken = try #require(meta)
        broken.extra["network"] = "{\"filters\": []}"
        try Checkpoint.save(params, metadata: broken, to: path)
        do { _ = try OCSFlyModels.load(dir, policy: .regression, network: s.network, data: s.data); Issue.record("invalid network accepted") }
        catch { #expect("\(error)".contains("network"), "\(error)") }
        // a valid but far larger network in the metadata is refused before it is built
        var wide = s.network
        wide.features *= 16
        #expect(wide.isValid && wide.parameterCount(outputs: 6)! > params.scalarCount)
        broken.extra["network"] = wide.metadataValue
        try Checkpoint.save(params, metadata: broken, to: path)
        do { _ = try OCSFlyModels.load(dir, policy: .regression, network: s.network, data: s.data); Issue.record("oversized network accepted") }
        catch { #expect("\(error)".contains("metadata's network needs"), "\(error)") }
    }

    @Test func hedgingExperimentSavesItsArms() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-ocsfly-hedging-\(ProcessInfo.processInfo.processIdentifier)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try HedgingExperiment.run(.smoke)
        let files = try HedgingReport.write(r, to: dir, command: "test", seconds: 1)
        for a in r.arms {
            #expect(files.contains(HedgingCheckpoint.fileName(a.arm)))
            guard case let .hedging(p, arm) = try OCSFlyModels.load(dir, policy: OCSFlyPolicyName(rawValue: a.arm.rawValue)!,
                                                                     network: OCSNetworkConfig(), data: HedgingSettings.smoke.data) else {
                Issue.record("loaded the wrong kind"); return
            }
            #expect(p == a.model && arm == a.arm)
        }
    }

    @Test func modeFlags() {
        func mode(_ flags: Set<String>) -> FlyMode? {
            if case .success(let m) = FlyMode.resolve(given: flags) { return m }
            return nil
        }
        #expect(mode(["ocs", "ocs-policy", "corruption", "ocs-preset", "ocs-config", "seed", "frames", "screenshot"]) == .ocs)
        if case .failure(let e) = FlyMode.resolve(given: ["ocs", "world"]) { #expect(e.message.hasPrefix("--world does not apply to --ocs")) } else { Issue.record("accepted --world") }
        if case .failure(let e) = FlyMode.resolve(given: ["ocs", "ldm"]) { #expect(e.message.contains("cannot be combined")) } else { Issue.record("accepted two modes") }
        if case .failure(let e) = FlyMode.resolve(given: ["corruption"]) { #expect(e.message.contains("(read by: --ocs)")) } else { Issue.record("accepted --corruption") }
    }

    @Test func corruptionFlagParses() throws {
        #expect(try OCSFlyConfig.parseCorruption("fog:3") == (.fog, 3))
        #expect(try OCSFlyConfig.parseCorruption("blur") == (.blur, 0))
        for bad in ["textures:2", "noise:6", "noise:x", "smoke:1"] {
            #expect(throws: InputError.self) { try OCSFlyConfig.parseCorruption(bad) }
        }
    }
}
