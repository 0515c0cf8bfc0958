import Geometry
import TestSupport
import Testing
@testable import Viewer

@Suite struct SwarmDrawingTests {
    let camera = CameraRig.orbitCamera(target: Vec3(0, 0, 1), yaw: 0.4, pitch: 0.5, distance: 9, fov: radians(80))

    /// A frame following a robot at the origin with `others` drawn besides it.
    func frame(_ others: [ViewerVehicle]) -> ViewerFrame {
        ViewerFrame(robotPose: Pose(position: Vec3(0, 0, 1)), view: .image(RGBImage(width: 8, height: 8, color: .sky)),
                    mapRegion: (SIMD2(0, 0), 16), vehicles: others)
    }

    func compose(_ f: ViewerFrame) -> (Canvas, ViewerComposer) {
        var composer = ViewerComposer(width: 960, height: 540)
        var canvas = Canvas(width: 960, height: 540)
        composer.compose(f, camera: camera, overlay: ViewerOverlayState(), into: &canvas)
        return (canvas, composer)
    }

    @Test func everyOtherVehicleIsMarkedOnTheMapAndInTheView() throws {
        let others = [ViewerVehicle(pose: Pose(position: Vec3(3, 2, 1)), trail: [Vec3(1, 2, 1), Vec3(3, 2, 1)]),
                      ViewerVehicle(pose: Pose(position: Vec3(-4, 1, 2.5))),
                      ViewerVehicle(pose: Pose(position: Vec3(2, -5, 1)), crashed: true)]
        let (canvas, composer) = compose(frame(others))
        let t = composer.mapTransform(for: frame(others))
        for v in others {
            let p = t.pixel(v.pose.position)
            #expect(canvas.pixel(Int(p.x.rounded()), Int(p.y.rounded())) == v.markerColor, "map marker at \(v.pose.position)")
        }
        // the 3D markers at the projected positions
        let r = composer.layout.mainView
        let proj = camera.projection(width: r.width, height: r.height)
        for v in others {
            let q = try #require(proj.project(world: v.pose.position, cameraPose: camera.pose))
            #expect(canvas.pixel(Int((q.x + Double(r.x)).rounded()), Int((q.y + Double(r.y)).rounded())) == v.markerColor)
        }
        // the first vehicle's trail is drawn between its points on the map
        var bare = others
        bare[0].trail = []
        let (without, _) = compose(frame(bare))
        let mid = t.pixel(Vec3(2, 2, 1))
        let x = Int(mid.x.rounded()), y = Int(mid.y.rounded())
        #expect(canvas.pixel(x, y) != without.pixel(x, y))
    }

    @Test func aFrameWithoutVehiclesDrawsExactlyAsBefore() {
        // an empty list is the default: the same pixels as a frame that never mentions vehicles
        let plain = ViewerFrame(robotPose: Pose(position: Vec3(0, 0, 1)), view: .image(RGBImage(width: 8, height: 8, color: .sky)),
                                mapRegion: (SIMD2(0, 0), 16))
        let (a, _) = compose(plain), (b, _) = compose(frame([]))
        #expect(a.pixels == b.pixels)
        let (c, _) = compose(frame([ViewerVehicle(pose: Pose(position: Vec3(3, 2, 1)))]))
        #expect(c.pixels != a.pixels)
    }
}
