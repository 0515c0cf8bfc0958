import Foundation
import Geometry
import Testing
@testable import Rendering
@testable import World

/// Renders `pose` through the tilted (azimuth-binned) path and through per-ray `Scene.raycast`;
/// returns nil when the view needs the per-ray fallback, else both depth and gray images.
func tiltedAndPerRay(_ renderer: Renderer, _ cam: CameraIntrinsics, _ pose: Pose, _ scratch: inout RenderScratch)
    -> (depth: [Float], gray: [UInt8], refDepth: [Float], refGray: [UInt8])? {
    var d1 = [Float](repeating: -1, count: cam.pixelCount), d2 = d1
    var g1 = [UInt8](repeating: 0, count: cam.pixelCount), g2 = g1
    let maxR = Float(cam.maxRange), exposure = Float(renderer.profile.exposure)
    var binned = false
    d1.withUnsafeMutableBufferPointer { d in
        g1.withUnsafeMutableBufferPointer { g in
            let sink = Renderer.PixelSink(width: cam.width, depth: d.baseAddress, gray: g.baseAddress, rgb: nil, radiance: nil,
                                          exposure: exposure, maxRange: maxR, wantColor: true)
            binned = renderer.renderTilted(cam, pose, sink, scratch: &scratch)
        }
    }
    guard binned else { return nil }
    d2.withUnsafeMutableBufferPointer { d in
        g2.withUnsafeMutableBufferPointer { g in
            let sink = Renderer.PixelSink(width: cam.width, depth: d.baseAddress, gray: g.baseAddress, rgb: nil, radiance: nil,
                                          exposure: exposure, maxRange: maxR, wantColor: true)
            renderer.renderPerRay(cam, pose, sink)
        }
    }
    return (d1, g1, d2, g2)
}

@Test(arguments: ["forest:5:trees=150,boxes=40,size=30", "hallway:2", "office:3", "warehouse:1", "field:6:objects=60,size=30",
                  "boulders:4:size=30,rocks=60"])
func tiltedPathMatchesPerRayCastingAcrossWorlds(spec: String) throws {
    // random attitudes up to +-0.7 rad roll and pitch, plus grazing heights (exactly an
    // obstacle's top or bottom, a hair above the ground, above everything) and steep pitches
    // that put the zenith or nadir just outside the view
    let world = try WorldGenerators.make(spec)
    let cam = CameraIntrinsics(width: 36, height: 28, fovDegrees: 90, maxRange: 25)
    let renderer = Renderer(scene: world, profile: .real)
    var scratch = RenderScratch(renderer: renderer, camera: cam)
    var rng = RNG(seed: 11)
    let lo = world.boundsMin, hi = world.boundsMax
    let tops = world.obstacles.map { o -> Double in
        switch o.shape {
        case .box(let b): return b.center.z + b.halfExtents.z
        case .cylinder(let c): return c.zMax
        case .sphere(let s): return s.center.z + s.radius
        }
    }
    var checked = 0, pixels = 0, close = 0
    for k in 0..<40 {
        var z = rng.uniform(0.2, 2.5)
        switch k % 5 {
        case 1: z = tops[rng.int(below: tops.count)]                 // level with a top face
        case 2: z = world.groundHeight + 1e-3                       // grazing the ground
        case 3: z = world.grid.maxTop + rng.uniform(0, 1)           // above everything
        default: break
        }
        var pitch = rng.uniform(-0.7, 0.7)
        if k % 7 == 6 { pitch = (rng.uniform(0, 1) < 0.5 ? -1 : 1) * rng.uniform(0.7, 0.8) }   // 45-degree half-fov: the pole just out of view
        let pose = Pose(position: Vec3(rng.uniform(lo.x, hi.x), rng.uniform(lo.y, hi.y), z),
                        orientation: Quaternion(roll: rng.uniform(-0.7, 0.7), pitch: pitch, yaw: rng.uniform(-.pi, .pi)))
        guard let r = tiltedAndPerRay(renderer, cam, pose, &scratch) else { continue }
        checked += 1
        for p in 0..<cam.pixelCount {
            #expect(abs(r.depth[p] - r.refDepth[p]) <= 1e-5 * max(1, r.refDepth[p]), "\(spec) pose \(k) pixel \(p)")
            if abs(Int(r.gray[p]) - Int(r.refGray[p])) <= 1 { close += 1 }
            pixels += 1
        }
    }
    #expect(checked >= 30)
    #expect(close >= pixels * 99 / 100)
}

