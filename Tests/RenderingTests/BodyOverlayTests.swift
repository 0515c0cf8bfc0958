import Foundation
import Geometry
import Testing
@testable import Rendering
@testable import World

/// Moving bodies drawn over the static scene (`Renderer.render(..., bodies:)`).
@Suite struct BodyOverlayTests {
    let cam = CameraIntrinsics(width: 64, height: 48, fovDegrees: 60, maxRange: 20)
    /// A camera 1.5 m up, looking along +x, and tilted ones (the tilted path).
    let cameras: [Pose] = [
        Pose(position: Vec3(0, 0, 1.5), orientation: .identity),
        Pose(position: Vec3(0.3, -0.2, 1.4), orientation: Quaternion(roll: 0.15, pitch: 0.2, yaw: 0.4)),
        Pose(position: Vec3(-1, 1, 2), orientation: Quaternion(roll: -0.3, pitch: -0.25, yaw: -0.7)),
    ]

    func frame(_ s: Scene, _ pose: Pose, profile: AppearanceProfile = .sim, bodies: [RenderBody] = [], seed: UInt64 = 1,
               camera: CameraIntrinsics? = nil) -> Frame {
        var rng = RNG(seed: seed)
        return Renderer(scene: s, profile: profile).renderFrame(camera: camera ?? cam, pose: pose, rng: &rng, bodies: bodies)
    }

    @Test func bodyAheadHasItsPlanarDepthAtTheCentreAndItsSilhouetteSize() {
        // a 0.4 x 0.6 x 0.3 box 5 m along the optical axis, turned with the camera: its near face
        // is 4.8 m away on every pixel that sees it, 0.6 m wide and 0.3 m tall
        let size = Vec3(0.4, 0.6, 0.3), distance = 5.0, face = distance - size.x / 2
        let f = cam.focalPixels
        for pose in cameras {
            let body = RenderBody(pose: Pose(position: pose.transform(Vec3(distance, 0, 0)), orientation: pose.orientation),
                                  shape: .box(size: size))
            let img = frame(scene([]), pose, bodies: [body])
            let centre = (cam.height / 2) * cam.width + cam.width / 2
            #expect(abs(Double(img.depth[centre]) - face) < 1e-5, "\(img.depth[centre])")
            // silhouette: pixels of the centre row and column at the face's depth
            let row = (0..<cam.width).filter { abs(Double(img.depth[(cam.height / 2) * cam.width + $0]) - face) < 1e-4 }.count
            let column = (0..<cam.height).filter { abs(Double(img.depth[$0 * cam.width + cam.width / 2]) - face) < 1e-4 }.count
            #expect(abs(Double(row) - size.y / face * f) <= 1, "width \(row) px vs \(size.y / face * f)")
            #expect(abs(Double(column) - size.z / face * f) <= 1, "height \(column) px vs \(size.z / face * f)")
        }
    }

    @Test func bodyBehindAnObstacleIsHiddenAndInFrontOfItIsSeen() {
        // a wall 3 m ahead across the view
        let wall = scene([.box(Box(center: Vec3(3.5, 0, 2), halfExtents: Vec3(0.5, 10, 2)))])
        let pose = cameras[0]
        let plain = frame(wall, pose, profile: .real)
        let behind = RenderBody(pose: Pose(position: Vec3(6, 0, 1.5)), shape: .box(size: Vec3(0.5, 0.5, 0.5)))
        let hidden = frame(wall, pose, profile: .real, bodies: [behind])
        #expect(hidden.depth == plain.depth && hidden.gray == plain.gray && hidden.rgb == plain.rgb)
        let before = RenderBody(pose: Pose(position: Vec3(2, 0, 1.5)), shape: .box(size: Vec3(0.5, 0.5, 0.5)))
        let seen = frame(wall, pose, bodies: [before])
        let centre = (cam.height / 2) * cam.width + cam.width / 2
        #expect(abs(seen.depth[centre] - 1.75) < 1e-5)
        #expect(frame(wall, pose).depth[centre] == 3)
    }

