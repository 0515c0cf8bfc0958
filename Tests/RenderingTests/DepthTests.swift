import Foundation
import Geometry
import Testing
@testable import Rendering
@testable import World

func scene(_ shapes: [Shape]) -> Scene {
    Scene(name: "t", groundMaterial: 0,
          materials: [Material(name: "g", albedo: SIMD3(0.4, 0.5, 0.3), texture: .checker, scale: 1),
                      Material(name: "o", albedo: SIMD3(0.8, 0.3, 0.2), texture: .brick, scale: 0.5)],
          obstacles: shapes.map { Obstacle($0, material: 1) }, spawns: [], goals: [],
          boundsMin: Vec3(-40, -40, 0), boundsMax: Vec3(40, 40, 10))
}

func level(_ x: Double, _ y: Double, _ z: Double, yaw: Double = 0) -> Pose {
    Pose(position: Vec3(x, y, z), orientation: Quaternion(roll: 0, pitch: 0, yaw: yaw))
}

func render(_ s: Scene, _ cam: CameraIntrinsics, _ pose: Pose, profile: AppearanceProfile = .sim) -> Frame {
    var rng = RNG(seed: 1)
    return Renderer(scene: s, profile: profile).renderFrame(camera: cam, pose: pose, rng: &rng)
}

@Test func boxFaceDepthIsItsDistanceOnEveryPixelThatSeesIt() {
    // face at x = 4.5, spanning y in [-2, 2], z in [0, 3]; planar depth is 4.5 wherever it shows
    let s = scene([.box(Box(center: Vec3(5, 0, 1.5), halfExtents: Vec3(0.5, 2, 1.5)))])
    let cam = CameraIntrinsics(width: 32, height: 24, fovDegrees: 60, maxRange: 20)
    for yaw in [0.0, 0.3] {
        let pose = level(0, 0, 1, yaw: yaw)
        let f = render(s, cam, pose)
        var seen = 0
        for j in 0..<cam.height {
            for i in 0..<cam.width {
                let dw = pose.orientation.rotate(cam.direction(column: i, row: j))
                // analytic: hits the x = 4.5 plane inside the face?
                let t = 4.5 / dw.x
                let p = pose.position + dw * t
                guard abs(p.y) < 1.99, p.z > 0.01, p.z < 2.99 else { continue }
                let expected = t   // planar depth: the camera-frame direction has x = 1
                #expect(abs(Double(f.depth[j * cam.width + i]) - expected) < 1e-4)
                seen += 1
            }
        }
        #expect(seen > 100)
    }
}

@Test func groundDepthMatchesThePlaneFormula() {
    let s = scene([])
    let cam = CameraIntrinsics(width: 16, height: 16, fovDegrees: 90, maxRange: 50)
    let h = 1.3
    let f = render(s, cam, level(2, -1, h, yaw: 1.1))
    for j in 0..<cam.height {
        for i in 0..<cam.width {
            let d = cam.direction(column: i, row: j)
            let k = j * cam.width + i
            if d.z < 0 {
                #expect(abs(Double(f.depth[k]) - min(h / -d.z, 50)) < 1e-4)
            } else {
                #expect(f.depth[k] == 50)   // sky: saturated at max range
            }
        }
    }
}

@Test func cylinderDepthMatchesAnalyticIntersection() {
    for (dist, r) in [(3.0, 0.4), (25.0, 0.3)] {
        let s = scene([.cylinder(Cylinder(x: dist, y: 0.05, radius: r, zMin: 0, zMax: 8))])
        let cam = CameraIntrinsics(width: 256, height: 8, fovDegrees: 20, maxRange: 40)
        let pose = level(0, 0, 1)
        let f = render(s, cam, pose)
        var hits = 0
        for i in 0..<cam.width {
            let d = cam.direction(column: i, row: 3)
            // 2D circle intersection in Double (textbook form is fine in Double)
            let a = d.x * d.x + d.y * d.y, b = -2 * (d.x * dist + d.y * 0.05)
            let c = dist * dist + 0.05 * 0.05 - r * r
            let disc = b * b - 4 * a * c
            guard disc > 1e-9 else { continue }
            let t = (-b - disc.squareRoot()) / (2 * a)   // planar depth: d.x == 1
            #expect(abs(Double(f.depth[3 * cam.width + i]) - t) < 1e-4)
            hits += 1
        }
        #expect(hits > 3)
    }
}

