import Foundation
import Geometry
import TestSupport
import Testing
@testable import Viewer

@Suite struct ProjectionTests {
    let proj = PinholeProjection(horizontalFOV: radians(90), width: 200, height: 100)

    @Test func knownPointsProjectToKnownPixels() throws {
        #expect(isClose(proj.fx, 100, abs: 1e-9))
        // straight ahead -> centre; 45 deg left -> left edge; up -> above centre
        let c = try #require(proj.project(camera: Vec3(5, 0, 0)))
        #expect(isClose(c.x, 100, abs: 1e-9) && isClose(c.y, 50, abs: 1e-9))
        let l = try #require(proj.project(camera: Vec3(2, 2, 0)))
        #expect(isClose(l.x, 0, abs: 1e-9) && isClose(l.y, 50, abs: 1e-9))
        let u = try #require(proj.project(camera: Vec3(4, -1, 1)))
        #expect(isClose(u.x, 125, abs: 1e-9) && isClose(u.y, 25, abs: 1e-9))
        #expect(proj.project(camera: Vec3(-1, 0, 0)) == nil, "behind the camera")
        #expect(proj.project(camera: Vec3(0.01, 0, 0)) == nil, "closer than near")
    }

    @Test func worldPointsThroughACameraPose() throws {
        // camera at (1, 2, 3) yawed 90 deg: looks along world +y
        let pose = Pose(position: Vec3(1, 2, 3), orientation: Quaternion(roll: 0, pitch: 0, yaw: .pi / 2))
        let a = try #require(proj.project(world: Vec3(1, 7, 3), cameraPose: pose))
        #expect(isClose(a.x, 100, abs: 1e-9) && isClose(a.y, 50, abs: 1e-9))
        // world -x is to the camera's left when it looks along +y
        let b = try #require(proj.project(world: Vec3(-4, 7, 3), cameraPose: pose))
        #expect(isClose(b.x, 0, abs: 1e-9))
        #expect(proj.project(world: Vec3(1, 0, 3), cameraPose: pose) == nil)
    }

    @Test func lookAtCentresTheTarget() throws {
        for (eye, target) in [(Vec3(0, 0, 5), Vec3(3, 4, 0)), (Vec3(-2, 1, 1), Vec3(5, -3, 2)), (Vec3(1, 1, 1), Vec3(1, 6, 1))] {
            let pose = Pose(position: eye, orientation: ViewCamera.lookAt(eye: eye, target: target))
            let p = try #require(proj.project(world: target, cameraPose: pose))
            #expect(isClose(p.x, 100, abs: 1e-9) && isClose(p.y, 50, abs: 1e-9))
            // world up stays up (no roll): a point above the target projects above it
            let q = try #require(proj.project(world: target + Vec3(0, 0, 0.5), cameraPose: pose))
            #expect(q.y < p.y && isClose(q.x, 100, abs: 1e-6))
        }
    }

    @Test func polylineClipsAtTheNearPlane() {
        let pts = [Vec3(-3, 0, 0), Vec3(1, 0, -1), Vec3(4, 1, -1), Vec3(-2, 5, 0), Vec3(-4, 0, 0)]
        let pieces = proj.projectPolyline(pts, cameraPose: .identity)
        #expect(pieces.count == 1)
        let piece = pieces[0]
        // entry point on the near plane, two visible vertices, exit point on the near plane
        #expect(piece.count == 4)
        #expect(isClose(piece[1].x, 100, abs: 1e-9) && isClose(piece[1].y, 150, abs: 1e-9))
        #expect(proj.projectPolyline([Vec3(-1, 0, 0), Vec3(-2, 0, 0)], cameraPose: .identity).isEmpty)
        // the streaming form yields the same geometry segment by segment
        var segs: [(SIMD2<Double>, SIMD2<Double>)] = []
        proj.forEachProjectedSegment(pts, cameraPose: .identity) { segs.append(($0, $1)) }
        #expect(segs.count == 3)
        #expect(segs.count == piece.count - 1)
        for (k, s) in segs.enumerated() {
            #expect(isClose(s.0.x, piece[k].x, abs: 1e-9) && isClose(s.0.y, piece[k].y, abs: 1e-9))
            #expect(isClose(s.1.x, piece[k + 1].x, abs: 1e-9) && isClose(s.1.y, piece[k + 1].y, abs: 1e-9))
        }
    }

    @Test func chaseCameraSitsBehindAndAboveAndSeesTheRobot() throws {
        var rig = CameraRig()
        let robot = Pose(position: Vec3(3, 4, 1), orientation: Quaternion(roll: 0, pitch: 0, yaw: .pi / 2))
        let cam = rig.update(robot: robot, dt: 1.0 / 60)
        #expect(isClose(cam.pose.position, Vec3(3, 4 - rig.chaseDistance, 1 + rig.chaseHeight), abs: 1e-9))
        let p = try #require(cam.projection(width: 960, height: 540).project(world: robot.position, cameraPose: cam.pose))
        #expect(abs(p.x - 480) < 1e-6, "robot horizontally centred")
        #expect(p.y > 270 && p.y < 540, "robot below the centre, in view")
        // after a yaw step the smoothed camera lags, then converges
        let turned = Pose(position: robot.position, orientation: Quaternion(roll: 0, pitch: 0, yaw: 0))
        let lag = rig.update(robot: turned, dt: 1.0 / 60)
        #expect((lag.pose.position - Vec3(3 - rig.chaseDistance, 4, 1 + rig.chaseHeight)).length > 0.5)
        var last = lag
        for _ in 0..<600 { last = rig.update(robot: turned, dt: 1.0 / 60) }
        #expect(isClose(last.pose.position, Vec3(3 - rig.chaseDistance, 4, 1 + rig.chaseHeight), abs: 1e-6))
    }

    @Test func orbitAndFirstPersonCameras() throws {
        let target = Vec3(1, 1, 1)
        let orbit = CameraRig.orbitCamera(target: target, yaw: 0, pitch: 0, distance: 4, fov: radians(80))
        #expect(isClose(orbit.pose.position, Vec3(-3, 1, 1), abs: 1e-9))
        let up = CameraRig.orbitCamera(target: target, yaw: .pi / 2, pitch: 0.5, distance: 4, fov: radians(80))
        #expect(up.pose.position.z > 1 && up.pose.position.y < 1)
        let p = try #require(up.projection(width: 100, height: 100).project(world: target, cameraPose: up.pose))
        #expect(isClose(p.x, 50, abs: 1e-9) && isClose(p.y, 50, abs: 1e-9))
        // first person ignores roll and pitch, keeps yaw
        let robot = Pose(position: target, orientation: Quaternion(roll: 0.3, pitch: -0.2, yaw: 1.0))
        let fp = CameraRig.firstPersonCamera(robot: robot, fov: radians(80))
        let e = fp.pose.orientation.eulerAngles
        #expect(isClose(e.yaw, 1.0, abs: 1e-9) && isClose(e.roll, 0, abs: 1e-9) && isClose(e.pitch, 0, abs: 1e-9))
        var rig = CameraRig(mode: .orbit)
        rig.orbitZoom(steps: 1000)
        #expect(rig.orbitDistance == 0.5)
    }
}