    @Test func bodiesBehindTheCameraOrOutsideTheViewChangeNothing() {
        let world = WorldGenerators.generate(family: "forest", seed: 2, parameters: ["trees": 40, "boxes": 8, "size": 20])
        let quad = BodyShape.quadrotor(rotors: [Vec3(0.1, -0.1, 0), Vec3(-0.1, -0.1, 0), Vec3(-0.1, 0.1, 0), Vec3(0.1, 0.1, 0)],
                                       propRadius: 0.08, height: 0.08)
        var real = AppearanceProfile.real
        real.shutterTime = 0.02
        for pose in cameras {
            // behind (1 m, and 0.24 m: its bounding sphere reaches the camera plane, the body does
            // not), beside, far above: outside a 60 degree view
            let offsets = [Vec3(-1, 0, 0), Vec3(-0.24, 0.05, 0), Vec3(0.5, 2, 0), Vec3(1, -3, 0.5), Vec3(0.5, 0, 4)]
            let bodies = offsets.map { RenderBody(pose: Pose(position: pose.transform($0), orientation: Quaternion(roll: 0.2, pitch: 0, yaw: 1)),
                                                  shape: quad) }
            for profile in [AppearanceProfile.sim, real] {
                let plain = frame(world, pose, profile: profile, seed: 5)
                let with = frame(world, pose, profile: profile, bodies: bodies, seed: 5)
                #expect(with.depth == plain.depth && with.gray == plain.gray && with.rgb == plain.rgb)
            }
        }
    }

    /// The nearest entry of the ray `o + t d` (body frame) into any part of `shape`: t, the
    /// body-frame normal and the part's index.
    func nearestPart(_ shape: BodyShape, _ o: Vec3, _ d: Vec3) -> (t: Double, normal: Vec3, part: Int)? {
        var best: (t: Double, normal: Vec3, part: Int)? = nil
        for (k, part) in shape.parts.enumerated() {
            if let h = part.shape.intersect(origin: o, direction: d, tMin: 0, tMax: best?.t ?? .infinity) { best = (h.t, h.normal, k) }
        }
        return best
    }

    /// Per-pixel reference: the scene's ray (`Scene.raycast`) and each body's parts, in the body
    /// frame, nearest wins; planar depth clamped at the range.
    func bruteForceDepth(_ s: Scene, _ pose: Pose, _ bodies: [RenderBody]) -> [Float] {
        var out = [Float](repeating: 0, count: cam.pixelCount)
        for j in 0..<cam.height {
            for i in 0..<cam.width {
                let dc = cam.direction(column: i, row: j)
                let dw = pose.orientation.rotate(dc)
                var best = Double.infinity
                if let hit = s.raycast(from: pose.position, direction: dw) { best = hit.distance / dw.length }
                for b in bodies {
                    let o = b.pose.inverseTransform(pose.position), d = b.pose.orientation.inverseRotate(dw)
                    if let h = nearestPart(b.shape, o, d) { best = min(best, h.t) }
                }
                out[j * cam.width + i] = Float(min(best, cam.maxRange))
            }
        }
        return out
    }

