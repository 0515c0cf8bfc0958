import Foundation
import Diagnostics
import Geometry
import Physics
import Runtime
import Testing
import TestSupport
import World

@Suite struct EnvTests {
    let cf2x: RobotDescription
    init() throws { cf2x = try Fixtures.robot("cf2x") }

    /// Runs `steps` control steps with a fixed yaw-rate pattern, returning every observation.
    func run(_ model: EnvModel, seed: UInt64, steps: Int) -> [Observation] {
        var env = Env(model: model)
        var out = [env.reset(seed: seed)]
        for k in 0..<steps {
            let r = env.step(.yawRate(0.6 * sin(Double(k))))
            out.append(r.observation)
            if r.done { break }
        }
        return out
    }

    @Test(arguments: ["sim", "real"])
    func sameSeedIsBitIdentical(domain: String) throws {
        let scene = try WorldGenerators.make("forest:3")
        let model = try EnvModel(scene: scene, robot: cf2x, settings: Fixtures.settings { $0.depth = true },
                                 domain: DomainProfile.named(domain)!)
        let a = run(model, seed: 11, steps: 12), b = run(model, seed: 11, steps: 12)
        #expect(a.count == b.count && a.count > 4)
        #expect(a == b)
        // the state after the same actions is identical too, and a saved state replays exactly
        var e1 = Env(model: model), e2 = Env(model: model)
        e1.reset(seed: 5); e2.reset(seed: 5)
        for _ in 0..<3 { e1.step(.yawRate(0.3)); e2.step(.yawRate(0.3)) }
        #expect(e1.state.quadrotor == e2.state.quadrotor)
        let saved = e1.state
        let r1 = e1.step(.yawRate(-0.5))
        e1.state = saved
        let r2 = e1.step(.yawRate(-0.5))
        #expect(r1.observation == r2.observation)
        // and a different seed gives a different episode
        let c = run(model, seed: 12, steps: 12)
        #expect(c != a)
    }

    @Test func realProfilePerturbsEpisodes() throws {
        let model = try EnvModel(scene: Fixtures.empty(), robot: cf2x, settings: Fixtures.settings(), domain: .real)
        var env = Env(model: model)
        env.reset(seed: 1)
        let p1 = env.state.episode
        env.reset(seed: 2)
        let p2 = env.state.episode
        #expect(p1 != p2)
        #expect(DomainProfile.real.massScale.contains(p1.scales.mass))
        #expect(env.state.plant!.effects == .real)
        let sim = try EnvModel(scene: Fixtures.empty(), robot: cf2x, settings: Fixtures.settings(), domain: .sim)
        var e = Env(model: sim)
        e.reset(seed: 1)
        #expect(e.state.episode.scales == .nominal && e.state.plant!.effects == .none)
    }

    @Test func halfProfilesSplitTheGapBetweenSimAndReal() throws {
        // each half takes the camera look from one profile and everything else from the other
        var dynamics = DomainProfile.real
        dynamics.name = "real-dynamics"
        dynamics.appearance = DomainProfile.sim.appearance
        dynamics.varyAppearance = false
        #expect(DomainProfile.realDynamics == dynamics)
        var look = DomainProfile.sim
        look.name = "real-appearance"
        look.appearance = DomainProfile.real.appearance
        look.varyAppearance = true
        #expect(DomainProfile.realAppearance == look)
        for p in DomainProfile.all { #expect(DomainProfile.named(p.name) == p) }
        #expect(DomainProfile.named("moon") == nil)
        let refusal = #expect(throws: InputError.self) { _ = try DomainProfile.named("moon", source: "--domain") }
        #expect(refusal.map { "\($0)".contains("sim, real, real-dynamics, real-appearance") && "\($0)".contains("moon") } == true)

        let scene = try WorldGenerators.make("forest:3")
        func model(_ p: DomainProfile) throws -> EnvModel { try EnvModel(scene: scene, robot: cf2x, settings: Fixtures.settings(), domain: p) }
        // the real look over sim dynamics: the same flight bit for bit, other images
        let sim = run(try model(.sim), seed: 11, steps: 12), realLook = run(try model(.realAppearance), seed: 11, steps: 12)
        #expect(sim.count == realLook.count && sim.count > 4)
        #expect(zip(sim, realLook).allSatisfy { $0.robot == $1.robot })
        #expect(zip(sim, realLook).allSatisfy { $0.frames != $1.frames })
        // the real dynamics under the sim look: the real episode draw (mass, yaw response, wind)
        // and effects, with the sim look and no lighting draw
        var real = Env(model: try model(.real)), half = Env(model: try model(.realDynamics))
        real.reset(seed: 7); half.reset(seed: 7)
        #expect(half.state.episode.scales == real.state.episode.scales && half.state.episode.scales != .nominal)
        #expect(half.state.episode.yawRateGain == real.state.episode.yawRateGain && half.state.episode.wind == real.state.episode.wind)
        #expect(half.state.plant!.effects == .real)
        #expect(half.state.episode.appearance == DomainProfile.sim.appearance && real.state.episode.appearance != DomainProfile.real.appearance)
        let simFlight = run(try model(.sim), seed: 7, steps: 8), halfFlight = run(try model(.realDynamics), seed: 7, steps: 8)
        #expect(simFlight.last!.robot != halfFlight.last!.robot)
    }

    @Test func straightIntoWallCollidesAtTheFace() throws {
        let wallX = 2.0
        let model = try EnvModel(scene: Fixtures.wall(at: wallX), robot: cf2x, settings: Fixtures.settings())
        var env = Env(model: model)
        env.reset(seed: 0)
        var last: StepResult?
        for _ in 0..<200 {
            let r = env.step(.yawRate(0))
            last = r
            if r.done { break }
        }
        let r = try #require(last)
        #expect(r.terminated && !r.truncated)
        guard case .collision(let obstacle, let p) = try #require(r.events.first) else {
            Issue.record("expected a collision, got \(r.events)")
            return
        }
        #expect(obstacle == 0)
        // the cylinder (r = 0.06) touches the face within one physics step of travel
        #expect(abs(p.x + 0.06 - wallX) < 0.002, "collision at x = \(p.x)")
        #expect(abs(p.y) < 0.01 && abs(p.z - 0.4) < 0.05)
        // flight time is consistent with 0.4 m/s after the spin-up
        #expect(env.state.distance > 1.9 && env.state.distance < 2.0)
        #expect(env.state.quadrotor.time > 1.94 / 0.4 && env.state.quadrotor.time < 1.94 / 0.4 + 2)
    }

