import Foundation
import Geometry
import Testing
@testable import Rendering
@testable import World

/// `Renderer.renderFallbackWindow` (the per-ray fallback over a column range) and the principal
/// offsets of `renderWindow`, `prepareTilted` and the fallback.
@Suite struct FallbackWindowTests {
    /// Views with the zenith or nadir in sight: straight down, nearly straight down and rolled,
    /// and looking up with the zenith in the image.
    static let fallbackOrientations = [Quaternion(roll: 0, pitch: .pi / 2, yaw: 0.3), Quaternion(roll: 0.1, pitch: 1.45, yaw: -2),
                                       Quaternion(roll: 0, pitch: -1.2, yaw: 1.1), Quaternion(roll: -0.2, pitch: -1.5, yaw: 0)]

    @Test(arguments: ["forest:5:trees=150,boxes=40,size=30", "office:3", "boulders:4:size=30,rocks=60"])
    func columnWindowsEqualTheWholeImage(spec: String) throws {
        let scene = try WorldGenerators.make(spec)
        var rng = RNG(seed: 21)
        for (k, orientation) in Self.fallbackOrientations.enumerated() {
            var real = AppearanceProfile.real
            real.gaussianNoise = 0; real.shotNoise = 0; real.vignetting = 0; real.depthNoise = 0
            let renderer = Renderer(scene: scene, profile: k % 2 == 0 ? .sim : real)
            let cam = CameraIntrinsics(width: 40 + 9 * k, height: 30 + 5 * k, fovDegrees: 70 + 8 * Double(k), maxRange: 30)
            let lo = scene.boundsMin, hi = scene.boundsMax
            let pose = Pose(position: Vec3(rng.uniform(lo.x + 1, hi.x - 1), rng.uniform(lo.y + 1, hi.y - 1), rng.uniform(1, 8)),
                            orientation: orientation)
            var setup = TiltedSetup(renderer: renderer, camera: cam)
            #expect(!renderer.prepareTilted(camera: cam, pose: pose, setup: &setup), "not a fallback view: \(pose)")
            var (depth, gray, rgb, scratch) = wholeImage(renderer, cam, pose)
            let windows = columnWindows(width: cam.width, random: 3, &rng)
            let differences = columnWindowDifferences(depth, gray, rgb, width: cam.width, height: cam.height, windows: windows) {
                columns, wd, wg, wc in
                renderer.renderFallbackWindow(camera: cam, pose: pose, columns: columns, depth: &wd, gray: &wg, rgb: &wc,
                                              scratch: &scratch)
            }
            for (columns, d) in zip(windows, differences) {
                #expect(d.mismatches == 0, "columns \(columns) at \(pose)")
                #expect(d.touchedOutside == 0, "columns \(columns) wrote outside its columns")
            }
        }
    }

    /// Depth of every pixel of one path with a principal offset.
    enum Path { case level, tilted, fallback }
    static func depth(_ renderer: Renderer, _ cam: CameraIntrinsics, _ pose: Pose, _ offset: SIMD2<Double>, _ path: Path) -> [Float] {
        var depth = [Float](repeating: -1, count: cam.pixelCount)
        var scratch = RenderScratch(renderer: renderer, camera: cam)
        switch path {
        case .level:
            renderer.renderWindow(camera: cam, pose: pose, principalOffset: offset, rows: 0..<cam.height, columns: 0..<cam.width,
                                  depth: &depth, gray: nil, rgb: nil, scratch: &scratch)
        case .tilted:
            var setup = TiltedSetup(renderer: renderer, camera: cam)
            let prepared = renderer.prepareTilted(camera: cam, pose: pose, principalOffset: offset, setup: &setup)
            precondition(prepared, "test pose needs the fallback")
            renderer.renderTiltedWindow(camera: cam, pose: pose, columns: 0..<cam.width, setup: setup,
                                        depth: &depth, gray: nil, rgb: nil, scratch: &scratch)
        case .fallback:
            renderer.renderFallbackWindow(camera: cam, pose: pose, principalOffset: offset, columns: 0..<cam.width,
                                          depth: &depth, gray: nil, rgb: nil, scratch: &scratch)
        }
        return depth
    }

    @Test func principalOffsetShiftsEveryPathsRays() throws {
        // the level and tilted paths with an offset agree with the fallback with the same offset
        // (it casts each pixel's ray exactly)
        let scene = try WorldGenerators.make("forest:5:trees=150,boxes=40,size=30")
        let renderer = Renderer(scene: scene, profile: .sim)
        let cam = CameraIntrinsics(width: 64, height: 40, fovDegrees: 80, maxRange: 60)
        for offset in [SIMD2<Double>(0, 0), SIMD2(13, -7), SIMD2(-21.5, 9.25)] {
            let level = Pose(position: Vec3(2, 1, 1.6), orientation: Quaternion(roll: 0, pitch: 0, yaw: 0.7))
            let tilted = Pose(position: Vec3(2, 1, 1.6), orientation: Quaternion(roll: 0.2, pitch: 0.5, yaw: 0.7))
            let a = Self.depth(renderer, cam, level, offset, .level), b = Self.depth(renderer, cam, level, offset, .fallback)
            let c = Self.depth(renderer, cam, tilted, offset, .tilted), d = Self.depth(renderer, cam, tilted, offset, .fallback)
            var levelClose = 0, tiltedClose = 0
            for k in 0..<cam.pixelCount {
                if abs(a[k] - b[k]) <= 1e-3 * max(1, b[k]) { levelClose += 1 }
                if abs(c[k] - d[k]) <= 1e-5 * max(1, d[k]) { tiltedClose += 1 }
            }
            // the level path works in Float32 (edges may round to the other side)
            #expect(levelClose >= cam.pixelCount * 98 / 100, "offset \(offset)")
            #expect(tiltedClose == cam.pixelCount, "offset \(offset)")
        }
    }