    @Test func overlayMatchesBruteForceRayCastingOfSceneAndBodies() {
        // the pixel rectangles (bounding sphere, then each part's hull projected and clipped at the
        // camera plane) must never leave out a pixel the body covers
        let world = WorldGenerators.generate(family: "forest", seed: 9, parameters: ["trees": 60, "boxes": 12, "size": 20])
        var rng = RNG(seed: 11)
        let quad = BodyShape.quadrotor(rotors: [Vec3(0.2, -0.2, 0), Vec3(-0.2, -0.2, 0), Vec3(-0.2, 0.2, 0), Vec3(0.2, 0.2, 0)],
                                       propRadius: 0.15, height: 0.12)
        var checked = 0, bodyPixels = 0
        for pose in RenderBench.poses(world, count: 4, seed: 3) + RenderBench.poses(world, count: 4, seed: 4, tilted: true) {
            // bodies scattered ahead (some behind trees, some overlapping each other) and around the
            // camera plane (parts straddling it, or the camera inside a bounding sphere), tilted
            let bodies = (0..<18).map { b in
                let p = pose.transform(b < 12 ? Vec3(rng.uniform(0.3, 8), rng.uniform(-3, 3), rng.uniform(-1, 1))
                                              : Vec3(rng.uniform(-0.4, 0.6), rng.uniform(-1, 1), rng.uniform(-0.5, 0.5)))
                let q = Quaternion(roll: rng.uniform(-0.6, 0.6), pitch: rng.uniform(-0.6, 0.6), yaw: rng.uniform(-3, 3))
                return RenderBody(pose: Pose(position: p, orientation: q), shape: rng.uniform(0, 1) < 0.5 ? quad : .box(size: Vec3(0.3, 0.5, 0.2)))
            }
            let img = frame(world, pose, bodies: bodies)
            let plain = frame(world, pose)
            let reference = bruteForceDepth(world, pose, bodies)
            for k in 0..<cam.pixelCount {
                #expect(abs(img.depth[k] - reference[k]) <= 1e-4 * max(1, reference[k]), "pixel \(k)")
                if img.depth[k] != plain.depth[k] { bodyPixels += 1 }
                checked += 1
            }
        }
        #expect(checked == 8 * cam.pixelCount)
        #expect(bodyPixels > 500, "the bodies should cover a real part of the images: \(bodyPixels)")
    }

    @Test func levelBodyBoxLooksLikeTheSameStaticBox() {
        // a yawed box body on a level pose is the scene's own box obstacle: depth and gray agree
        // (different code paths: the column walk and tilted path against the overlay)
        let halfExtents = Vec3(0.4, 0.25, 0.3), centre = Vec3(4, 0.6, 1.2), yaw = 0.5
        let material = Material(name: "body", albedo: BodyShape.frameAlbedo)
        let ground = scene([]).materials[0]
        func world(_ withBox: Bool) -> Scene {
            Scene(name: "t", groundMaterial: 0, materials: [ground, material],
                  obstacles: withBox ? [Obstacle(.box(Box(center: centre, halfExtents: halfExtents, yaw: yaw)), material: 1)] : [],
                  spawns: [], goals: [], boundsMin: Vec3(-40, -40, 0), boundsMax: Vec3(40, 40, 10))
        }
        let body = RenderBody(pose: Pose(position: centre, orientation: Quaternion(roll: 0, pitch: 0, yaw: yaw)),
                              shape: .box(size: halfExtents * 2))
        let views = [cameras[0], cameras[1], Pose(position: Vec3(0, 0, 2.5), orientation: Quaternion(roll: 0, pitch: 0.3, yaw: 0.1)),
                     Pose(position: Vec3(-1, 1, 2), orientation: Quaternion(roll: -0.3, pitch: 0.2, yaw: -0.1))]
        for pose in views {
            let a = frame(world(true), pose), b = frame(world(false), pose, bodies: [body]), plain = frame(world(false), pose)
            var covered = 0, grayOff = 0
            for k in 0..<cam.pixelCount {
                #expect(abs(a.depth[k] - b.depth[k]) <= 1e-4 * max(1, a.depth[k]), "pixel \(k)")
                if abs(Int(a.gray[k]) - Int(b.gray[k])) > 1 { grayOff += 1 }
                if b.depth[k] != plain.depth[k] { covered += 1 }
            }
            #expect(grayOff <= cam.pixelCount / 100, "gray differs by more than 1 level on \(grayOff) pixels")
            #expect(covered > 30, "\(covered) pixels")
        }
    }