    @Test func tiltLimitTerminates() throws {
        let model = try EnvModel(scene: Fixtures.empty(), robot: cf2x, settings: Fixtures.settings { $0.altitude = 1 })
        var env = Env(model: model)
        env.reset(seed: 0)
        // a hard velocity step makes the controller tilt to its 35 degree limit (> 0.5 rad)
        let r = env.step(.vehicle(.flight(.velocity(Vec3(3, 0, 0), yawRate: 0))))
        #expect(r.terminated)
        guard case .tilt(let roll, let pitch, _) = try #require(r.events.first) else {
            Issue.record("expected tilt, got \(r.events)")
            return
        }
        #expect(max(abs(roll), abs(pitch)) > 0.5 && max(abs(roll), abs(pitch)) < 0.52)
        // with a higher limit the same command flies on
        let lenient = try EnvModel(scene: Fixtures.empty(), robot: cf2x, settings: Fixtures.settings { $0.altitude = 1; $0.tiltLimit = 0.7 })
        var e2 = Env(model: lenient)
        e2.reset(seed: 0)
        #expect(!e2.step(.vehicle(.flight(.velocity(Vec3(3, 0, 0), yawRate: 0)))).done)
    }

    @Test func truncationByTimeAndDistance() throws {
        let timed = try EnvModel(scene: Fixtures.empty(), robot: cf2x, settings: Fixtures.settings { $0.maxEpisodeTime = 2 })
        var env = Env(model: timed)
        env.reset(seed: 0)
        var steps = 0
        var r = env.step(.yawRate(0)); steps += 1
        while !r.done { r = env.step(.yawRate(0)); steps += 1 }
        #expect(steps == 8 && r.truncated && !r.terminated && r.events == [.timeLimit])

        let far = try EnvModel(scene: Fixtures.empty(), robot: cf2x, settings: Fixtures.settings { $0.maxDistance = 1 })
        env = Env(model: far)
        env.reset(seed: 0)
        r = env.step(.yawRate(0))
        while !r.done { r = env.step(.yawRate(0)) }
        #expect(r.truncated && r.events == [.distanceLimit])
        #expect(env.state.distance >= 1 && env.state.distance < 1.11)
    }

    @Test func groundRobotStopsAgainstTheWall() throws {
        let jackal = try Fixtures.robot("jackal")
        let model = try EnvModel(scene: Fixtures.wall(at: 2), robot: jackal, settings: Fixtures.settings { $0.forwardSpeed = 1 })
        var env = Env(model: model)
        env.reset(seed: 0)
        var r = env.step(.yawRate(0))
        while !r.done { r = env.step(.yawRate(0)) }
        #expect(r.terminated && r.collided)
        let pose = env.state.ground.pose
        // stopped short of the wall, not inside it, and it stays there
        #expect(!model.scene.overlaps(model.shape, at: Pose(position: pose.transform(model.shapeOffset), orientation: pose.orientation)))
        #expect(pose.position.x > 1 && pose.position.x < 2)
        #expect(env.state.ground.halted)
    }

    @Test func frameStackShiftsOldestFirst() throws {
        let model = try EnvModel(scene: Fixtures.wall(at: 2), robot: cf2x, settings: Fixtures.settings())
        var env = Env(model: model)
        let first = env.reset(seed: 0)
        let n = model.pixelCount
        for k in 1..<4 { #expect(first.frames[k * n ..< (k + 1) * n] == first.frames[0..<n]) }
        var prev = first
        for _ in 0..<6 {
            let r = env.step(.yawRate(0))
            #expect(r.observation.frames[0 ..< 3 * n] == prev.frames[n ..< 4 * n])
            prev = r.observation
        }
        // approaching the wall changes the newest image
        #expect(prev.frames[3 * n ..< 4 * n] != first.frames[0..<n])
    }

    @Test func cameraLatencyShowsAnOlderPose() throws {
        var domain = DomainProfile.sim
        domain.cameraLatency = 0.1
        let lagged = try EnvModel(scene: Fixtures.wall(at: 2), robot: cf2x, settings: Fixtures.settings { $0.depth = true }, domain: domain)
        let prompt = try EnvModel(scene: Fixtures.wall(at: 2), robot: cf2x, settings: Fixtures.settings { $0.depth = true })
        var a = Env(model: lagged), b = Env(model: prompt)
        a.reset(seed: 0); b.reset(seed: 0)
        var ra = a.step(.yawRate(0)), rb = b.step(.yawRate(0))
        for _ in 0..<8 { ra = a.step(.yawRate(0)); rb = b.step(.yawRate(0)) }
        // same flight, but the lagged camera sees the wall from farther away
        #expect(ra.observation.robot.position == rb.observation.robot.position)
        let centre = (prompt.settings.imageHeight / 2) * prompt.settings.imageWidth + prompt.settings.imageWidth / 2
        let dLag = Double(ra.observation.depth[centre]), dNow = Double(rb.observation.depth[centre])
        #expect(dLag - dNow > 0.03 && dLag - dNow < 0.05, "depth \(dLag) vs \(dNow)")
    }
}

