import Foundation
import Geometry
import Testing
@testable import Rendering
@testable import World

/// A sim-profile frame with obstacles near and far (fog and blur need structure and depth).
private func cleanFrame() -> Frame {
    let scene = WorldGenerators.generate(family: "forest", seed: 4, parameters: ["trees": 60, "boxes": 10, "size": 25])
    var rng = RNG(seed: 1)
    return Renderer(scene: scene, profile: .sim).renderFrame(camera: CameraIntrinsics(width: 64, height: 48, fovDegrees: 90),
                                                             pose: Pose(position: Vec3(1, 0.5, 0.4), orientation: Quaternion(roll: 0, pitch: 0, yaw: 0.15)),
                                                             rng: &rng)
}

@Test func corruptionSeverityZeroIsIdentity() {
    let f = cleanFrame()
    for c in ImageCorruption.allCases {
        var rng = RNG(seed: 3)
        let out = c.apply(severity: 0, gray: f.gray, depth: f.depth, width: 64, height: 48, rng: &rng)
        #expect(out == f.gray, "\(c)")
    }
    #expect(ImageCorruption.blend(f.gray, [UInt8](repeating: 0, count: f.gray.count), alpha: 0) == f.gray)
}

@Test func corruptionMovesAwayFromCleanMonotonically() {
    let f = cleanFrame()
    #expect(ImageCorruption.contrast(f.gray) > 10, "the test image needs structure")
    for c in ImageCorruption.allCases {
        var mse: [Double] = [], contrast: [Double] = [], mean: [Double] = []
        for s in 0...ImageCorruption.maxSeverity {
            var rng = RNG(seed: 3)
            let out = c.apply(severity: s, gray: f.gray, depth: f.depth, width: 64, height: 48, rng: &rng)
            mse.append(ImageCorruption.meanSquaredError(out, f.gray))
            contrast.append(ImageCorruption.contrast(out))
            mean.append(Double(out.reduce(0) { $0 + Int($1) }) / Double(out.count))
        }
        // distance from the clean image (PSNR falls) grows strictly with severity
        for s in 1...ImageCorruption.maxSeverity { #expect(mse[s] > mse[s - 1], "\(c) mse \(mse)") }
        switch c {
        case .blur, .fog:
            for s in 1...ImageCorruption.maxSeverity { #expect(contrast[s] < contrast[s - 1], "\(c) contrast \(contrast)") }
        case .brightness:
            for s in 1...ImageCorruption.maxSeverity { #expect(mean[s] > mean[s - 1], "brightness mean \(mean)") }
        case .noise:
            #expect(contrast[5] > contrast[0], "noise adds variance \(contrast)")
        }
    }
}

@Test func noiseIsDeterministicAndUnbiased() {
    let flat = [UInt8](repeating: 100, count: 64 * 48)
    var a = RNG(seed: 9), b = RNG(seed: 9)
    let x = ImageCorruption.noise.apply(severity: 3, gray: flat, depth: [], width: 64, height: 48, rng: &a)
    let y = ImageCorruption.noise.apply(severity: 3, gray: flat, depth: [], width: 64, height: 48, rng: &b)
    #expect(x == y)
    let m = Double(x.reduce(0) { $0 + Int($1) }) / Double(x.count)
    #expect(abs(m - 100) < 1.5)
    // std 0.10 * 255 = 25.5 gray levels (no clamping at level 100)
    #expect(abs(ImageCorruption.contrast(x) - 25.5) < 1.5)
}

@Test func fogFollowsTransmittance() {
    let gray: [UInt8] = [0, 100, 250]
    let depth: [Float] = [0, 10, 1000]
    let out = ImageCorruption.fog(gray, depth: depth, density: 0.1, level: 200)
    // depth 0: unchanged; 10 m: t = e^-1; far: the fog level
    #expect(out[0] == 0)
    #expect(out[1] == ImageCorruption.quantize(Float(exp(-1.0)) * 100 + (1 - Float(exp(-1.0))) * 200))
    #expect(out[2] == 200)
    #expect(ImageCorruption.blend([0, 200], [100, 0], alpha: 0.5) == [50, 100])
}
