import Foundation
import Diagnostics
import Geometry
import Runtime
import Testing
import TestSupport
import Viewer
@testable import App

/// `swiftlet fly --swarm N`: the ring autopilot's flight, vehicle selection, the window.
@Suite struct SwarmFlyTests {
    /// Ticks a 4-vehicle swarm `ticks` times, recording each vehicle's largest downwash force.
    func fly(ticks: Int, seed: UInt64 = 0) throws -> (sim: SwarmFlySimulation, force: [Double]) {
        var config = SwarmFlyConfig()
        config.seed = seed
        var sim = try SwarmFlySimulation(config: config, viewSize: nil)
        var force = [Double](repeating: 0, count: 4)
        for _ in 0..<ticks {
            sim.tick()
            for i in 0..<4 { force[i] = max(force[i], sim.env.state.stepPeakDownwash[i]) }
        }
        return (sim, force)
    }

    @Test func theRingCrossesOverWithoutContactAndIsDeterministic() throws {
        // 15 s: a 2 s climb, then each upper vehicle passes over the lower ones
        let (a, force) = try fly(ticks: 60)
        let (b, _) = try fly(ticks: 60)
        #expect(a.env.state.vehicles.map(\.quadrotor) == b.env.state.vehicles.map(\.quadrotor))
        #expect(a.collisions == 0 && a.contacts == 0 && a.env.state.contactCount == 0)
        #expect(!a.env.state.vehicles.contains { $0.done })
        // the lower vehicles (even) felt the wake, the upper ones never do
        #expect(force[0] > 0.01 && force[2] > 0.01, "\(force)")
        #expect(force[1] == 0 && force[3] == 0)
        // the layers are 1.5 m apart; the closest approach is a crossing
        #expect(a.minimumSeparation > 1.2 && a.minimumSeparation < 1.6, "\(a.minimumSeparation)")
        // upper vehicles climbed, lower ones kept 1 m, and everyone moved around the ring
        let z = a.env.state.vehicles.map(\.quadrotor.position.z)
        #expect(abs(z[0] - 1) < 0.1 && abs(z[1] - 2.5) < 0.1)
        for i in 0..<4 {
            let p = a.env.state.vehicles[i].quadrotor.position, home = a.env.state.vehicles[i].quadrotor.home.position
            #expect(hypot(p.x - home.x, p.y - home.y) > 1, "vehicle \(i) barely moved")
        }
    }

    @Test func keysCycleTheFollowedVehicleAndTheFrameDrawsTheOthers() throws {
        var sim = try SwarmFlySimulation(config: SwarmFlyConfig(), viewSize: nil)
        for _ in 0..<3 { sim.tick() }
        sim.handle(keys: [.v])
        #expect(sim.selected == 1)
        sim.handle(keys: [.comma, .comma])
        #expect(sim.selected == 3)
        sim.handle(keys: [.period, .n])
        #expect(sim.selected == 0)
        sim.handle(keys: [.period, .period])
        let f = sim.frame()
        #expect(f.vehicles.count == 3)
        #expect(f.robotPose.position == sim.shown(2).pose.position)
        #expect(f.vehicles.map(\.pose.position) == [0, 1, 3].map { sim.shown($0).pose.position })
        #expect(f.hudExtra.map(\.text).contains { $0.hasPrefix("VEHICLE 3/4 lower") })
        #expect(f.hudExtra.map(\.text).contains { $0.hasPrefix("DOWNWASH") })
        #expect(f.hudExtra.map(\.text).contains { $0.hasPrefix("MIN SEP") })
        #expect(f.hudExtra.map(\.text).contains { $0 == "CONTACTS 0" })
    }

    @Test func withTheAutopilotOffTheFollowedVehicleFliesByHandAndTheOthersKeepTheRing() throws {
        var manual = try SwarmFlySimulation(config: SwarmFlyConfig(), viewSize: nil)
        var auto = try SwarmFlySimulation(config: SwarmFlyConfig(), viewSize: nil)
        manual.handle(keys: [.v, .v])
        for _ in 0..<8 {
            try manual.advance(by: 0.25, pilot: PilotInput(forward: -1))
            try auto.advance(by: 0.25, pilot: nil)
        }
        let m = manual.env.state.vehicles.map(\.quadrotor), a = auto.env.state.vehicles.map(\.quadrotor)
        #expect(m[2] != a[2])
        // flown backwards (into the ring, away from the field's objects) at up to 1 m/s for 2 s
        let heading = m[2].home.orientation.yaw
        let moved = m[2].position - m[2].home.position
        #expect(moved.x * cos(heading) + moved.y * sin(heading) < -1, "moved \(moved), heading \(heading)")
        #expect(manual.collisions == 0 && !manual.env.state.vehicles[2].done)
        // the vehicles at the other height, and the other lower one (no wake between equals), fly
        // exactly as before
        #expect([m[0], m[1], m[3]] == [a[0], a[1], a[3]])
    }

    @Test func aWorldWithoutRoomForTheRingIsRefused() {
        var config = SwarmFlyConfig()
        config.world = "forest:1:trees=600,size=20"
        #expect(throws: InputError.self) { _ = try SwarmFlySimulation(config: config, viewSize: nil) }
        do {
            _ = try SwarmFlySimulation(config: config, viewSize: nil)
        } catch {
            #expect("\(error)".hasPrefix("--world: forest:1:trees=600,size=20: no clear start for 4 vehicles"), "\(error)")
        }
        config.world = SwarmFlyConfig.defaultWorld
        config.count = 0
        #expect(throws: InputError.self) { _ = try SwarmFlySimulation(config: config, viewSize: nil) }
    }

    @MainActor @Test func dummyWindowDrawsEveryVehicleOnTheMap() throws {
        let dir = TempDir("app-swarm")
        defer { dir.remove() }
        var options = ViewerOptions.dummyWindow(width: 960, height: 540, frames: 6)
        let shot = dir.file("swarm.png")
        var config = SwarmFlyConfig()
        config.count = 5
        let outcome = try FlyApp.flySwarm(config, options: options, screenshot: shot)
        #expect(outcome.report.frames == 6)
        #expect(outcome.summary.contains("5 vehicles"))
        #expect(FileManager.default.fileExists(atPath: shot))
        // one frame (nothing simulated yet): every other vehicle's marker where the map puts it
        options.frameLimit = 1
        let first = try #require(try FlyApp.flySwarm(config, options: options).report.lastFrame)
        let frame = try SwarmFlySimulation(config: config, viewSize: nil).frame()
        let t = ViewerComposer(width: 960, height: 540).mapTransform(for: frame)
        #expect(frame.vehicles.count == 4)
        for v in frame.vehicles {
            let p = t.pixel(v.pose.position)
            #expect(first.pixel(Int(p.x.rounded()), Int(p.y.rounded())) == ViewerVehicle.color, "vehicle at \(v.pose.position)")
        }
    }
}
