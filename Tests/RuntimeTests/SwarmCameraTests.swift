import Foundation
import Geometry
import Physics
import Rendering
@testable import Runtime
import Testing
import TestSupport
import World

/// Swarm cameras draw the other vehicles (`SwarmSettings.cameras`).
@Suite struct SwarmCameraTests {
    let quad750: RobotDescription
    init() throws { quad750 = try Fixtures.robot("quad750") }

    func hold(_ z: Double, speed: Double = 0, yawRate: Double = 0) -> EnvAction {
        .vehicle(.flight(.forward(speed: speed, yawRate: yawRate, altitude: z)))
    }

    /// 64 x 48 images with depth, one frame per observation.
    func settings() -> EnvSettings {
        Fixtures.settings {
            $0.imageWidth = 64; $0.imageHeight = 48
            $0.depth = true
            $0.frameStack = 1
            $0.altitude = 1
        }
    }

    /// The newest depth and gray images of vehicle `i` rendered from its camera pose with no bodies.
    func sceneOnly(_ model: SwarmModel, _ state: SwarmState, _ i: Int) -> (depth: [Float], gray: [UInt8]) {
        var rng = RNG(seed: 1)
        let pose = EnvDynamics.cameraPose(model.env, state.vehicles[i])
        let f = model.env.renderer.renderFrame(camera: model.env.camera.intrinsics, pose: pose, rng: &rng)
        return (f.depth, f.gray)
    }

    /// Checks that vehicle `viewer`'s depth image shows the rear face of `target`'s hub (body
    /// frame x = -hub, a plane) at the pixel its hub centre projects to, with the depth of that
    /// pixel's ray meeting the plane. Returns the number of pixels nearer than the scene.
    @discardableResult
    func expectSees(_ model: SwarmModel, _ state: SwarmState, viewer: Int, target: Int) -> Int {
        let cam = model.env.camera.intrinsics
        let f = cam.focalPixels
        let pose_WC = EnvDynamics.cameraPose(model.env, state.vehicles[viewer])
        let pose_WT = state.vehicles[target].quadrotor.pose
        // quad750: rotors 0.1167 m out on x and y, 0.1 m tall; hub a third of the arm wide, its
        // frame from z = -0.05 to 0.0167 (centre -0.0167)
        let hub = (2 * 0.1167 * 0.1167).squareRoot() / 3, height = 0.1
        let hubCentre_C = pose_WC.inverseTransform(pose_WT.transform(Vec3(0, 0, -height / 6)))
        let i = Int((Double(cam.width) / 2 - f * hubCentre_C.y / hubCentre_C.x).rounded(.down))
        let j = Int((Double(cam.height) / 2 - f * hubCentre_C.z / hubCentre_C.x).rounded(.down))
        #expect((0..<cam.width).contains(i) && (0..<cam.height).contains(j), "hub centre projects to (\(i), \(j))")
        // the pixel's ray in the target's body frame meets x = -hub at planar depth t
        let d_W = pose_WC.orientation.rotate(cam.direction(column: i, row: j))
        let o_T = pose_WT.inverseTransform(pose_WC.position), d_T = pose_WT.orientation.inverseRotate(d_W)
        let t = (-hub - o_T.x) / d_T.x
        let p = o_T + d_T * t
        #expect(abs(p.y) < hub && p.z > -height / 2 && p.z < height / 6, "the pixel's ray meets the hub's face at \(p)")
        let depth = state.vehicles[viewer].observation.depth
        let k = j * cam.width + i
        #expect(abs(Double(depth[k]) - t) < 1e-4, "depth \(depth[k]) vs \(t)")
        let plain = sceneOnly(model, state, viewer)
        #expect(plain.depth[k] > depth[k] + 1)
        // the silhouette's width: at least the rear arms' span (rotor centres 0.1167 m either side,
        // 1.28 m away: 5.8 px), at most the rotor discs' (0.2437 m either side, 1.16 m away: 13.5 px)
        let seen = (0..<cam.pixelCount).filter { depth[$0] < plain.depth[$0] }.map { $0 % cam.width }
        let width = (seen.max() ?? 0) - (seen.min() ?? 0) + 1
        #expect(width >= 5 && width <= 15, "silhouette \(width) px wide")
        return seen.count
    }