    @Test func sensorEffectsApplyToBodyPixels() {
        // a face towards the camera (normal -x): colour = albedo x (ambient + sun x max(0, -sun.x))
        let pose = cameras[0]
        let albedo = SIMD3<Double>(0.5, 0.4, 0.3)
        let body = RenderBody(pose: Pose(position: Vec3(3, 0, 1.5)), shape: .box(size: Vec3(0.2, 1, 1), albedo: albedo))
        var profile = AppearanceProfile.sim
        let light = profile.ambient + profile.sunIntensity * max(0, -profile.sunDirection.x)
        let luma = (0.299 * albedo.x + 0.587 * albedo.y + 0.114 * albedo.z) * light
        let centre = (cam.height / 2) * cam.width + cam.width / 2
        let plainGray = frame(scene([]), pose, bodies: [body]).gray
        #expect(abs(Double(plainGray[centre]) - luma * 255) <= 1)
        // exposure and vignetting (the post-process path): the same pixel scaled by the gain there
        profile.exposure = 1.6
        profile.vignetting = 0.3
        let post = frame(scene([]), pose, profile: profile, bodies: [body]).gray
        for k in [centre, centre - 5, centre + 4 * cam.width] {
            let i = k % cam.width, j = k / cam.width
            let dx = Double(i) + 0.5 - Double(cam.width) / 2, dy = Double(j) + 0.5 - Double(cam.height) / 2
            let r2 = dx * dx + dy * dy, r2max = Double(cam.width * cam.width + cam.height * cam.height) / 4
            let gain = 1.6 * (1 - 0.3 * r2 / r2max)
            #expect(abs(Double(post[k]) - luma * gain * 255) <= 1, "pixel \(k): \(post[k]) vs \(luma * gain * 255)")
        }
        // noise: the body's pixels vary with the seed like the rest
        var noisy = AppearanceProfile.sim
        noisy.gaussianNoise = 0.05
        let n1 = frame(scene([]), pose, profile: noisy, bodies: [body], seed: 1).gray
        let n2 = frame(scene([]), pose, profile: noisy, bodies: [body], seed: 2).gray
        #expect((centre - 3...centre + 3).contains { n1[$0] != n2[$0] })
    }

    @Test func grayOnlyFramesAndDistantBodiesUseTheSceneDepth() {
        // no depth requested: the scene's depth still decides; a body beyond the depth range is
        // still drawn in gray in front of the sky and hidden behind a farther tree
        let far = scene([.cylinder(Cylinder(x: 30, y: -2, radius: 1, zMin: 0, zMax: 8))])
        let pose = Pose(position: Vec3(0, 0, 1.5))
        let shortRange = CameraIntrinsics(width: 64, height: 48, fovDegrees: 60, maxRange: 10)
        // one against the sky and the far ground, one on the line through the tree's axis
        let ahead = RenderBody(pose: Pose(position: Vec3(25, 2, 1.5)), shape: .box(size: Vec3(0.5, 2, 2)))
        let behind = RenderBody(pose: Pose(position: Vec3(35, -35.0 / 15, 1.5)), shape: .box(size: Vec3(0.5, 2, 2)))
        let plain = frame(far, pose, camera: shortRange)
        let a = frame(far, pose, bodies: [ahead], camera: shortRange)
        let b = frame(far, pose, bodies: [behind], camera: shortRange)
        #expect(a.gray != plain.gray && a.depth == plain.depth, "beyond the range: gray changes, depth stays saturated")
        #expect(b.gray == plain.gray && b.depth == plain.depth, "behind the tree: hidden")
        // a gray-only batch gives the same gray
        let renderer = Renderer(scene: far, profile: .sim)
        var batch = FrameBatch(renderer: renderer, camera: shortRange, capacity: 1, outputs: [.gray], workers: 1)
        var rng = RNG(seed: 1)
        renderer.renderBatch(poses: [pose], rng: &rng, threads: 1, into: &batch, bodies: [ahead])
        #expect(batch.gray == a.gray)
    }

