import Foundation
import Geometry
import Testing
@testable import Rendering
@testable import World

/// `Renderer.prepareTilted` + `renderTiltedWindow`: column ranges of a tilted image, drawn from
/// one shared per-frame set-up, are the same pixels as the whole image's, bit for bit.
@Suite struct TiltedWindowTests {
    /// Steep, rolled and looking-up attitudes that stay off the per-ray fallback (most of them).
    static func pose(_ rng: inout RNG, _ scene: Scene) -> Pose {
        let lo = scene.boundsMin, hi = scene.boundsMax
        let position = Vec3(rng.uniform(lo.x + 1, hi.x - 1), rng.uniform(lo.y + 1, hi.y - 1), rng.uniform(0.3, 6))
        let pitch = rng.uniform(0, 1) < 0.5 ? rng.uniform(0.5, 0.9) : rng.uniform(-0.7, 0.4)
        return Pose(position: position, orientation: Quaternion(roll: rng.uniform(-0.8, 0.8), pitch: pitch, yaw: rng.uniform(-.pi, .pi)))
    }

    @Test(arguments: ["forest:5:trees=150,boxes=40,size=30", "office:3", "warehouse:1", "boulders:4:size=30,rocks=60"])
    func columnWindowsEqualTheWholeImage(spec: String) throws {
        let scene = try WorldGenerators.make(spec)
        var rng = RNG(seed: 11)
        var drawn = 0
        for k in 0..<8 {
            var real = AppearanceProfile.real
            real.gaussianNoise = 0; real.shotNoise = 0; real.vignetting = 0; real.depthNoise = 0
            let renderer = Renderer(scene: scene, profile: k % 2 == 0 ? .sim : real)
            let cam = CameraIntrinsics(width: 50 + 7 * k, height: 30 + 4 * k, fovDegrees: 70 + 6 * Double(k), maxRange: 30)
            let pose = Self.pose(&rng, scene)
            var (depth, gray, rgb, scratch) = wholeImage(renderer, cam, pose)
            var setup = TiltedSetup(renderer: renderer, camera: cam)
            guard renderer.prepareTilted(camera: cam, pose: pose, setup: &setup) else { continue }
            drawn += 1
            // single columns at both edges, the whole width and random ranges
            let windows = columnWindows(width: cam.width, random: 4, &rng)
            let differences = columnWindowDifferences(depth, gray, rgb, width: cam.width, height: cam.height, windows: windows) {
                columns, wd, wg, wc in
                renderer.renderTiltedWindow(camera: cam, pose: pose, columns: columns, setup: setup, depth: &wd, gray: &wg, rgb: &wc,
                                            scratch: &scratch)
            }
            for (columns, d) in zip(windows, differences) {
                #expect(d.mismatches == 0, "columns \(columns) at \(pose)")
                #expect(d.touchedOutside == 0, "columns \(columns) wrote outside its columns")
            }
        }
        #expect(drawn >= 5)
    }

    @Test func viewsThroughTheZenithOrNadirAreLeftToTheFallback() throws {
        let scene = try WorldGenerators.make("forest:5:trees=150,boxes=40,size=30")
        let renderer = Renderer(scene: scene, profile: .sim)
        let cam = CameraIntrinsics(width: 64, height: 48, fovDegrees: 80, maxRange: 30)
        var setup = TiltedSetup(renderer: renderer, camera: cam)
        for pitch in [1.5, -1.5, 1.2] {
            let pose = Pose(position: Vec3(3, 2, 2), orientation: Quaternion(roll: 0.1, pitch: pitch, yaw: 0.4))
            #expect(!renderer.prepareTilted(camera: cam, pose: pose, setup: &setup), "pitch \(pitch)")
            #expect(setup.prepared == nil)
        }
        // a steep view that keeps the nadir out of the image is prepared
        let steep = Pose(position: Vec3(3, 2, 2), orientation: Quaternion(roll: 0.1, pitch: 0.6, yaw: 0.4))
        #expect(renderer.prepareTilted(camera: cam, pose: steep, setup: &setup))
        #expect(setup.prepared?.pose == steep && setup.count > 0)
    }
}
