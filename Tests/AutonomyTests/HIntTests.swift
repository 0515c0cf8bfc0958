import Diagnostics
import Foundation
import Geometry
import Models
import Physics
import Planning
import Runtime
import Testing
import World
@testable import Autonomy

@Suite struct HIntTests {
    static let robots = Fixtures.root + "/Robots"

    /// A wall 3 m ahead; nearly straight driving must hit it.
    @Test func groundCollectionIsDeterministicAndStopsAtTheWall() throws {
        let settings = HIntPlatformSettings(speed: 0.5, maxYawRateDegrees: 0.5)
        func run() throws -> HIntDataset {
            try HIntCollector.collect(platform: .jackal, settings: settings, scenes: [Fixtures.wall(at: 3)], robotsDirectory: Self.robots,
                                      steps: 30, episodeSteps: 40, seed: 5, imageWidth: 24, imageHeight: 16)
        }
        let a = try run(), b = try run()
        #expect(a.poses == b.poses && a.frames == b.frames && a.actions == b.actions && a.episodes == b.episodes)
        let robot = try URDFLoader.load(path: Self.robots + "/jackal.urdf")
        let model = try EnvModel(scene: Fixtures.wall(at: 3), robot: robot, settings: Fixtures.settings())
        for (e, ep) in a.episodes.enumerated() {
            // every episode drives into the wall, ends with a collision and stops short of it
            let c = try #require(ep.collisionStep)
            #expect(c == ep.steps - 1)
            let last = a.trace(e).last!
            let pose = Pose(position: Vec3(last.x, last.y, 0), orientation: Quaternion(roll: 0, pitch: 0, yaw: last.z))
            #expect(last.x > 2 && last.x < 3)
            #expect(!model.scene.overlaps(model.shape, at: Pose(position: pose.transform(model.shapeOffset), orientation: pose.orientation)))
        }
        // the dataset round-trips through its file with the platform recorded
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hint-\(UInt32.random(in: 0...UInt32.max)).swhi").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try a.write(to: path)
        let back = try HIntDataset.read(path: path)
        #expect(back.platform == .jackal && back.poses == a.poses && back.frames == a.frames && back.episodes == a.episodes)
        #expect(back.metadata["platform"] == "jackal")
    }

    @Test func handheldPathsAreSmoothAndCollisionsLabelled() throws {
        let scene = Fixtures.wall(at: 2)
        let settings = HIntPlatformSettings.defaults(.handheld)
        let maxRate = radians(settings.maxYawRateDegrees), dt = 0.25
        var collided = 0
        for seed in 0..<20 as Range<UInt64> {
            let p = HIntCollector.handheldPath(scene: scene, settings: settings, seed: seed, steps: 40)
            for k in 1..<p.poses.count {
                let d = HIntLabels.relative(p.poses[k - 1], p.poses[k])
                // no jumps: at most the fastest walking speed, turns within the rate limit
                #expect(hypot(d.x, d.y) <= 1.4 * settings.speed * dt + 1e-9)
                #expect(abs(d.z) <= maxRate * dt + 1e-9)
                if p.collisionStep == nil || k <= p.collisionStep! {
                    let q = Vec3(p.poses[k].x, p.poses[k].y, settings.cameraHeight)
                    #expect(!scene.overlaps(.sphere(radius: HIntCollector.handheldRadius), at: Pose(position: q, orientation: .identity)))
                }
                // the turn rate relaxes smoothly (first-order lag, no steps)
                let dr = abs(Double(p.states[k].y - p.states[k - 1].y))
                #expect(p.collisionStep == k - 1 || dr <= 2 * maxRate * (dt / 0.3) + 1e-5)
            }
            if let c = p.collisionStep {
                collided += 1
                #expect(c == p.poses.count - 2)
            } else {
                #expect(p.poses.count == 41)
            }
        }
        // with a wall 2 m ahead some paths hit it, and those are labelled
        #expect(collided > 0)
    }

