import Foundation
import Geometry
import Models
import Physics
import Planning
import Recording
import Runtime
import Testing
import TestSupport
import Viewer
@testable import App
@testable import Autonomy

/// The HInt and LDM overlays of `swiftlet fly`: the mapping from plans and filter views to
/// candidate paths and HUD lines, and both methods flown through their viewer simulations.
@Suite(.serialized) struct MethodOverlayTests {
    // MARK: HInt

    @Test func hintPlanBecomesAWorldPathColouredPerStep() throws {
        // robot at (1, 2) facing +y: body x (forward) is world +y, body y (left) is world -x
        let start = Pose(position: Vec3(1, 2, 0.1), orientation: Quaternion(roll: 0, pitch: 0, yaw: .pi / 2))
        let poses: [Float] = [1, 0, 0, 2, 0.5, 0.3]
        let path = try #require(HIntPolicy.plannedPath(poses: poses, probabilities: [0.1, 0.7], from: start))
        #expect(path.points.count == 3 && path.isChosen && !path.isRejected)
        #expect((path.points[0] - start.position).length < 1e-12)
        #expect((path.points[1] - Vec3(1, 3, 0.1)).length < 1e-9)
        #expect((path.points[2] - Vec3(0.5, 4, 0.1)).length < 1e-9)
        #expect(path.pointProbabilities! == [0, Double(Float(0.1)), Double(Float(0.7))])
        #expect(path.collisionProbability == Double(Float(0.7)))
        #expect(path.segmentColor(1) == ViewerColor.collisionRisk(Double(Float(0.7))))
        // mismatched or empty inputs draw nothing
        #expect(HIntPolicy.plannedPath(poses: poses, probabilities: [0.1], from: start) == nil)
        #expect(HIntPolicy.plannedPath(poses: [], probabilities: [], from: start) == nil)
    }

    @Test func hintHUDLines() {
        let lines = HIntPolicy.hudLines(probabilities: [0.1, 0.6, 0.2, 0.1], command: radians(30.0), limit: radians(60.0))
        #expect(lines.count == 2)
        #expect(lines[0].text == "P(COLL) max 0.60 @ step 2  mean 0.25" && lines[0].isAlert)
        #expect(lines[1].text.contains("30.0 deg/s") && lines[1].text.contains("limit 60") && !lines[1].isAlert)
        let calm = HIntPolicy.hudLines(probabilities: [0.1, 0.2], command: 0, limit: 1)
        #expect(!calm[0].isAlert && calm[0].text.contains("@ step 2"))
        #expect(HIntPolicy.hudLines(probabilities: [], command: 0, limit: 1).count == 1, "no plan: only the command")
    }

