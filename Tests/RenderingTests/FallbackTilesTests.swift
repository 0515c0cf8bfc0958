import Foundation
import Geometry
import Testing
@testable import Rendering
@testable import World

/// The tiled fallback (`Renderer.renderGeneral`: candidates gathered per screen tile) against the
/// reference per-ray fallback (`Renderer.renderPerRay`: `Scene.raycast` per pixel), bit for bit.
@Suite struct FallbackTilesTests {
    /// Which buffers a comparison asks for: all three, colour only (the untextured ground's
    /// bytes computed once) and depth only (no shading).
    enum Outputs: CaseIterable { case all, colorOnly, depthOnly }

    /// One fallback image of `columns` (tiled or per ray) into fresh buffers.
    static func image(_ renderer: Renderer, _ cam: CameraIntrinsics, _ pose: Pose, offset: SIMD2<Double>, columns: Range<Int>,
                      outputs: Outputs, tiled: Bool) -> (depth: [Float], gray: [UInt8], rgb: [UInt8]) {
        let n = cam.pixelCount
        var depth = [Float](repeating: -7, count: n), gray = [UInt8](repeating: 77, count: n)
        var rgb = [UInt8](repeating: 77, count: 3 * n)
        var scratch = RenderScratch(renderer: renderer, camera: cam)
        depth.withUnsafeMutableBufferPointer { d in
            gray.withUnsafeMutableBufferPointer { g in
                rgb.withUnsafeMutableBufferPointer { c in
                    let sink = Renderer.PixelSink(width: cam.width, depth: outputs == .colorOnly ? nil : d.baseAddress,
                                                  gray: outputs == .depthOnly ? nil : g.baseAddress,
                                                  rgb: outputs == .depthOnly ? nil : c.baseAddress, radiance: nil,
                                                  exposure: Float(renderer.profile.exposure), maxRange: Float(cam.maxRange),
                                                  wantColor: outputs != .depthOnly)
                    if tiled {
                        renderer.renderGeneral(cam, pose, sink, scratch: &scratch, columns: columns, principalOffset: offset)
                    } else {
                        renderer.renderPerRay(cam, pose, sink, columns: columns, principalOffset: offset)
                    }
                }
            }
        }
        return (depth, gray, rgb)
    }

    /// Pixels where the tiled fallback and the reference differ (depth bits, gray or RGB bytes),
    /// over every kind of outputs; the reference must have written inside `columns` only.
    static func mismatches(_ renderer: Renderer, _ cam: CameraIntrinsics, _ pose: Pose, offset: SIMD2<Double> = .zero,
                           columns: Range<Int>? = nil) -> Int {
        let columns = columns ?? 0..<cam.width
        var bad = 0
        for outputs in Outputs.allCases {
            let a = image(renderer, cam, pose, offset: offset, columns: columns, outputs: outputs, tiled: true)
            let b = image(renderer, cam, pose, offset: offset, columns: columns, outputs: outputs, tiled: false)
            for k in 0..<cam.pixelCount where a.depth[k].bitPattern != b.depth[k].bitPattern || a.gray[k] != b.gray[k]
                || a.rgb[3 * k] != b.rgb[3 * k] || a.rgb[3 * k + 1] != b.rgb[3 * k + 1] || a.rgb[3 * k + 2] != b.rgb[3 * k + 2] {
                bad += 1
            }
            // the reference wrote its columns (so the comparison covers real pixels) and nothing else
            let written = (0..<cam.pixelCount).filter { k in
                outputs == .colorOnly ? b.rgb[3 * k] != 77 || b.gray[k] != 77 : b.depth[k] != -7
            }
            #expect(written.allSatisfy { columns.contains($0 % cam.width) })
        }
        return bad
    }

    /// Exact rotations (quaternion components +-0.5): the optical axis straight down with the
    /// image's u axis along world +x, and straight up.
    static let straightDown = Quaternion(x: 0.5, y: 0.5, z: -0.5, w: 0.5)
    static let straightUp = Quaternion(x: 0.5, y: 0.5, z: 0.5, w: -0.5)

    static let worlds = ["forest:5:trees=150,boxes=40,size=30", "office:3", "boulders:4:size=30,rocks=60"]

    /// A random attitude: half near straight down or up (the views the fallback serves), half anywhere.
    static func randomAttitude(_ rng: inout RNG) -> Quaternion {
        let pitch = rng.int(below: 2) == 0 ? rng.uniform(-.pi / 2, .pi / 2)
            : (rng.int(below: 2) == 0 ? 1 : -1) * rng.uniform(1.2, .pi / 2)
        return Quaternion(roll: rng.uniform(-0.4, 0.4), pitch: pitch, yaw: rng.uniform(-.pi, .pi))
    }