    @Test func relativePoseLabelsOnAHandMadeTrace() {
        let trace: [SIMD3<Double>] = [SIMD3(1, 1, .pi / 2), SIMD3(1, 2, .pi / 2), SIMD3(0, 2, .pi)]
        // no collision: two real steps, the third is unknown (masked)
        let free = HIntLabels.compute(trace: trace, collisionStep: nil, t: 0, horizon: 3)
        #expect(abs(free.poses[0].x - 1) < 1e-12 && abs(free.poses[0].y) < 1e-12 && abs(free.poses[0].z) < 1e-12)
        #expect(abs(free.poses[1].x - 1) < 1e-12 && abs(free.poses[1].y - 1) < 1e-12 && abs(free.poses[1].z - .pi / 2) < 1e-12)
        #expect(free.labels == [0, 0, 0] && free.mask == [1, 1, 0])
        // collision in step 1: labels from step 2 on, all known; the stop is replaced by the
        // last full step's motion (1 m forward) so the target keeps moving
        let hit = HIntLabels.compute(trace: trace, collisionStep: 1, t: 0, horizon: 3)
        #expect(hit.labels == [0, 1, 1] && hit.mask == [1, 1, 1])
        // third pose: from (0, 2, pi) one metre forward = world (-1, 2) = (1, 2) in the t=0 frame
        #expect(abs(hit.poses[2].x - 1) < 1e-12 && abs(hit.poses[2].y - 2) < 1e-12 && abs(hit.poses[2].z - .pi / 2) < 1e-12)
        // yaw is unwrapped: three left turns of 2.5 rad sum to 7.5 rad, not a wrapped angle
        var spin: [SIMD3<Double>] = [SIMD3(0, 0, 0)]
        for k in 1...3 { spin.append(SIMD3(0, 0, wrapAngle(2.5 * Double(k)))) }
        let s = HIntLabels.compute(trace: spin, collisionStep: nil, t: 0, horizon: 3)
        #expect(abs(s.poses[2].z - 7.5) < 1e-9)
    }

    /// The composed planner only asks perception about poses the robot can drive: with a tight
    /// yaw-rate limit every MPPI candidate's D_r poses turn no faster than the limit allows, while
    /// the hierarchy's perception-only candidates turn far faster.
    @Test func composedPlannerRespectsTheYawRateLimit() throws {
        let scene = Fixtures.wall(at: 30)
        let ds = try HIntCollector.collect(platform: .jackal, settings: .defaults(.jackal), scenes: [scene], robotsDirectory: Self.robots,
                                           steps: 600, episodeSteps: 40, seed: 3, imageWidth: 24, imageHeight: 16)
        var ts = HIntTrainingSettings()
        ts.dynamicsSteps = 1500
        let (dyn, _) = HIntTraining.trainDynamics(ds, settings: ts, seed: 1, progress: nil)
        var rng = RNG(seed: 2)
        let perception = CollisionPredictor(config: .hintPerception(height: 16, width: 24, horizon: 8), rng: &rng)
        let models = HIntModels(perception: perception, dynamics: [.jackal: dyn], singleSource: perception, pooled: perception, notes: [])
        let limit = radians(60.0), horizonTime = 8 * 0.25
        let frame = [UInt8](repeating: 100, count: 24 * 16)
        let robot = RobotObservation(time: 0, position: .zero, attitude: .identity, velocity: Vec3(0.5, 0, 0), bodyRate: .zero)
        var maxHint = 0.0, maxHier = 0.0
        for method in [HIntMethod.hint, .hierarchy] {
            let driver = HIntDriver(method: method, models: models, deploying: .jackal, yawRateLimit: limit, assumedYawRate: radians(180),
                                    speed: 0.5, dt: 0.25, samples: 512)
            var prng = RNG(seed: 9)
            // goal straight behind: every method wants to turn as hard as it believes it can
            let cmd = frame.withUnsafeBufferPointer { driver.act(frame: $0, robot: robot, goal: SIMD2(-5, 0.1), rng: &prng) }
            #expect(abs(cmd) <= limit + 1e-9)
            let batch = driver.planner.lastBatch
            var worst = 0.0
            if method == .hint {
                let poses = driver.hint!.dynamics.evaluate(batch.actions, count: batch.count)
                for i in 0..<batch.count { worst = max(worst, abs(Double(poses[(i * 8 + 7) * 3 + 2]))) }
                maxHint = worst
            } else {
                for i in 0..<batch.count { worst = max(worst, abs(Double(batch.actions[(i * 8)..<(i * 8 + 8)].reduce(0, +))) * 0.25) }
                maxHier = worst
            }
        }
        // within the limit (plus the model's fit error), and the hierarchy asks about far sharper turns
        #expect(maxHint <= limit * horizonTime * 1.1 + 0.1, "HInt candidates turn \(maxHint) rad in 2 s")
        #expect(maxHier > 1.5 * limit * horizonTime, "hierarchy candidates turn \(maxHier) rad in 2 s")
    }

