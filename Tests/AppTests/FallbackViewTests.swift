import Foundation
import Geometry
import Rendering
import Testing
import Viewer
import World
@testable import App

/// The viewer's per-ray fallback view (the zenith or nadir in sight) in column blocks over any
/// number of threads, and principal offsets honoured on every path of `ViewRenderer`.
@Suite struct FallbackViewTests {
    @Test(arguments: ["forest:2", "office:3", "warehouse:1"])
    func fallbackViewIsTheWholeImageOnAnyThreadCount(spec: String) throws {
        let scene = try SceneLoader.resolve(spec)
        let w = 160, h = 90
        let views = [1, 2, 3].map { ViewRenderer(scene: scene, width: w, height: h, threads: $0) }
        let lo = scene.boundsMin, hi = scene.boundsMax
        var rng = RNG(seed: 17)
        for k in 0..<4 {
            let eye = Vec3(rng.uniform(lo.x + 1, hi.x - 1), rng.uniform(lo.y + 1, hi.y - 1), rng.uniform(2, 12))
            // the orbit camera's top view (straight down), a slightly rolled near-top view, and
            // two looking up with the zenith in the image
            let orientation = switch k {
            case 0: ViewCamera.lookAt(eye: eye, target: Vec3(eye.x, eye.y, 0))
            case 1: Quaternion(roll: 0.1, pitch: 1.4, yaw: rng.uniform(-.pi, .pi))
            case 2: Quaternion(roll: 0, pitch: -1.25, yaw: rng.uniform(-.pi, .pi))
            default: Quaternion(roll: -0.15, pitch: -1.5, yaw: rng.uniform(-.pi, .pi))
            }
            let camera = ViewCamera(pose: Pose(position: eye, orientation: orientation))
            // the renderer's one-thread whole image
            let (expected, tilted) = wholeImage(of: camera, as: views[0])
            #expect(!tilted, "view \(k) is not a fallback view")
            for view in views {
                var image = RGBImage(width: 1, height: 1)
                view.render(camera, into: &image)
                #expect(image.pixels == expected, "view \(k), \(view.threads) thread(s)")
            }
        }
        for view in views { #expect(view.fallbackFrames == 4 && view.tiltedFrames == 4 && view.levelFrames == 0) }
    }

    /// Centre (pixels, u right, v down, pixel (i, j) at (i + 0.5, j + 0.5)) of the pure-red
    /// pixels of `image`, and their number.
    static func redCentroid(_ image: RGBImage) -> (SIMD2<Double>, Int) {
        var sum = SIMD2<Double>.zero, n = 0
        for j in 0..<image.height {
            for i in 0..<image.width {
                let k = 3 * (j * image.width + i)
                if image.pixels[k] > 20 && image.pixels[k + 1] == 0 && image.pixels[k + 2] == 0 {
                    sum += SIMD2(Double(i) + 0.5, Double(j) + 0.5); n += 1
                }
            }
        }
        return (n > 0 ? sum / Double(n) : SIMD2(-1, -1), n)
    }

    @Test func principalOffsetPutsAWorldPointWhereTheProjectionDoes() {
        // a small red ball over grey ground: drawn with a principal offset, it appears (the
        // centre of its red pixels) where `ViewCamera.projection` projects its centre, on the
        // level, levelled, tilted and fallback paths; drawn "as if centred" it would be the
        // offset away
        let ball = Vec3(6, 1.2, 2.5)
        let scene = Scene(name: "t", groundMaterial: 0,
                          materials: [Material(name: "g", albedo: SIMD3(0.5, 0.5, 0.5)), Material(name: "r", albedo: SIMD3(1, 0, 0))],
                          obstacles: [Obstacle(.sphere(Sphere(center: ball, radius: 0.25)), material: 1)], spawns: [], goals: [],
                          boundsMin: Vec3(-20, -20, 0), boundsMax: Vec3(20, 20, 10))
        let w = 240, h = 160
        let view = ViewRenderer(scene: scene, width: w, height: h, threads: 2)
        func looking(from eye: Vec3, roll: Double = 0) -> Quaternion {
            let q = ViewCamera.lookAt(eye: eye, target: ball)
            return q * Quaternion(roll: roll, pitch: 0, yaw: 0)
        }
        // (pose, offset, path): the ball off the image centre in every case
        let level = Vec3(0, 0, 2.5), near = Vec3(1.2, 0.5, 1.6)
        let cases: [(Pose, SIMD2<Double>, String)] = [
            (Pose(position: level, orientation: Quaternion(roll: 0, pitch: 0, yaw: 0.05)), SIMD2(31, -17), "level"),
            (Pose(position: near, orientation: Quaternion(roll: 0, pitch: 0.1, yaw: 0.1)), SIMD2(-26, 12.5), "level"),
            (Pose(position: near, orientation: looking(from: near, roll: 0.3)), SIMD2(24, 19), "tilted"),
            (Pose(position: Vec3(5.6, 1.0, 8), orientation: Quaternion(roll: 0, pitch: .pi / 2, yaw: 0.4)), SIMD2(-35, -20), "fallback"),
            (Pose(position: Vec3(5.4, 1.5, 0.5), orientation: Quaternion(roll: 0, pitch: -1.25, yaw: -0.46)), SIMD2(28, 22), "fallback"),
        ]
        for (pose, offset, path) in cases {
            let camera = ViewCamera(pose: pose, principalOffset: offset)
            let before = (view.levelFrames, view.tiltedFrames, view.fallbackFrames)
            var image = RGBImage(width: w, height: h)
            view.render(camera, into: &image)
            let took = (view.levelFrames - before.0, view.tiltedFrames - before.1, view.fallbackFrames - before.2)
            switch path {
            case "level": #expect(took == (1, 0, 0), "\(pose)")
            case "tilted": #expect(took == (0, 1, 0), "\(pose)")
            default: #expect(took == (0, 1, 1), "\(pose)")
            }
            // the overlays' projection: the levelled camera's for a pitched one (`levelled`)
            let drawn = view.levelled(camera)
            guard let expected = drawn.projection(width: w, height: h).project(world: ball, cameraPose: drawn.pose),
                  let centred = ViewCamera(pose: drawn.pose).projection(width: w, height: h).project(world: ball, cameraPose: drawn.pose)
            else {
                Issue.record("ball behind the camera at \(pose)")
                continue
            }
            let (seen, count) = Self.redCentroid(image)
            #expect(count > 20, "\(path): ball not in view at \(pose)")
            #expect(abs(seen.x - expected.x) < 1 && abs(seen.y - expected.y) < 1, "\(path): at \(seen), projected \(expected)")
            // the case would fail if the offset were ignored
            #expect(abs(centred.x - expected.x) > 5 || abs(centred.y - expected.y) > 5)
        }
    }
}
