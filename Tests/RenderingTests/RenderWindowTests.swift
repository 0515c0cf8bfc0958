import Foundation
import Geometry
import Testing
@testable import Rendering
@testable import World

/// `render`'s whole image of `pose` (depth, gray, RGB) and the scratch that drew it.
func wholeImage(_ renderer: Renderer, _ cam: CameraIntrinsics, _ pose: Pose)
    -> (depth: [Float], gray: [UInt8], rgb: [UInt8], scratch: RenderScratch) {
    let n = cam.pixelCount
    var depth = [Float](repeating: -1, count: n), gray = [UInt8](repeating: 0, count: n)
    var rgb = [UInt8](repeating: 0, count: 3 * n)
    var scratch = RenderScratch(renderer: renderer, camera: cam)
    var rng = RNG(seed: 1)
    renderer.render(camera: cam, pose: pose, rng: &rng, depth: &depth, gray: &gray, rgb: &rgb, scratch: &scratch)
    return (depth, gray, rgb, scratch)
}

/// A window's buffers (`width` wide, `rows.count` tall, row 0 = image row `rows.lowerBound`)
/// against the whole image's: pixels inside `columns` that differ in depth bits, gray or RGB,
/// and pixels outside it whose fill values (depth -7, bytes 77) were overwritten.
func windowDifferences(_ depth: [Float], _ gray: [UInt8], _ rgb: [UInt8], _ wd: [Float], _ wg: [UInt8], _ wc: [UInt8],
                       width: Int, rows: Range<Int>, columns: Range<Int>) -> (mismatches: Int, touchedOutside: Int) {
    var mismatches = 0, touchedOutside = 0
    for j in 0..<rows.count {
        for i in 0..<width {
            let w = j * width + i, k = (j + rows.lowerBound) * width + i
            if columns.contains(i) {
                if wd[w].bitPattern != depth[k].bitPattern || wg[w] != gray[k]
                    || wc[3 * w] != rgb[3 * k] || wc[3 * w + 1] != rgb[3 * k + 1] || wc[3 * w + 2] != rgb[3 * k + 2] {
                    mismatches += 1
                }
            } else if wd[w] != -7 || wg[w] != 77 || wc[3 * w] != 77 {
                touchedOutside += 1
            }
        }
    }
    return (mismatches, touchedOutside)
}

/// Single columns at both edges, the whole width and `random` random column ranges of an image
/// `width` wide.
func columnWindows(width w: Int, random: Int, _ rng: inout RNG) -> [Range<Int>] {
    var windows: [Range<Int>] = [0..<1, (w - 1)..<w, 0..<w]
    for _ in 0..<random {
        let c0 = rng.int(below: w)
        windows.append(c0..<(c0 + 1 + rng.int(below: w - c0)))
    }
    return windows
}

/// Each of `windows` (column ranges of a `width` x `height` image) drawn by `draw` into
/// whole-image buffers filled with depth -7 and bytes 77, against the whole image's outputs
/// (`windowDifferences`): one entry per window.
func columnWindowDifferences(_ depth: [Float], _ gray: [UInt8], _ rgb: [UInt8], width: Int, height: Int, windows: [Range<Int>],
                             _ draw: (Range<Int>, inout [Float], inout [UInt8], inout [UInt8]) -> Void)
    -> [(mismatches: Int, touchedOutside: Int)] {
    let n = width * height
    return windows.map { columns in
        var wd = [Float](repeating: -7, count: n), wg = [UInt8](repeating: 77, count: n)
        var wc = [UInt8](repeating: 77, count: 3 * n)
        draw(columns, &wd, &wg, &wc)
        return windowDifferences(depth, gray, rgb, wd, wg, wc, width: width, rows: 0..<height, columns: columns)
    }
}

/// `Renderer.renderWindow`: a window of a level image (rows and columns) is the same pixels as
/// the whole image's, bit for bit, for depth, gray and colour.
@Suite struct RenderWindowTests {
    /// Every output of the whole frame, then every output of `windows` (each into a buffer
    /// `width` wide and its rows tall), compared pixel by pixel inside each window; outside its
    /// columns a window's buffer must stay untouched.
    func check(_ renderer: Renderer, _ cam: CameraIntrinsics, _ pose: Pose, windows: [(Range<Int>, Range<Int>)]) {
        var (depth, gray, rgb, scratch) = wholeImage(renderer, cam, pose)
        for (rows, columns) in windows {
            let m = cam.width * rows.count
            var wd = [Float](repeating: -7, count: m), wg = [UInt8](repeating: 77, count: m)
            var wc = [UInt8](repeating: 77, count: 3 * m)
            renderer.renderWindow(camera: cam, pose: pose, rows: rows, columns: columns, depth: &wd, gray: &wg, rgb: &wc,
                                  scratch: &scratch)
            let (mismatches, touchedOutside) = windowDifferences(depth, gray, rgb, wd, wg, wc, width: cam.width,
                                                                 rows: rows, columns: columns)
            #expect(mismatches == 0, "rows \(rows), columns \(columns) at \(pose.position)")
            #expect(touchedOutside == 0, "rows \(rows), columns \(columns) wrote outside its columns")
        }
    }

    @Test(arguments: ["forest:5:trees=150,boxes=40,size=30", "hallway:2", "office:3", "warehouse:1",
                      "boulders:4:size=30,rocks=60"])
    func windowsEqualTheWholeImage(spec: String) throws {
        let scene = try WorldGenerators.make(spec)
        var rng = RNG(seed: 42)
        for k in 0..<6 {
            // both appearance profiles without image effects: flat sim shading and textured real
            // materials (the real profile's noise and vignetting switched off)
            var real = AppearanceProfile.real
            real.gaussianNoise = 0; real.shotNoise = 0; real.vignetting = 0; real.depthNoise = 0
            let renderer = Renderer(scene: scene, profile: k % 2 == 0 ? .sim : real)
            let cam = CameraIntrinsics(width: 40 + 3 * k, height: 60 + 5 * k, fovDegrees: 60 + 8 * Double(k), maxRange: 25)
            let lo = scene.boundsMin, hi = scene.boundsMax
            let position = Vec3(rng.uniform(lo.x + 1, hi.x - 1), rng.uniform(lo.y + 1, hi.y - 1),
                                rng.uniform(0.2, 2.5))
            let pose = Pose(position: position, orientation: Quaternion(roll: 0, pitch: 0, yaw: rng.uniform(-.pi, .pi)))
            let h = cam.height, w = cam.width
            var windows: [(Range<Int>, Range<Int>)] = [(0..<h, 0..<w), (0..<1, 0..<w), ((h - 1)..<h, 0..<w),
                                                       (0..<h, 0..<1), (0..<h, (w - 1)..<w)]
            for _ in 0..<6 {
                let r0 = rng.int(below: h), r1 = r0 + 1 + rng.int(below: h - r0)
                let c0 = rng.int(below: w), c1 = c0 + 1 + rng.int(below: w - c0)
                windows.append((r0..<r1, c0..<c1))
            }
            check(renderer, cam, pose, windows: windows)
        }
    }

    @Test func profilesWithImageEffectsAreMarked() throws {
        let scene = try WorldGenerators.make("field:1")
        #expect(!Renderer(scene: scene, profile: .sim).hasImageEffects)
        #expect(Renderer(scene: scene, profile: .real).hasImageEffects)
        var vignetteOnly = AppearanceProfile.sim
        vignetteOnly.vignetting = 0.2
        #expect(Renderer(scene: scene, profile: vignetteOnly).hasImageEffects)
    }
}