@Test func sphereDepthAndTiltedPathAgreeWithSceneRaycast() {
    let s = scene([.sphere(Sphere(center: Vec3(6, 0.5, 1.5), radius: 1)),
                   .box(Box(center: Vec3(4, -3, 1), halfExtents: Vec3(0.5, 0.5, 1), yaw: 0.4)),
                   .cylinder(Cylinder(x: 8, y: 2, radius: 0.3, zMin: 0, zMax: 4))])
    let cam = CameraIntrinsics(width: 40, height: 30, fovDegrees: 90, maxRange: 20)
    let tilted = [Quaternion(roll: 0.2, pitch: -0.1, yaw: 0.1), Quaternion(roll: -0.5, pitch: 0.3, yaw: 2.5),
                  Quaternion(roll: 0, pitch: 1.3, yaw: -0.4),      // nadir in view: per-ray fallback
                  Quaternion(roll: 0.1, pitch: -0.6, yaw: -2.9)]
    for pose in [level(0, 0, 1)] + tilted.map({ Pose(position: Vec3(0, 0.2, 1), orientation: $0) }) {
        let f = render(s, cam, pose)
        for j in 0..<cam.height {
            for i in 0..<cam.width {
                let dc = cam.direction(column: i, row: j)
                let expected = s.raycast(from: pose.position, direction: pose.orientation.rotate(dc)).map { min($0.distance / dc.length, 20) } ?? 20
                #expect(abs(Double(f.depth[j * cam.width + i]) - expected) < 1e-4)
            }
        }
    }
}

@Test func levelColumnPathMatchesPerRayPath() {
    // the same level view through both paths: equal depth, nearly equal shading
    let world = WorldGenerators.generate(family: "forest", seed: 2, parameters: ["boxes": 20])
    let cam = CameraIntrinsics(width: 48, height: 36, fovDegrees: 90, maxRange: 20)
    let renderer = Renderer(scene: world, profile: .real)
    let pose = level(1, 0.3, 1.2, yaw: 0.2)
    var d1 = [Float](repeating: 0, count: cam.pixelCount), d2 = d1
    var g1 = [UInt8](repeating: 0, count: cam.pixelCount), g2 = g1
    var scratch = RenderScratch(renderer: renderer, camera: cam)
    d1.withUnsafeMutableBufferPointer { d in
        g1.withUnsafeMutableBufferPointer { g in
            renderer.renderLevel(cam, pose, depth: d.baseAddress, gray: g.baseAddress, rgb: nil, post: false, scratch: &scratch)
        }
    }
    d2.withUnsafeMutableBufferPointer { d in
        g2.withUnsafeMutableBufferPointer { g in
            let sink = Renderer.PixelSink(width: cam.width, depth: d.baseAddress, gray: g.baseAddress, rgb: nil, radiance: nil,
                                          exposure: Float(renderer.profile.exposure), maxRange: 20, wantColor: true)
            renderer.renderPerRay(cam, pose, sink)
        }
    }
    var close = 0
    for k in 0..<cam.pixelCount {
        #expect(abs(d1[k] - d2[k]) < 1e-3)
        if abs(Int(g1[k]) - Int(g2[k])) <= 2 { close += 1 }
    }
    #expect(close >= cam.pixelCount * 97 / 100)
}

@Test func tiltedBinnedPathMatchesPerRayCasting() {
    // azimuth-binned candidates must give exactly what the per-ray grid walk gives
    let world = WorldGenerators.generate(family: "field", seed: 3, parameters: ["objects": 60, "size": 30])
    let cam = CameraIntrinsics(width: 40, height: 32, fovDegrees: 100, maxRange: 30)
    let renderer = Renderer(scene: world, profile: .real)
    var scratch = RenderScratch(renderer: renderer, camera: cam)
    var rng = RNG(seed: 4)
    var checked = 0
    for _ in 0..<12 {
        let pose = Pose(position: Vec3(rng.uniform(1, 29), rng.uniform(-14, 14), rng.uniform(0.3, 3)),
                        orientation: Quaternion(roll: rng.uniform(-0.6, 0.6), pitch: rng.uniform(-0.6, 0.6), yaw: rng.uniform(-3, 3)))
        var d1 = [Float](repeating: 0, count: cam.pixelCount), d2 = d1
        var g1 = [UInt8](repeating: 0, count: cam.pixelCount), g2 = g1
        var binned = false
        d1.withUnsafeMutableBufferPointer { d in
            g1.withUnsafeMutableBufferPointer { g in
                let sink = Renderer.PixelSink(width: cam.width, depth: d.baseAddress, gray: g.baseAddress, rgb: nil, radiance: nil,
                                              exposure: 1, maxRange: 30, wantColor: true)
                binned = renderer.renderTilted(cam, pose, sink, scratch: &scratch)
            }
        }
        d2.withUnsafeMutableBufferPointer { d in
            g2.withUnsafeMutableBufferPointer { g in
                let sink = Renderer.PixelSink(width: cam.width, depth: d.baseAddress, gray: g.baseAddress, rgb: nil, radiance: nil,
                                              exposure: 1, maxRange: 30, wantColor: true)
                renderer.renderPerRay(cam, pose, sink)
            }
        }
        if binned {
            checked += 1
            var close = 0
            for k in 0..<cam.pixelCount {
                #expect(abs(d1[k] - d2[k]) <= 1e-5 * max(1, d2[k]))
                if abs(Int(g1[k]) - Int(g2[k])) <= 1 { close += 1 }
            }
            #expect(close >= cam.pixelCount * 99 / 100)
        }
    }
    #expect(checked >= 8)
}