    @Test(arguments: worlds)
    func randomPosesMatchThePerRayFallback(spec: String) throws {
        let scene = try WorldGenerators.make(spec)
        var rng = RNG(seed: 181)
        var real = AppearanceProfile.real
        real.gaussianNoise = 0; real.shotNoise = 0; real.vignetting = 0; real.depthNoise = 0
        let lo = scene.boundsMin, hi = scene.boundsMax
        for k in 0..<14 {
            let renderer = Renderer(scene: scene, profile: k % 3 == 2 ? real : .sim)
            // odd and even sizes, wide and narrow fields of view
            let cam = CameraIntrinsics(width: 33 + 7 * k, height: 21 + 5 * (k % 4), fovDegrees: 50 + 6 * Double(k), maxRange: 40)
            // inside and a little outside the world, from knee height to high above it
            let p = Vec3(rng.uniform(lo.x - 5, hi.x + 5), rng.uniform(lo.y - 5, hi.y + 5),
                         k % 5 == 0 ? rng.uniform(0.2, 2) : rng.uniform(2, 30))
            let orientation = k == 0 ? Self.straightDown : k == 1 ? Self.straightUp : Self.randomAttitude(&rng)
            let offset = k % 2 == 0 ? SIMD2<Double>.zero : SIMD2(rng.uniform(-40, 40), rng.uniform(-30, 30))
            let pose = Pose(position: p, orientation: orientation)
            #expect(Self.mismatches(renderer, cam, pose, offset: offset) == 0, "\(spec) pose \(pose) offset \(offset) camera \(cam.width)x\(cam.height)")
        }
    }

    @Test func columnWindowsMatchThePerRayFallback() throws {
        // windows that cut tiles anywhere, as the viewer's column blocks and odd splits do
        let scene = try WorldGenerators.make("forest:5:trees=150,boxes=40,size=30")
        let renderer = Renderer(scene: scene, profile: .sim)
        var rng = RNG(seed: 7)
        let cam = CameraIntrinsics(width: 75, height: 41, fovDegrees: 85, maxRange: 40)
        for _ in 0..<4 {
            let pose = Pose(position: Vec3(rng.uniform(-10, 10), rng.uniform(-10, 10), rng.uniform(3, 15)),
                            orientation: Self.randomAttitude(&rng))
            for columns in columnWindows(width: cam.width, random: 3, &rng) {
                #expect(Self.mismatches(renderer, cam, pose, offset: SIMD2(3.5, -6), columns: columns) == 0, "\(columns) \(pose)")
            }
        }
    }

    @Test func verticalRaysAndRaysAlongCellEdges() throws {
        // straight down and up from exactly above a grid line: the centre pixel's ray is vertical
        // (d.x = d.y = 0), and the centre column's rays run along the line (d.x = 0), exactly
        let scene = try WorldGenerators.make("office:3")
        let grid = scene.grid
        for profile in [AppearanceProfile.sim, .real] {
            var p = profile
            p.gaussianNoise = 0; p.shotNoise = 0; p.vignetting = 0; p.depthNoise = 0
            let renderer = Renderer(scene: scene, profile: p)
            let cam = CameraIntrinsics(width: 41, height: 31, fovDegrees: 90, maxRange: 40)
            for line in [2, grid.columns / 2] {
                let x = grid.originX + Double(line) * grid.cellSize
                let y = grid.originY + Double(grid.rows / 2) * grid.cellSize
                for (orientation, z) in [(Self.straightDown, 6.0), (Self.straightDown, 1.0), (Self.straightUp, 0.5)] {
                    let pose = Pose(position: Vec3(x, y, z), orientation: orientation)
                    let centre = pose.orientation.rotate(Vec3(1, 0, 0))
                    #expect(centre.x == 0 && centre.y == 0)
                    #expect(Self.mismatches(renderer, cam, pose) == 0, "\(pose)")
                }
            }
        }
    }

