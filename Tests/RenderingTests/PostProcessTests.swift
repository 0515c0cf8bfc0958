import Foundation
import Geometry
import Testing
@testable import Rendering
@testable import World

/// The real profile's post-process fast paths against the straightforward computations they
/// replace, bit for bit: noise drawn a row at a time stage by stage, four gray pixels at a time,
/// the vectorised box blur.
@Suite struct PostProcessTests {
    /// The post-process as it was written before the fast path: per line and channel a gathered
    /// copy, a clamped sum per pixel, then one noise draw per pixel in pixel order.
    static func reference(_ p: AppearanceProfile, width W: Int, height H: Int, blurX: Double, blurY: Double,
                          radiance: [Float], rng: inout RNG) -> (gray: [UInt8], rgb: [UInt8]) {
        var rad = radiance
        var line = [Float](repeating: 0, count: max(W, H))
        func blur(count: Int, stride: Int, lines: Int, lineStride: Int, length: Double) {
            let r = min(Int((length / 2).rounded()), count - 1)
            guard r >= 1 else { return }
            for l in 0..<lines {
                let base = l * lineStride
                for c in 0..<3 {
                    for x in 0..<count { line[x] = rad[3 * (base + x * stride) + c] }
                    for x in 0..<count {
                        var s: Float = 0
                        for t in (x - r)...(x + r) { s += line[max(0, min(count - 1, t))] }
                        rad[3 * (base + x * stride) + c] = s / Float(2 * r + 1)
                    }
                }
            }
        }
        blur(count: W, stride: 1, lines: H, lineStride: W, length: blurX)
        blur(count: H, stride: W, lines: W, lineStride: 1, length: blurY)
        var gray = [UInt8](repeating: 0, count: W * H), rgb = [UInt8](repeating: 0, count: 3 * W * H)
        let cx = Double(W) / 2, cy = Double(H) / 2
        let r2max = cx * cx + cy * cy
        for j in 0..<H {
            for i in 0..<W {
                let k = j * W + i
                let dx = Double(i) + 0.5 - cx, dy = Double(j) + 0.5 - cy
                let gain = p.exposure * (1 - p.vignetting * (dx * dx + dy * dy) / r2max)
                var c = SIMD3<Double>(Double(rad[3 * k]), Double(rad[3 * k + 1]), Double(rad[3 * k + 2])) * gain
                if p.shotNoise > 0 || p.gaussianNoise > 0 {
                    let luma = max(0, 0.299 * c.x + 0.587 * c.y + 0.114 * c.z)
                    let sigma = (p.gaussianNoise * p.gaussianNoise + p.shotNoise * luma).squareRoot()
                    c += SIMD3(repeating: sigma * rng.normal())
                }
                gray[k] = Renderer.quantize(Float(0.299 * c.x + 0.587 * c.y + 0.114 * c.z))
                rgb[3 * k] = Renderer.quantize(Float(c.x))
                rgb[3 * k + 1] = Renderer.quantize(Float(c.y))
                rgb[3 * k + 2] = Renderer.quantize(Float(c.z))
            }
        }
        return (gray, rgb)
    }

    /// The profiles the post-process runs with: real, real with only some effects, and a
    /// strong-noise one whose samples push values past both ends of the byte range.
    static var profiles: [AppearanceProfile] {
        var vignetteOnly = AppearanceProfile.real
        vignetteOnly.gaussianNoise = 0; vignetteOnly.shotNoise = 0
        var noiseOnly = AppearanceProfile.real
        noiseOnly.vignetting = 0
        var strong = AppearanceProfile.real
        strong.gaussianNoise = 0.3; strong.shotNoise = 0.2; strong.exposure = 1.7; strong.vignetting = 0.9
        return [.real, vignetteOnly, noiseOnly, strong]
    }