    @Test func batchesWithBodiesAreIdenticalForAnyThreadCount() {
        let renderer = Renderer(scene: goldenWorld, profile: .real)
        var poses = RenderBench.poses(goldenWorld, count: 7, seed: 5)
        poses += RenderBench.poses(goldenWorld, count: 4, seed: 6, tilted: true)
        let quad = BodyShape.quadrotor(rotors: [Vec3(0.2, -0.2, 0), Vec3(-0.2, -0.2, 0), Vec3(-0.2, 0.2, 0), Vec3(0.2, 0.2, 0)],
                                       propRadius: 0.12, height: 0.1)
        // every camera is a body too, skipped in its own frame, plus bodies just ahead of each
        var bodies = poses.map { RenderBody(pose: $0, shape: quad) }
        bodies += poses.map { RenderBody(pose: Pose(position: $0.transform(Vec3(1.5, 0.2, 0)), orientation: $0.orientation), shape: quad) }
        let rates = poses.indices.map { Vec3(0, 0.1 * Double($0), 0.5 * Double($0)) }
        let ignoring = Array(poses.indices)
        var reference: FrameBatch? = nil
        for threads in 1...4 {
            var batch = FrameBatch(renderer: renderer, camera: goldenCamera, capacity: poses.count, outputs: [.depth, .gray, .rgb], workers: 4)
            var rng = RNG(seed: 8)
            renderer.renderBatch(poses: poses, angularRates: rates, rng: &rng, threads: threads, into: &batch,
                                 bodies: bodies, ignoring: ignoring)
            if let r = reference {
                #expect(batch.depth == r.depth && batch.gray == r.gray && batch.rgb == r.rgb, "\(threads) threads")
            } else {
                reference = batch
            }
        }
        // the bodies show: frame 0 differs from its frame without bodies; frame k equals a single render
        var plain = FrameBatch(renderer: renderer, camera: goldenCamera, capacity: poses.count, outputs: [.depth, .gray, .rgb], workers: 1)
        var rng = RNG(seed: 8)
        renderer.renderBatch(poses: poses, angularRates: rates, rng: &rng, threads: 1, into: &plain)
        let n = goldenCamera.pixelCount
        for k in poses.indices { #expect(reference!.depth[(k * n)..<((k + 1) * n)] != plain.depth[(k * n)..<((k + 1) * n)], "frame \(k)") }
        var single = RNG(seed: 8).derived(3)
        var scratch = RenderScratch(renderer: renderer, camera: goldenCamera)
        var gray = [UInt8](repeating: 0, count: n)
        gray.withUnsafeMutableBufferPointer { g in
            renderer.render(camera: goldenCamera, pose: poses[3], angularRate: rates[3], rng: &single, depth: nil, gray: g.baseAddress,
                            rgb: nil, scratch: &scratch, bodies: bodies, ignoring: 3)
        }
        #expect(Array(reference!.gray[(3 * n)..<(4 * n)]) == gray)
    }

    @Test func quadrotorShapeIsTheRobotsSize() {
        // cf2x: rotors 0.028 m out on each axis, 23 mm propellers, 25 mm tall
        let rotors = [Vec3(0.028, -0.028, 0), Vec3(-0.028, -0.028, 0), Vec3(-0.028, 0.028, 0), Vec3(0.028, 0.028, 0)]
        let q = BodyShape.quadrotor(rotors: rotors, propRadius: 0.0231, height: 0.025)
        #expect(q.parts.count == 9)
        var lo = Vec3(repeating: .infinity), hi = -lo
        for p in q.parts { let b = p.shape.bounds; lo = pointwiseMin(lo, b.min); hi = pointwiseMax(hi, b.max) }
        let span = 2 * (0.028 * 0.028 * 2).squareRoot()
        #expect(abs(hi.x - lo.x - (2 * 0.028 + 2 * 0.0231)) < 1e-12 && abs(hi.z - lo.z - 0.025) < 1e-12)
        #expect(q.boundingRadius >= span / 2 + 0.0231 && q.boundingRadius < 0.08)
        // a ray down the middle from above meets the hub's top; from the side the frame
        let down = nearestPart(q, Vec3(0, 0, 1), Vec3(0, 0, -1))!
        #expect(abs(down.t - (1 - 0.025 / 6)) < 1e-12 && down.normal == Vec3(0, 0, 1) && down.part == 0)
        let side = nearestPart(q, Vec3(-1, 0, -0.005), Vec3(1, 0, 0))!
        #expect(abs(side.t - (1 - span / 6)) < 1e-12 && side.normal == Vec3(-1, 0, 0) && side.part == 0)
        // over a rotor, the disc
        let rotor = nearestPart(q, Vec3(0.028, 0.028, 1), Vec3(0, 0, -1))!
        #expect(abs(rotor.t - (1 - 0.0125)) < 1e-12 && rotor.part >= 5)
    }
}