    @Test func aVehicleSeesTheOneAheadOfItInAColumn() throws {
        // vehicle 0 leads, 1 follows 1.5 m behind on the same heading: 1's camera (10 cm ahead,
        // tilted 10 degrees down) sees 0's hub; 0 sees nothing of 1; after steps (sim: no camera
        // latency, so the frame is the end-of-step instant) still so
        let model = try SwarmModel(scene: Fixtures.empty(), robot: quad750, settings: settings(),
                                   swarm: SwarmSettings(count: 2, layout: .column, spacing: 1.5, cameras: true))
        var env = SwarmEnv(model: model, workers: 1)
        try env.reset(seed: 5)
        let covered = expectSees(model, env.state, viewer: 1, target: 0)
        // hub, arms and disc rims: 0.1 m tall seen level from 1.2-1.4 m with f = 32 px, 2-3 rows
        #expect(covered >= 8 && covered <= 45, "\(covered) pixels")
        let lead = sceneOnly(model, env.state, 0)
        #expect(env.state.vehicles[0].observation.depth == lead.depth && env.state.vehicles[0].observation.frames == lead.gray)
        for k in 0..<5 {
            env.step([hold(1, speed: 0.3, yawRate: 0.05 * Double(k)), hold(1.1, speed: 0.5)])
            expectSees(model, env.state, viewer: 1, target: 0)
        }
    }

    @Test func vehiclesSideBySideDoNotSeeEachOther() throws {
        // line abreast 1 m apart, all facing ahead with a 90 degree view: the neighbours are
        // 73 degrees or more off the axis, out of view, so every frame is the scene's alone
        let model = try SwarmModel(scene: Fixtures.wall(at: 4), robot: quad750, settings: settings(),
                                   swarm: SwarmSettings(count: 3, layout: .lineAbreast, spacing: 1, cameras: true))
        var env = SwarmEnv(model: model, workers: 2)
        try env.reset(seed: 2)
        for step in 0..<3 {
            if step > 0 { env.step([hold(1), hold(1), hold(1)]) }
            for i in 0..<3 {
                let plain = sceneOnly(model, env.state, i)
                #expect(env.state.vehicles[i].observation.depth == plain.depth && env.state.vehicles[i].observation.frames == plain.gray)
            }
        }
        // turned about 90 degrees to face a neighbour, the middle vehicle sees it
        for _ in 0..<12 where env.state.vehicles[1].quadrotor.attitude.yaw < 1.3 {
            env.step([hold(1), hold(1, yawRate: 0.8), hold(1)])
        }
        env.step([hold(1), hold(1), hold(1)])
        let yaw = env.state.vehicles[1].quadrotor.attitude.yaw
        #expect(yaw > 1.3 && yaw < 1.9, "turned \(yaw) rad")
        let seen = (0..<model.env.pixelCount).filter { env.state.vehicles[1].observation.depth[$0] < sceneOnly(model, env.state, 1).depth[$0] }
        #expect(seen.count > 20)
    }

    /// Runs a column of five quad750s weaving through each other's views on `domain` and returns
    /// the final state.
    func weave(_ model: SwarmModel, workers: Int) throws -> SwarmState {
        var env = SwarmEnv(model: model, workers: workers)
        try env.reset(seed: 3)
        for k in 0..<6 where !env.state.done {
            env.step((0..<model.count).map { i in hold(1 + 0.1 * Double(i % 2), speed: 0.4, yawRate: 0.3 * sin(Double(i + k))) })
        }
        return env.state
    }

    @Test(arguments: ["sim", "real"])
    func camerasWithVehiclesInViewAreIdenticalForOneToFourWorkers(domain: String) throws {
        // real: camera latency (the others at the exposure instant), noise, blur, perturbed plant
        let model = try SwarmModel(scene: Fixtures.wall(at: 9), robot: quad750, settings: settings(),
                                   domain: DomainProfile.named(domain)!,
                                   swarm: SwarmSettings(count: 5, layout: .column, spacing: 1.2, cameras: true))
        let reference = try weave(model, workers: 1)
        if domain == "sim" {
            // the vehicles behind the leader see the one ahead
            for i in 1..<5 {
                let plain = sceneOnly(model, reference, i)
                #expect(reference.vehicles[i].observation.depth != plain.depth, "vehicle \(i) sees no one")
            }
        }
        for workers in 2...4 {
            let other = try weave(model, workers: workers)
            #expect(other.vehicles.map(\.observation) == reference.vehicles.map(\.observation), "\(workers) workers")
        }
    }
}
