import Foundation
import Autonomy
import Geometry
import Runtime
import Testing
import TestSupport
@testable import App

/// `fly --swarm N --policy privileged`: the pilot tells every privileged planner where the other
/// vehicles are (true states from before the tick, finished ones frozen), deterministically on
/// any worker count; other policies fly as before.
@Suite struct SwarmAwarePilotTests {
    @Test func everyPlannerIsToldTheOthersFromTheSnapshotBeforeTheTick() throws {
        var sim = try SwarmPolicyTests.fly("privileged", count: 3, ticks: 4)
        let before = sim.env.state
        let others = SwarmPolicyPilot.movingObstacles(before, model: sim.env.model.env)
        // the cf2x's collision cylinder: r 6 cm, 2.5 cm high
        #expect(others.count == 3)
        for (i, o) in others.enumerated() {
            #expect(o.position == before.vehicles[i].observation.robot.position && o.velocity == before.vehicles[i].observation.robot.velocity)
            #expect(o.radius == 0.06 && o.halfHeight == 0.0125 && hypot(o.velocity.x, o.velocity.y) > 0.1, "vehicle \(i) flies")
        }
        sim.tick()
        let pilot = try #require(sim.policyPilot)
        for i in 0..<3 {
            let p = try #require(pilot.policies[i] as? PrivilegedPlannerPolicy)
            #expect(p.neighbours == others.enumerated().filter { $0.offset != i }.map(\.element), "vehicle \(i)")
        }
    }

    @Test func aFinishedVehicleStaysAnObstacleWhereItLies() throws {
        // straight into the pillars: every vehicle crashed and stays frozen in the world
        let dir = TempDir("app-swarm-aware-pillars")
        defer { dir.remove() }
        let world = try SwarmPolicyTests.pillars(dir)
        let sim = try SwarmPolicyTests.fly("straight", count: 3, ticks: 40) { c in
            c.world = world
            c.env.spawnYawJitter = 0
        }
        #expect(sim.isDone && sim.worldCollisions == 3)
        let others = SwarmPolicyPilot.movingObstacles(sim.env.state, model: sim.env.model.env)
        for (i, o) in others.enumerated() {
            #expect(o.velocity == .zero && o.position == sim.env.state.vehicles[i].observation.robot.position)
        }
    }

    @Test func theAwarePrivilegedSwarmIsBitIdenticalOnOneAndTwoWorkers() throws {
        // five vehicles 0.5 m apart: close enough for the neighbours to shape the plans
        let close: (inout SwarmFlyConfig) -> Void = { $0.spacing = 0.5 }
        let one = try SwarmPolicyTests.fly("privileged", count: 5, ticks: 24, workers: 1, seed: 3, edit: close)
        let two = try SwarmPolicyTests.fly("privileged", count: 5, ticks: 24, workers: 2, seed: 3, edit: close)
        #expect(SwarmPolicyTests.bits(one) == SwarmPolicyTests.bits(two))
        #expect(one.contacts == two.contacts && one.distance.bitPattern == two.distance.bitPattern)
        let yaws = two.env.state.vehicles.map(\.quadrotor.pose.orientation.yaw)
        #expect(Set(yaws.map(\.bitPattern)).count == 5, "five vehicles, five headings: \(yaws)")
    }
}