    @Test func fallbackPixelsSeeWhereTheOffsetRayGoes() {
        // straight down from 5 m onto a box 2 m tall: a pixel whose offset ray (the direction
        // `renderFallbackWindow` documents) meets the box top well inside sees it at planar depth 3;
        // one that meets the plane z = 2 well outside sees something deeper (side or ground)
        let box = Box(center: Vec3(0.6, -0.4, 1), halfExtents: Vec3(1, 0.7, 1), yaw: 0.3)
        let scene = Scene(name: "t", groundMaterial: 0, materials: [Material(name: "g", albedo: SIMD3(0.5, 0.5, 0.5))],
                          obstacles: [Obstacle(.box(box), material: 0)], spawns: [], goals: [],
                          boundsMin: Vec3(-20, -20, 0), boundsMax: Vec3(20, 20, 10))
        let renderer = Renderer(scene: scene, profile: .sim)
        let cam = CameraIntrinsics(width: 64, height: 48, fovDegrees: 80, maxRange: 30)
        let f = cam.focalPixels
        let pose = Pose(position: Vec3(0, 0, 5), orientation: Quaternion(roll: 0, pitch: .pi / 2, yaw: 0.2))
        let trig = SIMD2(cos(box.yaw), sin(box.yaw))
        for offset in [SIMD2<Double>(0, 0), SIMD2(13, -7), SIMD2(-18.5, 9.25)] {
            let depth = Self.depth(renderer, cam, pose, offset, .fallback)
            let cx = Double(cam.width) / 2 + offset.x, cy = Double(cam.height) / 2 + offset.y
            var top = 0, outside = 0
            for j in 0..<cam.height {
                for i in 0..<cam.width {
                    let d = pose.orientation.rotate(Vec3(1, -(Double(i) + 0.5 - cx) / f, -(Double(j) + 0.5 - cy) / f))
                    let p = pose.position + d * ((2 - pose.position.z) / d.z)
                    // box-frame coordinates of the hit on the top's plane, and its margin to the edge
                    let q = p - box.center
                    let lx = trig.x * q.x + trig.y * q.y, ly = -trig.y * q.x + trig.x * q.y
                    let margin = min(box.halfExtents.x - abs(lx), box.halfExtents.y - abs(ly))
                    let k = j * cam.width + i
                    if margin > 0.05 {
                        top += 1
                        #expect(abs(depth[k] - 3) < 1e-4, "pixel (\(i), \(j)), offset \(offset)")
                    } else if margin < -0.05 {
                        outside += 1
                        #expect(depth[k] > 3.01, "pixel (\(i), \(j)), offset \(offset)")
                    }
                }
            }
            #expect(top > 100 && outside > 100)
        }
    }

    @Test func integerVerticalOffsetIsTheRowWindowOfTheTallerImage() throws {
        // the viewer's levelled camera: offset -k (or +k) is rows 2k..<2k+H (or 0..<H) of the
        // image 2k rows taller, bit for bit
        let scene = try WorldGenerators.make("forest:5:trees=150,boxes=40,size=30")
        let renderer = Renderer(scene: scene, profile: .sim)
        let cam = CameraIntrinsics(width: 72, height: 40, fovDegrees: 80, maxRange: 30)
        let pose = Pose(position: Vec3(1, -2, 1.4), orientation: Quaternion(roll: 0, pitch: 0, yaw: -0.4))
        for shift in [-17, 0, 11] {
            let k = abs(shift)
            let tall = CameraIntrinsics(width: cam.width, height: cam.height + 2 * k, fovDegrees: 80, maxRange: 30)
            let (depth, gray, rgb, _) = wholeImage(renderer, tall, pose)
            let n = cam.pixelCount
            var wd = [Float](repeating: -7, count: n), wg = [UInt8](repeating: 77, count: n)
            var wc = [UInt8](repeating: 77, count: 3 * n)
            var scratch = RenderScratch(renderer: renderer, camera: cam)
            renderer.renderWindow(camera: cam, pose: pose, principalOffset: SIMD2(0, Double(shift)), rows: 0..<cam.height,
                                  columns: 0..<cam.width, depth: &wd, gray: &wg, rgb: &wc, scratch: &scratch)
            let first = shift < 0 ? 2 * k : 0
            let (mismatches, _) = windowDifferences(depth, gray, rgb, wd, wg, wc, width: cam.width,
                                                    rows: first..<(first + cam.height), columns: 0..<cam.width)
            #expect(mismatches == 0, "shift \(shift)")
        }
    }
}