    /// The two ablations plan what they claim. "HInt, unicycle": every candidate lies within the
    /// robot's limit, the poses P scores are an ideal unicycle's (recomputed here
    /// independently), and the command is the plan's first turn rate. "hierarchy + D_r":
    /// candidates span the assumed +-180 deg/s, their costs are exactly HInt's D_r -> P cost, and
    /// the command is the pure-pursuit turn toward the D_r plan's waypoint 0.5 s ahead.
    @Test func ablationMethodsPlanWhatTheyClaim() throws {
        var rng = RNG(seed: 4)
        let perception = CollisionPredictor(config: .hintPerception(height: 16, width: 24, horizon: 8), rng: &rng)
        let dyn = PoseDynamics(config: PoseDynamicsConfig(stateDim: 2, actionDim: 1, horizon: 8, hidden: [32, 32], stateScale: [2, 1],
                                                          actionScale: [Float(1 / Double.pi)]), rng: &rng)
        let models = HIntModels(perception: perception, dynamics: [.jackal: dyn], singleSource: perception, pooled: perception, notes: [])
        let limit = radians(60.0), assumed = radians(180.0), speed = 1.0, dt = 0.25, n = 256
        var frame = [UInt8](repeating: 0, count: 24 * 16)
        for i in frame.indices { frame[i] = UInt8((i * 37) % 251) }
        let robot = RobotObservation(time: 0, position: .zero, attitude: .identity, velocity: Vec3(speed, 0, 0), bodyRate: Vec3(0, 0, 0.4))
        let goal = SIMD2(-5.0, 0.5)
        func driver(_ m: HIntMethod) -> HIntDriver {
            HIntDriver(method: m, models: models, deploying: .jackal, yawRateLimit: limit, assumedYawRate: assumed, speed: speed, dt: dt, samples: n)
        }

        let uni = driver(.hintUnicycle)
        var prng = RNG(seed: 9)
        let cmdU = frame.withUnsafeBufferPointer { uni.act(frame: $0, robot: robot, goal: goal, rng: &prng) }
        let bu = uni.planner.lastBatch
        #expect(bu.count == n)
        #expect(bu.actions.prefix(n * 8).allSatisfy { abs(Double($0)) <= limit + 1e-6 })
        #expect(bu.actions.prefix(n * 8).contains { abs(Double($0)) > 0.9 * limit })
        let scored = uni.kinematic!.poseBuffer
        var worst = 0.0
        for i in 0..<n {
            var x = 0.0, y = 0.0, yaw = 0.0
            for h in 0..<8 {
                let w = min(max(Double(bu.actions[i * 8 + h]), -limit), limit)
                x += speed * dt * cos(yaw + 0.5 * w * dt); y += speed * dt * sin(yaw + 0.5 * w * dt); yaw += w * dt
                let q = (i * 8 + h) * 3
                worst = max(worst, abs(Double(scored[q]) - x), abs(Double(scored[q + 1]) - y), abs(Double(scored[q + 2]) - yaw))
            }
        }
        #expect(worst < 1e-4, "scored poses differ from the unicycle's by \(worst)")
        // commanded directly: the first plan step's turn (yaw after one tick / dt), no tracker
        #expect(abs(cmdU - Double(uni.predictedPoses[2]) / dt) < 1e-4)
        // the rollout clamps turn rates beyond the limit
        let wild: [Float] = [3, -3, 0.5, 2, -0.2, 3, 3, -3], tame = wild.map { min(max($0, Float(-limit)), Float(limit)) }
        var pw = [Float](repeating: 0, count: 24), pt = pw
        wild.withUnsafeBufferPointer { a in pw.withUnsafeMutableBufferPointer {
            HIntKinematics.rollout(a.baseAddress!, horizon: 8, speed: 1, dt: 0.25, limit: Float(limit), into: $0.baseAddress!) } }
        tame.withUnsafeBufferPointer { a in pt.withUnsafeMutableBufferPointer {
            HIntKinematics.rollout(a.baseAddress!, horizon: 8, speed: 1, dt: 0.25, into: $0.baseAddress!) } }
        #expect(pw == pt)

        let hd = driver(.hierarchyDynamics)
        prng = RNG(seed: 9)
        let cmdH = frame.withUnsafeBufferPointer { hd.act(frame: $0, robot: robot, goal: goal, rng: &prng) }
        let bh = hd.planner.lastBatch
        let amax = bh.actions.prefix(n * 8).map { abs(Double($0)) }.max()!
        #expect(amax > 1.5 * limit && amax <= assumed + 1e-6, "candidates reach \(amax) rad/s")
        // the candidates' costs are HInt's composed cost (D_r, then P) of the same actions
        var reference = HIntCost(dynamics: dyn, perception: perception, maxBatch: n)
        let state = HIntCollector.state(robot)
        reference.setObservation(image: hd.image, state: [state.x, state.y], goal: SIMD2(Float(goal.x), Float(goal.y)))
        var costs = [Float](repeating: 0, count: n)
        bh.actions.withUnsafeBufferPointer { a in costs.withUnsafeMutableBufferPointer {
            reference.cost(UnsafeBufferPointer(rebasing: a[0..<(n * 8)]), count: n, horizon: 8, actionDim: 1, into: $0) } }
        #expect(zip(costs, bh.costs.prefix(n)).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($0)) })
        // the plan's poses are D_r's, not a unicycle's (D_r is untrained: its poses are nothing like one)
        let drPlan = hd.predictedPoses
        let wx = Double(drPlan[3]), wy = Double(drPlan[4])
        #expect(abs(cmdH - clamp(2 * speed * wy / (wx * wx + wy * wy), -limit, limit)) < 1e-9)
    }