    /// Untrained (random) HInt models at 24x16 saved like `experiment hint` saves them.
    static func modelDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftlet-hint-view-\(ProcessInfo.processInfo.processIdentifier)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var rng = RNG(seed: 4)
        let perception = CollisionPredictor(config: .hintPerception(height: 16, width: 24, horizon: HIntTraining.horizon), rng: &rng)
        let action = CollisionPredictor(config: HIntTraining.actionModelConfig(height: 16, width: 24), rng: &rng)
        let dynamics = PoseDynamics(config: PoseDynamicsConfig(stateDim: 2, actionDim: 1, horizon: HIntTraining.horizon, hidden: [16]), rng: &rng)
        try perception.save(to: dir + "/perception.safetensors")
        try action.save(to: dir + "/single-source.safetensors")
        try action.save(to: dir + "/pooled.safetensors")
        try dynamics.save(to: dir + "/dynamics-jackal.safetensors")
        return dir
    }

    /// The driver's new display property is the collision model's probabilities for the plan it
    /// reports, computed independently here through a fresh evaluator.
    @Test func driverExposesThePlansCollisionProbabilities() throws {
        let dir = try Self.modelDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let models = try HIntExperiment.load(dir)
        let frame = (0..<(24 * 16)).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let robot = RobotObservation(time: 0, position: .zero, attitude: .identity, velocity: Vec3(0.5, 0, 0), bodyRate: .zero)
        for method in [HIntMethod.hint, .hierarchy, .pooled] {
            let driver = HIntDriver(method: method, models: models, deploying: .jackal, yawRateLimit: radians(90.0),
                                    assumedYawRate: radians(180.0), speed: 0.5, dt: 0.25, samples: 32)
            var rng = RNG(seed: 1)
            _ = frame.withUnsafeBufferPointer { driver.act(frame: $0, robot: robot, goal: SIMD2(3, 1), rng: &rng) }
            let p = driver.predictedCollisionProbabilities
            #expect(p.count == HIntTraining.horizon && driver.predictedPoses.count == 3 * HIntTraining.horizon)
            #expect(p.allSatisfy { $0 > 0 && $0 < 1 })
            guard method != .pooled else { continue }
            let model = method == .hint || method == .hierarchy ? models.perception : models.pooled
            let check = CollisionBatchEvaluator(model, maxBatch: 1, workers: 1)
            var image = [Float](repeating: 0, count: model.config.observationSize)
            frame.withUnsafeBufferPointer { f in image.withUnsafeMutableBufferPointer { CollisionPredictor.observation(fromStack: f, config: model.config, into: $0) } }
            check.encode(image)
            let expected = check.evaluate(driver.predictedPoses, count: 1)
            for k in 0..<p.count { #expect(abs(p[k] - expected[k]) < 1e-5, "\(method) step \(k)") }
        }
    }

    /// A small experiment config for the untrained 24x16 models, in the layout of the turning
    /// regime (interior starts, goals within a bearing, reachability check).
    static func experiment() -> HIntExperimentConfig {
        var c = HIntExperimentConfig.smoke
        c.imageWidth = 24
        c.imageHeight = 16
        c.samples = 32
        c.interiorStarts = true
        c.goalBearingDegrees = 120
        c.reachableClearance = 0.3
        return c
    }

    @Test("fly --hint flies the experiment's own episodes: same worlds, starts, goals, planner stream and outcome")
    func hintViewerEpisodeIsTheExperimentsEpisode() throws {
        let dir = try Self.modelDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let experiment = Self.experiment()
        let models = try HIntExperiment.load(dir)
        let robot = try URDFLoader.load(path: (experiment.robotsDirectory as NSString).appendingPathComponent(HIntExperiment.deploying.robotFile!))
        let scenes = HIntExperiment.evaluationScenes(experiment, try WorldSet.scenes(experiment.evalSpecs))
        let ps = experiment.settings(HIntExperiment.deploying)
        let s = experiment.evaluationEnv(yawLimitDegrees: 60)
        for e in [1, 2] {
            let (config, registry) = try HIntFly.setup(modelsDirectory: dir, method: .hint, yawLimitDegrees: 60, experiment: experiment,
                                                       firstEpisode: e)
            var sim = try FlySimulation(config: config, registry: registry, viewSize: nil)
            sim.prefetch = false
            var ticks = 0
            while !sim.isDone { try sim.tick(nil); ticks += 1 }
            let model = try EnvModel(scene: scenes[e % scenes.count], robot: robot, settings: s, domain: .sim)
            let setup = HIntExperiment.setup(model, episode: e, config: experiment)
            let driver = HIntDriver(method: .hint, models: models, deploying: HIntExperiment.deploying, yawRateLimit: radians(60.0),
                                    assumedYawRate: radians(ps.maxYawRateDegrees), speed: ps.speed, dt: 1 / HIntCollector.controlRate,
                                    samples: experiment.samples)
            let result = HIntExperiment.episode(model, driver: driver, setup: setup, config: experiment)
            #expect(sim.goal == setup.goal && sim.seed == setup.seed && sim.world == experiment.evalSpecs[e % scenes.count])
            #expect(ticks == result.ticks, "episode \(e)")
            #expect((sim.goalsReached == 1) == result.success && (sim.collisions == 1) == result.collided)
            #expect(sim.totalDistance == result.distance)
        }
    }

    @Test("fly --hint --record with interior starts logs the starts, and replay --verify re-flies the episode")
    func hintRecordingReplaysWithItsStarts() throws {
        let dir = try Self.modelDirectory()
        let logs = TempDir("hint-record")
        defer { try? FileManager.default.removeItem(atPath: dir); logs.remove() }
        var base = FlyConfig()
        base.record = logs.file("hint.mcap")
        let (config, registry) = try HIntFly.setup(modelsDirectory: dir, method: .hint, yawLimitDegrees: 60, experiment: Self.experiment(),
                                                   firstEpisode: 1, base: base, registry: .standard)
        var sim = try FlySimulation(config: config, registry: registry, viewSize: nil)
        for _ in 0..<6 where !sim.isDone { try sim.tick(nil) }
        try sim.finish()
        let log = try EpisodeLog.load(path: logs.file("hint.mcap"))
        let meta = try #require(log.metadata)
        let spawns = try #require(meta.extra["spawns"].flatMap(EpisodeSource.decodeSpawns))
        #expect(spawns == sim.env.model.scene.spawns)
        let result = try ReplayVerifier.verify(log, source: "hint.mcap")
        #expect(result.steps == sim.env.state.controlSteps)
        // without the logged starts the replay would start elsewhere: the world file's spawns differ
        var plain = meta
        plain.extra["spawns"] = nil
        let fileScene = try ReplayVerifier.model(for: plain, source: "hint.mcap").scene
        #expect(fileScene.spawns != spawns)
    }

    @Test func hintFliesTheJackalToAGoalWithItsPlanShown() throws {
        let dir = try Self.modelDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var (config, registry) = try HIntFly.setup(modelsDirectory: dir, method: .hint, yawLimitDegrees: 60, samples: 32,
                                                   experiment: Self.experiment())
        #expect(config.robot.hasSuffix("jackal.urdf") && config.env.imageWidth == 24 && config.env.imageHeight == 16)
        #expect(abs(config.env.maxYawRate - radians(60.0)) < 1e-12 && config.goalDistance == Self.experiment().goalDistance)
        config.env.depth = false
        var sim = try FlySimulation(config: config, registry: registry, viewSize: nil)
        let goal = try #require(sim.goal)
        let start = sim.env.state.observation.robot.position
        #expect(abs(hypot(goal.x - start.x, goal.y - start.y) - config.goalDistance!) <= 0.5 * config.goalDistance! + 1e-9)
        #expect(sim.world == Self.experiment().evalSpecs[0])
        #expect(sim.autopilotLabel == HIntMethod.hint.label)
        try sim.tick(nil)
        let plan = try #require(sim.candidates.first)
        #expect(sim.candidates.count == 1 && plan.isChosen)
        #expect(plan.points.count == HIntTraining.horizon + 1 && plan.pointProbabilities?.count == HIntTraining.horizon + 1)
        #expect((plan.points[0] - start).length < 1e-9, "the plan starts where the tick planned from")
        let f = sim.frame()
        #expect(f.goal.map { SIMD2($0.x, $0.y) } == goal)
        #expect(f.hudExtra.contains { $0.text.hasPrefix("P(COLL) max") })
        #expect(f.hudExtra.contains { $0.text.hasPrefix("GOAL") })
        // manual ticks draw no plan
        try sim.tick(.hover)
        #expect(sim.candidates.isEmpty && !sim.frame().hudExtra.contains { $0.text.hasPrefix("P(COLL)") })

        // a goal radius that covers the world: the first tick reaches it and ends the episode
        config.goalRadius = 1000
        var reach = try FlySimulation(config: config, registry: registry, viewSize: nil)
        try reach.tick(nil)
        #expect(reach.isDone && reach.endReason == "reached the goal" && reach.goalsReached == 1 && !reach.env.state.done)
        reach.catchUp()
        try reach.advance(by: config.endPause + 0.1, pilot: nil, autopilot: true)
        #expect(!reach.isDone && reach.episodeIndex == 1, "the next episode starts after the pause")
    }

    // MARK: LDM

    static func view(fallback: Bool) -> LDMFlightPlanView {
        let pts = [Vec3(0, 0, 0.3), Vec3(1, 0, 0.3)]
        return LDMFlightPlanView(candidates: [
            .init(points: pts, value: 1, admissible: true, chosen: false),
            .init(points: pts, value: 5, admissible: false, chosen: false),
            .init(points: pts, value: fallback ? 4.5 : 2, admissible: !fallback, chosen: true),
        ], filter: "ldm p5", threshold: 4, executedValue: fallback ? 4.5 : 2, fallback: fallback, admissibleCount: fallback ? 0 : 2,
           evaluatedCount: 3)
    }

    @Test func ldmPlanViewBecomesGreyedCandidates() {
        let paths = LDMFlySimulation.candidatePaths(Self.view(fallback: false))
        #expect(paths.map(\.isRejected) == [false, true, false])
        #expect(paths.map(\.isChosen) == [false, false, true])
        #expect(abs(paths[0].collisionProbability - 0.5 * exp(-3)) < 1e-12, "3 nats below the threshold")
        #expect(abs(paths[2].collisionProbability - 0.5 * exp(-2)) < 1e-12)
        #expect(paths[0].collisionProbability < paths[2].collisionProbability, "deeper in the data: greener")
        #expect(paths[1].style.color == .rejected)
        // fallback: nothing admissible; the executed candidate is drawn (not greyed) and red
        let fb = LDMFlySimulation.candidatePaths(Self.view(fallback: true))
        #expect(!fb[2].isRejected && fb[2].collisionProbability == 1 && fb[2].style.color == .riskHigh)
        // negative thresholds (densities above 1) shade the same way
        var negative = Self.view(fallback: false)
        negative.threshold = -4
        for i in negative.candidates.indices { negative.candidates[i].value -= 8 }
        let shifted = LDMFlySimulation.candidatePaths(negative)
        #expect(abs(shifted[0].collisionProbability - paths[0].collisionProbability) < 1e-12)
        // no filter: everything admitted and green
        var none = Self.view(fallback: false)
        none.filter = "none"
        none.threshold = 0
        for i in none.candidates.indices { none.candidates[i].value = 0; none.candidates[i].admissible = true }
        #expect(LDMFlySimulation.candidatePaths(none).allSatisfy { $0.collisionProbability == 0 && !$0.isRejected })
        // HUD text carries FALLBACK
        #expect(Self.view(fallback: true).hudText.contains("FALLBACK"))
    }

    @Test func ldmRegionLines() {
        let s = LDMFlightSettings()
        let inside = LDMFlySimulation.regionLines(speed: 0.5, tilt: 0.1, settings: s, logDensity: -2, oodLevel: -7)
        #expect(inside.count == 2 && !inside[0].isAlert && !inside[1].isAlert)
        #expect(inside[0].text == "DATA |v| 0.50/1.0 m/s  tilt 6/15 deg")
        let fast = LDMFlySimulation.regionLines(speed: 1.4, tilt: 0.1, settings: s, logDensity: -9, oodLevel: -7)
        #expect(fast[0].isAlert && fast[1].isAlert && fast[1].text.hasSuffix("OOD"))
        let tilted = LDMFlySimulation.regionLines(speed: 0.2, tilt: 0.3, settings: s, logDensity: .nan, oodLevel: -7)
        #expect(tilted.count == 1 && tilted[0].isAlert, "no density line before the first step")
    }

    static func tinyLDM() -> LDMFlyConfig {
        var c = LDMFlyConfig()
        var s = LDMFlightSettings()
        s.dataPairs = 1500
        s.dynamics.steps = 300
        s.learning.ldm.steps = 200
        s.learning.ldm.hidden = [32, 32]
        s.episodes = 2
        s.steps = 6
        s.samples = 64
        s.horizon = 5
        s.threads = 1
        c.settings = s
        c.percentile = 10
        c.endPause = 0.5
        c.maxCandidates = 16
        return c
    }

    /// The viewer flies exactly the experiment's episodes: the same steps, crash, OOD and
    /// fallback counts and progress as `LDMFlightExperiment.episode` for every filter, and
    /// its plan views mark rejected candidates as the filter decided.
    @Test func ldmViewerFliesTheExperimentsEpisodes() throws {
        let config = Self.tinyLDM()
        let robot = try URDFLoader.load(path: config.settings.robot)
        let prepared = try LDMFlySimulation.prepare(config, robot: robot)
        #expect(prepared.models.levels.map(\.percentile) == [10])
        var sim = try LDMFlySimulation(config: config, prepared: prepared, robot: robot)
        #expect(sim.spec.kind == .ldm)
        var sawRejected = false
        for kind in [SafetyFilterKind.none, .greedy, .ldm] {
            sim.select(filter: kind, episode: 0)
            let spec = sim.spec
            #expect(spec.kind == kind)
            for episode in 0..<2 {
                let reference = LDMFlightExperiment.episode(spec: spec, prepared: prepared, robot: robot, settings: config.settings,
                                                            index: episode)
                #expect(sim.episodeIndex == episode)
                while !sim.isDone {
                    sim.tick(nil)
                    let view = try #require(sim.planView)
                    let paths = LDMFlySimulation.candidatePaths(view)
                    #expect(paths.filter(\.isChosen).count == 1)
                    for (c, p) in zip(view.candidates, paths) where !c.chosen {
                        #expect(p.isRejected == !(c.value <= view.threshold))
                    }
                    sawRejected = sawRejected || paths.contains(where: \.isRejected)
                    let f = sim.frame()
                    #expect(f.hudExtra.first?.text == view.hudText)
                    #expect(f.candidates.count == paths.count)
                }
                let m = reference.metrics
                #expect(sim.steps == m.steps && (sim.endReason?.hasPrefix("crash") ?? false) == m.crashed, "\(spec.name) episode \(episode)")
                #expect(sim.oodSteps == m.oodSteps && sim.fallbacks == m.fallbackSteps, "\(spec.name) episode \(episode)")
                #expect(abs(sim.progress - m.progress) < 1e-12, "\(spec.name) episode \(episode)")
                sim.catchUp()
                sim.advance(by: config.endPause + 0.01, pilot: .hover, autopilot: true)
                #expect(sim.episodeIndex == episode + 1 && !sim.isDone, "the next episode starts after the pause")
            }
        }
        #expect(sawRejected, "the filters rejected some candidates on these episodes")
    }
}