@Test func tiltedPathHandlesCamerasInsideFootprintsAndSpheres() {
    // the camera inside a box's and a cylinder's footprint (under a table-like box, beside a
    // trunk's axis above its top) and inside a sphere: still exactly what per-ray casting sees
    let s = scene([.box(Box(center: Vec3(0, 0, 2.5), halfExtents: Vec3(1.5, 1, 0.5), yaw: 0.3)),
                   .cylinder(Cylinder(x: 3, y: 0.1, radius: 0.5, zMin: 0, zMax: 0.8)),
                   .sphere(Sphere(center: Vec3(-3, 2, 1), radius: 1.2)),
                   .box(Box(center: Vec3(6, -2, 1), halfExtents: Vec3(0.5, 0.5, 1)))])
    let cam = CameraIntrinsics(width: 32, height: 24, fovDegrees: 100, maxRange: 20)
    let renderer = Renderer(scene: s, profile: .sim)
    var scratch = RenderScratch(renderer: renderer, camera: cam)
    let spots = [Vec3(0.2, 0.1, 1), Vec3(3.1, 0.2, 1.2), Vec3(-3, 2.2, 1.3), Vec3(0, 0, 3.2)]
    var checked = 0
    for (k, p) in spots.enumerated() {
        for yaw in stride(from: -3.0, to: 3.1, by: 1.5) {
            let pose = Pose(position: p, orientation: Quaternion(roll: 0.25 * Double(k % 2 == 0 ? 1 : -1), pitch: -0.3, yaw: yaw))
            guard let r = tiltedAndPerRay(renderer, cam, pose, &scratch) else { continue }
            checked += 1
            for q in 0..<cam.pixelCount {
                #expect(abs(r.depth[q] - r.refDepth[q]) <= 1e-5 * max(1, r.refDepth[q]))
                #expect(abs(Int(r.gray[q]) - Int(r.refGray[q])) <= 1)
            }
        }
    }
    #expect(checked == spots.count * 5)
}

@Test func tiltedBatchIsIdenticalForOneAndTwoThreads() throws {
    // many tilted frames (binned path and the per-ray fallback) in one batch: same bytes whatever the thread count
    let world = try WorldGenerators.make("forest:3:trees=100,boxes=30,size=30")
    let renderer = Renderer(scene: world, profile: .real)
    let cam = CameraIntrinsics(width: 40, height: 30, fovDegrees: 90, maxRange: 20)
    var poses = RenderBench.poses(world, count: 14, seed: 9, tilted: true)
    poses.append(Pose(position: Vec3(5, 0, 1), orientation: Quaternion(roll: 0, pitch: 1.4, yaw: 0.2)))   // nadir in view
    poses.append(Pose(position: Vec3(5, 1, 1), orientation: Quaternion(roll: 0.2, pitch: -1.3, yaw: 2)))  // zenith in view
    var b1 = FrameBatch(renderer: renderer, camera: cam, capacity: poses.count, outputs: [.depth, .gray, .rgb], workers: 2)
    var b2 = b1
    var r1 = RNG(seed: 2), r2 = RNG(seed: 2)
    renderer.renderBatch(poses: poses, rng: &r1, threads: 1, into: &b1)
    renderer.renderBatch(poses: poses, rng: &r2, threads: 2, into: &b2)
    #expect(b1.depth == b2.depth && b1.gray == b2.gray && b1.rgb == b2.rgb)
    // and different frames really differ (the batch is not trivially constant)
    let n = cam.pixelCount
    #expect(Array(b1.depth[0..<n]) != Array(b1.depth[n..<(2 * n)]))
}

@Test func wrapSmallEqualsWrapAngleBitForBit() {
    var rng = RNG(seed: 5)
    var angles: [Double] = [0, -0.0, .pi, -.pi, 2 * .pi, -2 * .pi, 2 * .pi - 1e-15, -(2 * .pi - 1e-15), 3 * .pi, -3 * .pi, 4 * .pi + 0.1, .nan]
    angles.append(.pi.nextUp); angles.append((-Double.pi).nextDown)
    for _ in 0..<2000 { angles.append(rng.uniform(-13, 13)) }
    for a in angles {
        let (x, y) = (Renderer.wrapSmall(a), wrapAngle(a))
        #expect(x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN), "angle \(a)")
    }
}