    @Test func experimentRunsEndToEndOnTheSmokePreset() throws {
        var c = HIntExperimentConfig.smoke
        c.robotsDirectory = Self.robots
        c.imageWidth = 48; c.imageHeight = 36
        c.stepsPerSource = 80
        c.episodes = 2
        c.samples = 64
        c.training.perceptionSteps = 4; c.training.actionModelSteps = 2; c.training.dynamicsSteps = 20; c.training.batchSize = 8
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hint-exp-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try HIntExperiment.run(c, out: dir, sink: .silent)
        #expect(c.methods == HIntMethod.standard)
        #expect(r.episodes.count == c.yawLimitsDegrees.count * c.methods.count * c.episodes)
        for f in ["hint.md", "hint-summary.csv", "hint-episodes.csv", "hint-success.svg", "hint-distance.svg", "data/handheld.swhi",
                  "models/perception.safetensors", "models/dynamics-jackal.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + f), "missing \(f)")
        }
        let md = try String(contentsOfFile: dir + "/hint.md", encoding: .utf8)
        #expect(md.contains("HInt vs hierarchy") && md.contains("single-source"))
        // the episode CSV has one row per episode plus the header
        let rows = try String(contentsOfFile: dir + "/hint-episodes.csv", encoding: .utf8).split(separator: "\n")
        #expect(rows.count == r.episodes.count + 1)
        // paired episodes: same world for every method at the same index
        let worlds = Dictionary(grouping: r.episodes, by: \.episode).mapValues { Set($0.map(\.world)) }
        #expect(worlds.values.allSatisfy { $0.count == 1 })
        // training from the run's MCAP datasets gives the same models, hence the same episodes
        let again = try HIntExperiment.run(c, dataFrom: dir + "/data", sink: .silent)
        #expect(again.episodes == r.episodes)
        #expect(again.notes.filter { $0.hasPrefix("data ") }.allSatisfy { $0.contains("read from") })
        // the run's models under a config with another camera are refused before collection
        var wider = c
        wider.imageWidth = 64
        do {
            _ = try HIntExperiment.run(wider, modelsFrom: dir + "/models", sink: .silent)
            Issue.record("48x36 models accepted for a 64x36 camera")
        } catch let e as InputError {
            #expect(e.description.contains("the models see 48x36 images, the config's camera 64x36"), "\(e.description)")
        }
    }

    /// `--models DIR` without the checkpoints fails before any source is collected (it failed
    /// only after collecting every source: minutes on the default preset).
    @Test func missingModelsFailBeforeCollection() throws {
        final class Lines: @unchecked Sendable {
            let lock = NSLock()
            var lines: [String] = []
            func add(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
        }
        var c = HIntExperimentConfig.smoke
        c.robotsDirectory = Self.robots
        c.stepsPerSource = 40
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hint-nomodels-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let written = Lines()
        #expect(throws: InputError.self) {
            _ = try HIntExperiment.run(c, modelsFrom: dir, sink: Diagnostics.Progress.Sink(isTerminal: false) { written.add($0) })
        }
        #expect(written.lines.isEmpty, "collected before failing: \(written.lines.first ?? "")")
    }
}