    @Test func postProcessEqualsTheStraightforwardComputation() {
        let scene = WorldGenerators.generate(family: "forest", seed: 1, parameters: ["trees": 3, "boxes": 1, "size": 10])
        // odd sizes, single rows and columns, a single pixel, the env's image
        let sizes = [(1, 1), (1, 5), (6, 1), (2, 2), (7, 3), (13, 11), (17, 9), (96, 72)]
        var data = RNG(seed: 11)
        var cases = 0
        for (W, H) in sizes {
            let camera = CameraIntrinsics(width: W, height: H, fovDegrees: 90, maxRange: 20)
            for (q, profile) in PostProcessTests.profiles.enumerated() {
                let renderer = Renderer(scene: scene, profile: profile)
                var scratch = RenderScratch(renderer: renderer, camera: camera)
                // blur lengths: none, radius 1, 2, 3, and wider than the image (clamped to count - 1)
                for (bx, by) in [(0.0, 0.0), (2.0, 0.0), (0.0, 2.0), (3.0, 5.0), (6.5, 1.2), (400.0, 300.0)] {
                    // radiance in and beyond [0, 1] (exposure and noise then clamp at both ends)
                    let radiance = (0..<(3 * W * H)).map { _ in Float(data.uniform(-0.05, 1.2)) }
                    for outputs in 0..<3 {
                        scratch.radiance.replaceSubrange(0..<radiance.count, with: radiance)
                        var gray = [UInt8](repeating: 7, count: W * H), rgb = [UInt8](repeating: 7, count: 3 * W * H)
                        let seed = UInt64(1000 * q + cases)
                        var fast = RNG(seed: seed), slow = RNG(seed: seed)
                        gray.withUnsafeMutableBufferPointer { g in
                            rgb.withUnsafeMutableBufferPointer { c in
                                renderer.postProcess(camera, blurX: bx, blurY: by, rng: &fast,
                                                     gray: outputs == 1 ? nil : g.baseAddress, rgb: outputs == 0 ? nil : c.baseAddress,
                                                     scratch: &scratch)
                            }
                        }
                        let expected = PostProcessTests.reference(profile, width: W, height: H, blurX: bx, blurY: by,
                                                                  radiance: radiance, rng: &slow)
                        if outputs != 1 { #expect(gray == expected.gray, "gray \(W)x\(H) profile \(q) blur \(bx), \(by)") }
                        if outputs != 0 { #expect(rgb == expected.rgb, "rgb \(W)x\(H) profile \(q) blur \(bx), \(by)") }
                        // the same draws in the same order: the generators end in the same state
                        #expect(fast == slow, "RNG state \(W)x\(H) profile \(q)")
                        cases += 1
                    }
                }
            }
        }
        #expect(cases == sizes.count * 4 * 6 * 3)
    }

    @Test func boxBlurEqualsTheClampedSumPerPosition() {
        var data = RNG(seed: 5)
        for count in [2, 3, 4, 5, 8, 9, 17, 33] {
            for step in [1, 3, 7, 24] {
                for r in 1..<count {
                    let source = (0..<(count * step)).map { _ in Float(data.uniform(-1, 2)) }
                    var out = [Float](repeating: .nan, count: count * step)
                    source.withUnsafeBufferPointer { s in
                        out.withUnsafeMutableBufferPointer { o in
                            Renderer.boxBlur(s.baseAddress!, into: o.baseAddress!, count: count, step: step, radius: r)
                        }
                    }
                    var wrong = 0
                    for pos in 0..<count {
                        for q in 0..<step {
                            var s: Float = 0
                            for t in (pos - r)...(pos + r) { s += source[max(0, min(count - 1, t)) * step + q] }
                            if (s / Float(2 * r + 1)).bitPattern != out[pos * step + q].bitPattern { wrong += 1 }
                        }
                    }
                    #expect(wrong == 0, "count \(count) step \(step) radius \(r): \(wrong) values differ")
                }
            }
        }
    }

    @Test func blockNormalsEqualNormalCalls() {
        for count in [0, 1, 2, 3, 7, 96, 1000] {
            for seed in 0..<4 as Range<UInt64> {
                var block = RNG(seed: seed), single = RNG(seed: seed)
                var out = [Double](repeating: .nan, count: count), u2 = [Double](repeating: 0, count: count)
                out.withUnsafeMutableBufferPointer { o in
                    u2.withUnsafeMutableBufferPointer { u in
                        if let ob = o.baseAddress, let ub = u.baseAddress { block.normals(into: ob, count: count, scratch: ub) }
                    }
                }
                let expected = (0..<count).map { _ in single.normal() }
                #expect(out.map(\.bitPattern) == expected.map(\.bitPattern), "count \(count) seed \(seed)")
                #expect(block == single)
            }
        }
    }
}