@Suite struct EnvModelValidationTests {
    @Test func badSettingsAreInputErrors() throws {
        let cf2x = try Fixtures.robot("cf2x")
        for edit in [{ (s: inout EnvSettings) in s.controlRate = 0 }, { $0.physicsRate = -1 }, { $0.frameStack = 0 },
                     { $0.imageWidth = 0 }, { $0.altitude = .nan }, { $0.maxDistance = 0 }, { $0.controlRate = 1000 },
                     { $0.forwardSpeed = -0.4 }] {
            var s = EnvSettings()
            edit(&s)
            #expect(throws: InputError.self) { try EnvModel(scene: Fixtures.empty(), robot: cf2x, settings: s) }
        }
        var slowCamera = DomainProfile.sim
        slowCamera.cameraLatency = 0.3
        #expect(throws: InputError.self) { try EnvModel(scene: Fixtures.empty(), robot: cf2x, domain: slowCamera) }
        let ok = try EnvModel(scene: Fixtures.empty(), robot: cf2x)
        #expect(ok.substeps == 125 && ok.controlPeriod == 0.25 && ok.pixelCount == 96 * 72)
    }
}

@Suite struct EnvNumericalTests {
    @Test func nanCommandIsAWarningAndATruncationNeverACrash() throws {
        let model = try EnvModel(scene: Fixtures.empty(), robot: try Fixtures.robot("cf2x"), settings: Fixtures.settings())
        var env = Env(model: model)
        env.reset(seed: 0)
        env.step(.yawRate(0))
        let before = env.state.quadrotor.position
        let r = env.step(.yawRate(.nan))
        #expect(r.truncated && !r.terminated && r.events == [.numericalReset])
        #expect(env.state.badActions == 1)
        // the vehicle stays where it was (no teleport to home)
        #expect(env.state.quadrotor.position == before)
        // a reset starts cleanly
        env.reset(seed: 1)
        #expect(!env.step(.yawRate(0)).done)
    }
}

@Suite struct DomainEffectTests {
    /// Heading change after `steps` control steps at yaw rate 1 rad/s in an open field.
    func turned(_ domain: DomainProfile, steps: Int) throws -> Double {
        let model = try EnvModel(scene: Fixtures.empty(), robot: try Fixtures.robot("cf2x"), settings: Fixtures.settings(), domain: domain)
        var env = Env(model: model)
        let start = env.reset(seed: 3).robot.yaw
        var yaw = start
        for _ in 0..<steps { yaw = env.step(.yawRate(1)).observation.robot.yaw }
        return wrapAngle(yaw - start)
    }

    @Test func yawGainAndActuationLatencyAct() throws {
        let nominal = try turned(.sim, steps: 4)
        #expect(abs(nominal - 1.0) < 0.05, "1 s at 1 rad/s turned \(nominal)")
        var gained = DomainProfile.sim
        gained.yawRateGain = 1.3...1.3
        #expect(abs(try turned(gained, steps: 4) - 1.3 * nominal) < 0.03)
        var late = DomainProfile.sim
        late.actuationLatency = 0.1
        // the command reaches the controller 0.1 s late: 0.1 rad less turn after 1 s
        #expect(abs((nominal - (try turned(late, steps: 4))) - 0.1) < 0.01)
    }
}
