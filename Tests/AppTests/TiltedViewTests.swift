import Foundation
import Geometry
import Rendering
import Testing
import Viewer
import World
@testable import App

/// The renderer's one-thread whole image of `camera` at `view`'s size (what a view must draw on
/// any thread count), and whether the tilted path can take the camera (false: the per-ray
/// fallback).
func wholeImage(of camera: ViewCamera, as view: ViewRenderer) -> (rgb: [UInt8], tilted: Bool) {
    let renderer = view.renderer, w = view.width, h = view.height
    let cam = CameraIntrinsics(width: w, height: h, fovDegrees: degrees(camera.horizontalFOV), maxRange: view.maxRange)
    var rgb = [UInt8](repeating: 0, count: 3 * w * h)
    var scratch = RenderScratch(renderer: renderer, camera: cam)
    var noise = RNG(seed: 0)
    renderer.render(camera: cam, pose: camera.pose, rng: &noise, depth: nil, gray: nil, rgb: &rgb, scratch: &scratch)
    var setup = TiltedSetup(renderer: renderer, camera: cam)
    return (rgb, renderer.prepareTilted(camera: cam, pose: camera.pose, setup: &setup))
}

/// The viewer's tilted 3D view: drawn in column blocks over any number of threads, it is the
/// renderer's one-thread whole image byte for byte (the per-ray fallback included).
@Suite struct TiltedViewTests {
    @Test(arguments: ["forest:2", "office:3", "warehouse:1"])
    func tiltedViewIsTheWholeImageOnAnyThreadCount(spec: String) throws {
        let scene = try SceneLoader.resolve(spec)
        let w = 200, h = 112
        let views = [1, 2, 3].map { ViewRenderer(scene: scene, width: w, height: h, threads: $0) }
        let lo = scene.boundsMin, hi = scene.boundsMax
        var rng = RNG(seed: 9)
        var fallbacks = 0
        for k in 0..<7 {
            // steep orbit views from high up, rolled views, one looking up; the last two look
            // straight down and straight up (the zenith or nadir in view: per-ray fallback)
            let (roll, pitch): (Double, Double) = switch k {
            case 0: (0, 0.9)
            case 1: (0, 0.6)
            case 2: (0.3, 0.2)
            case 3: (-0.5, -0.3)
            case 4: (rng.uniform(-0.8, 0.8), rng.uniform(0.5, 0.9))
            case 5: (0.05, 1.5)
            default: (0, -1.5)
            }
            let position = Vec3(rng.uniform(lo.x + 1, hi.x - 1), rng.uniform(lo.y + 1, hi.y - 1), rng.uniform(1, 8))
            let pose = Pose(position: position, orientation: Quaternion(roll: roll, pitch: pitch, yaw: rng.uniform(-.pi, .pi)))
            let camera = ViewCamera(pose: pose)
            #expect(views[0].levelled(camera) == camera)
            let (expected, tilted) = wholeImage(of: camera, as: views[0])
            if !tilted { fallbacks += 1 }
            for view in views {
                var image = RGBImage(width: 1, height: 1)
                view.render(camera, into: &image)
                #expect(image.width == w && image.height == h)
                #expect(image.pixels == expected, "roll \(roll), pitch \(pitch), \(view.threads) thread(s)")
            }
        }
        #expect(fallbacks == 2)
        for view in views { #expect(view.tiltedFrames == 7 && view.levelFrames == 0) }
    }
}