    @Test func obstacleFreeAndBuriedWorlds() {
        // no obstacles (empty grid: no height range), a camera below the ground, one inside a box
        let materials = [Material(name: "g", albedo: SIMD3(0.4, 0.5, 0.3))]
        let box = Box(center: Vec3(1, 2, 1), halfExtents: Vec3(2, 1.5, 1), yaw: 0.4)
        let empty = Scene(name: "e", groundMaterial: 0, materials: materials, obstacles: [], spawns: [], goals: [],
                          boundsMin: Vec3(-10, -10, 0), boundsMax: Vec3(10, 10, 5))
        let one = Scene(name: "b", groundMaterial: 0, materials: materials, obstacles: [Obstacle(.box(box), material: 0)],
                        spawns: [], goals: [], boundsMin: Vec3(-10, -10, 0), boundsMax: Vec3(10, 10, 5))
        let cam = CameraIntrinsics(width: 29, height: 19, fovDegrees: 100, maxRange: 40)
        for scene in [empty, one] {
            let renderer = Renderer(scene: scene, profile: .sim)
            for position in [Vec3(0, 0, 4), Vec3(0, 0, -1), Vec3(1, 2, 1), Vec3(1.5, 2, 2)] {
                for orientation in [Self.straightDown, Self.straightUp, Quaternion(roll: 0.3, pitch: 1.3, yaw: 0.2)] {
                    let pose = Pose(position: position, orientation: orientation)
                    #expect(Self.mismatches(renderer, cam, pose) == 0, "\(scene.name) \(pose)")
                }
            }
        }
    }

    @Test func tileCandidatesHoldEveryObstacleTheirPixelsHit() throws {
        // the conservative bound itself: for every tile of random near-vertical views, each obstacle
        // `Scene.raycast` returns for one of its pixels is a candidate whose rectangle and row span
        // hold that pixel; and the bound does cull (most tiles keep few of the obstacles)
        let scene = try WorldGenerators.make("forest:5:trees=150,boxes=40,size=30")
        let renderer = Renderer(scene: scene, profile: .sim)
        let cam = CameraIntrinsics(width: 96, height: 64, fovDegrees: 80, maxRange: 40)
        var rng = RNG(seed: 3)
        var stamp = [UInt32](repeating: 0, count: scene.obstacles.count), cand = [Int32](repeating: 0, count: scene.obstacles.count)
        var rect = [FallbackRect](repeating: FallbackRect(), count: scene.obstacles.count)
        var box = [FallbackBox](repeating: FallbackBox(), count: scene.obstacles.count)
        var epoch: UInt32 = 0, tiles = 0, tiled = 0, obstacleHits = 0, candidates = 0
        for _ in 0..<6 {
            let pose = Pose(position: Vec3(rng.uniform(-12, 12), rng.uniform(-12, 12), rng.uniform(4, 20)),
                            orientation: Quaternion(roll: rng.uniform(-0.3, 0.3), pitch: rng.uniform(1.1, .pi / 2), yaw: rng.uniform(-3, 3)))
            let rays = FallbackRays(cam, pose, principalOffset: SIMD2(rng.uniform(-20, 20), rng.uniform(-20, 20)))
            let TW = Renderer.fallbackTileWidth, TH = Renderer.fallbackTileHeight
            for j0 in stride(from: 0, to: cam.height, by: TH) {
                for i0 in stride(from: 0, to: cam.width, by: TW) {
                    let columns = i0..<min(i0 + TW, cam.width), rows = j0..<min(j0 + TH, cam.height)
                    epoch += 1
                    tiles += 1
                    let found = stamp.withUnsafeMutableBufferPointer { s in
                        cand.withUnsafeMutableBufferPointer { c in
                            rect.withUnsafeMutableBufferPointer { r in
                                box.withUnsafeMutableBufferPointer { b in
                                    renderer.fallbackCandidates(rays, columns: columns, rows: rows, epoch: epoch, stamp: s.baseAddress!,
                                                                cand: c.baseAddress!, rect: r.baseAddress!, box: b.baseAddress!)
                                }
                            }
                        }
                    }
                    guard let (n, _) = found else { continue }
                    tiled += 1
                    candidates += n
                    for j in rows {
                        for i in columns {
                            let (dw, _) = rays.ray(rays.yc(i), rays.zc(j))
                            guard let hit = scene.raycast(from: rays.origin, direction: dw), hit.obstacle >= 0 else { continue }
                            obstacleHits += 1
                            let k = (0..<n).first { cand[$0] == Int32(hit.obstacle) }
                            let span = k.map { renderer.rowSpan(rays, rect[$0], box[$0], row: j, zc: rays.zc(j)) }
                            #expect(k.map { rect[$0].covers(i, j) } == true, "pixel (\(i), \(j)) hits obstacle \(hit.obstacle) at \(pose)")
                            #expect(span.map { $0.x <= Int32(i) && Int32(i) < $0.y } == true, "pixel (\(i), \(j)) outside its row span")
                        }
                    }
                }
            }
        }
        #expect(tiled == tiles && obstacleHits > 1000)
        #expect(candidates < tiles * scene.obstacles.count / 20)
    }
}
