import Foundation
import Geometry
import Testing
@testable import Rendering
@testable import World

/// FNV-1a over bytes.
func fnv(_ bytes: [UInt8], _ h0: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
    var h = h0
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
}

func frameHash(_ f: Frame) -> UInt64 {
    var h = fnv(f.gray)
    h = fnv(f.rgb, h)
    h = fnv(f.depth.flatMap { v -> [UInt8] in let b = v.bitPattern; return [UInt8(b & 0xFF), UInt8((b >> 8) & 0xFF), UInt8((b >> 16) & 0xFF), UInt8(b >> 24)] }, h)
    return h
}

let goldenWorld = WorldGenerators.generate(family: "forest", seed: 4, parameters: ["trees": 60, "boxes": 10, "size": 25])
let goldenCamera = CameraIntrinsics(width: 64, height: 48, fovDegrees: 90, maxRange: 20)
let goldenPose = Pose(position: Vec3(1, 0.5, 1.1), orientation: Quaternion(roll: 0, pitch: 0, yaw: 0.15))

/// Golden image hashes: a change in rendering must update these constants deliberately.
@Test func goldenImageHashPerProfile() {
    var rng = RNG(seed: 42)
    let sim = Renderer(scene: goldenWorld, profile: .sim).renderFrame(camera: goldenCamera, pose: goldenPose, rng: &rng)
    rng = RNG(seed: 42)
    let real = Renderer(scene: goldenWorld, profile: .real).renderFrame(camera: goldenCamera, pose: goldenPose,
                                                                        angularRate: Vec3(0, 0.5, 2), rng: &rng)
    #expect(frameHash(sim) == 11_932_589_243_529_788_541, "sim golden hash \(frameHash(sim))")
    #expect(frameHash(real) == 6_549_368_108_885_728_254, "real golden hash \(frameHash(real))")
    // a tilted camera takes the azimuth-binned path
    rng = RNG(seed: 42)
    let tiltedPose = Pose(position: goldenPose.position, orientation: Quaternion(roll: 0.15, pitch: 0.2, yaw: 0.15))
    let tilted = Renderer(scene: goldenWorld, profile: .sim).renderFrame(camera: goldenCamera, pose: tiltedPose, rng: &rng)
    #expect(frameHash(tilted) == 16_831_950_210_531_381_504, "tilted sim golden hash \(frameHash(tilted))")
}

@Test func realProfileNoiseFollowsTheSeedAndSimIsExact() {
    let r = Renderer(scene: goldenWorld, profile: .real)
    var a = RNG(seed: 1), b = RNG(seed: 1), c = RNG(seed: 2)
    let fa = r.renderFrame(camera: goldenCamera, pose: goldenPose, rng: &a)
    let fb = r.renderFrame(camera: goldenCamera, pose: goldenPose, rng: &b)
    let fc = r.renderFrame(camera: goldenCamera, pose: goldenPose, rng: &c)
    #expect(fa.gray == fb.gray && fa.depth == fb.depth)
    #expect(fa.gray != fc.gray)
    // sim: no noise, the RNG is not consumed
    let s = Renderer(scene: goldenWorld, profile: .sim)
    var x = RNG(seed: 1)
    _ = s.renderFrame(camera: goldenCamera, pose: goldenPose, rng: &x)
    #expect(x == RNG(seed: 1))
    // motion blur smooths the image: fewer large neighbour differences
    var n1 = RNG(seed: 3), n2 = RNG(seed: 3)
    var p = AppearanceProfile.real
    p.gaussianNoise = 0; p.shotNoise = 0
    let still = Renderer(scene: goldenWorld, profile: p).renderFrame(camera: goldenCamera, pose: goldenPose, rng: &n1)
    let moving = Renderer(scene: goldenWorld, profile: p).renderFrame(camera: goldenCamera, pose: goldenPose, angularRate: Vec3(0, 0, 20), rng: &n2)
    func roughness(_ g: [UInt8]) -> Int {
        var s = 0
        for j in 0..<goldenCamera.height { for i in 1..<goldenCamera.width { s += abs(Int(g[j * 64 + i]) - Int(g[j * 64 + i - 1])) } }
        return s
    }
    #expect(roughness(moving.gray) < roughness(still.gray) * 3 / 4)
}

@Test func batchedRenderingIsIdenticalForOneAndTwoThreads() {
    let renderer = Renderer(scene: goldenWorld, profile: .real)
    var poses = RenderBench.poses(goldenWorld, count: 9, seed: 5)
    poses += RenderBench.poses(goldenWorld, count: 3, seed: 6, tilted: true)
    let rates = poses.indices.map { Vec3(0, 0.1 * Double($0), 0.5 * Double($0)) }
    var b1 = FrameBatch(renderer: renderer, camera: goldenCamera, capacity: 12, outputs: [.depth, .gray, .rgb], workers: 2)
    var b2 = b1
    var r1 = RNG(seed: 8), r2 = RNG(seed: 8)
    renderer.renderBatch(poses: poses, angularRates: rates, rng: &r1, threads: 1, into: &b1)
    renderer.renderBatch(poses: poses, angularRates: rates, rng: &r2, threads: 2, into: &b2)
    #expect(b1.depth == b2.depth && b1.gray == b2.gray && b1.rgb == b2.rgb)
    #expect(r1 == r2)
    // frame k equals a single render with the derived stream
    var single = RNG(seed: 8).derived(4)
    let f = renderer.renderFrame(camera: goldenCamera, pose: poses[4], angularRate: rates[4], rng: &single)
    let n = goldenCamera.pixelCount
    #expect(Array(b1.gray[(4 * n)..<(5 * n)]) == f.gray)
    // only the requested outputs are allocated
    let depthOnly = FrameBatch(renderer: renderer, camera: goldenCamera, capacity: 2, outputs: [.depth])
    #expect(depthOnly.gray.isEmpty && depthOnly.rgb.isEmpty && depthOnly.depth.count == 2 * n)
}

/// Inflate of a zlib stream made only of stored blocks (what PNGWriter emits); nil otherwise.
func inflateStored(_ z: [UInt8]) -> [UInt8]? {
    guard z.count >= 6, (UInt16(z[0]) << 8 | UInt16(z[1])) % 31 == 0, z[0] & 0x0F == 8 else { return nil }
    var i = 2, out: [UInt8] = []
    while true {
        guard i + 5 <= z.count, z[i] & 0x06 == 0 else { return nil }   // BTYPE 00
        let final = z[i] & 1 == 1
        let len = Int(z[i + 1]) | Int(z[i + 2]) << 8, nlen = Int(z[i + 3]) | Int(z[i + 4]) << 8
        guard len == (~nlen & 0xFFFF), i + 5 + len <= z.count else { return nil }
        out += z[(i + 5)..<(i + 5 + len)]
        i += 5 + len
        if final { break }
    }
    // Adler-32, computed the slow obvious way
    var a = 1, b = 0
    for x in out { a = (a + Int(x)) % 65521; b = (b + a) % 65521 }
    let adler = UInt32(b << 16 | a)
    guard i + 4 == z.count, adler == UInt32(z[i]) << 24 | UInt32(z[i + 1]) << 16 | UInt32(z[i + 2]) << 8 | UInt32(z[i + 3]) else { return nil }
    return out
}

/// Bitwise CRC-32, independent of the writer's table.
func slowCRC(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for x in bytes {
        c ^= UInt32(x)
        for _ in 0..<8 { c = (c >> 1) ^ (c & 1 == 1 ? 0xEDB8_8320 : 0) }
    }
    return ~c
}

/// Chunks of a PNG file after checking the signature and every CRC.
func pngChunks(_ png: [UInt8]) -> [(String, [UInt8])]? {
    guard Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
    var i = 8, chunks: [(String, [UInt8])] = []
    while i + 12 <= png.count {
        let n = Int(png[i]) << 24 | Int(png[i + 1]) << 16 | Int(png[i + 2]) << 8 | Int(png[i + 3])
        guard i + 12 + n <= png.count else { return nil }
        let typeAndData = Array(png[(i + 4)..<(i + 8 + n)])
        let crc = UInt32(png[i + 8 + n]) << 24 | UInt32(png[i + 9 + n]) << 16 | UInt32(png[i + 10 + n]) << 8 | UInt32(png[i + 11 + n])
        guard crc == slowCRC(typeAndData) else { return nil }
        chunks.append((String(decoding: typeAndData.prefix(4), as: UTF8.self), Array(typeAndData.dropFirst(4))))
        i += 12 + n
    }
    return i == png.count ? chunks : nil
}

@Test func pngFilesDecodeToTheRawScanlines() throws {
    var rng = RNG(seed: 1)
    let f = Renderer(scene: goldenWorld, profile: .sim).renderFrame(camera: goldenCamera, pose: goldenPose, rng: &rng)
    let W = goldenCamera.width, H = goldenCamera.height
    let cases: [([UInt8], UInt8, UInt8, Int, [UInt8])] = [
        (PNGWriter.encode(width: W, height: H, kind: .gray8, pixels: f.gray), 8, 0, W, f.gray),
        (PNGWriter.encode(width: W, height: H, kind: .rgb8, pixels: f.rgb), 8, 2, 3 * W, f.rgb),
        (PNGWriter.encode16(width: W, height: H, pixels: DepthExport.millimetres(f.depth)), 16, 0, 2 * W,
         DepthExport.millimetres(f.depth).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }),
    ]
    for (png, depth, colorType, rowBytes, pixels) in cases {
        let chunks = try #require(pngChunks(png))
        #expect(chunks.map(\.0) == ["IHDR", "IDAT", "IEND"])
        let ihdr = chunks[0].1
        #expect(Array(ihdr[0..<8]) == [0, 0, 0, UInt8(W), 0, 0, 0, UInt8(H)])
        #expect(ihdr[8] == depth && ihdr[9] == colorType)
        let raw = try #require(inflateStored(chunks[1].1))
        #expect(raw.count == (rowBytes + 1) * H)
        var expected: [UInt8] = []
        for j in 0..<H { expected.append(0); expected += pixels[(j * rowBytes)..<((j + 1) * rowBytes)] }
        #expect(raw == expected)
    }
    // a large image spans several stored blocks
    let big = [UInt8](repeating: 7, count: 300 * 300)
    let chunks = try #require(pngChunks(PNGWriter.encode(width: 300, height: 300, kind: .gray8, pixels: big)))
    #expect(try #require(inflateStored(chunks[1].1)).count == 301 * 300)
}

@Test func pfmHoldsExactFloatDepthBottomRowFirst() {
    let depth: [Float] = [1.5, 2.25, 3.125, 19.999, 0.001, 7]
    let bytes = DepthExport.pfm(width: 3, height: 2, depth: depth)
    let header = Array("Pf\n3 2\n-1\n".utf8)
    #expect(Array(bytes.prefix(header.count)) == header)
    let body = Array(bytes.dropFirst(header.count))
    #expect(body.count == 24)
    var values: [Float] = []
    for k in 0..<6 {
        let b = UInt32(body[4 * k]) | UInt32(body[4 * k + 1]) << 8 | UInt32(body[4 * k + 2]) << 16 | UInt32(body[4 * k + 3]) << 24
        values.append(Float(bitPattern: b))
    }
    #expect(values == [19.999, 0.001, 7, 1.5, 2.25, 3.125])
    #expect(DepthExport.millimetres([1.2344, 70, -1]) == [1234, 65535, 0])
}

@Test func cameraSpecAndPoseParsing() throws {
    #expect(try CameraIntrinsics.parse("64x48") == CameraIntrinsics(width: 64, height: 48, fovDegrees: 90, maxRange: 20))
    #expect(try CameraIntrinsics.parse("72x96@60deg:15") == CameraIntrinsics(width: 72, height: 96, fovDegrees: 60, maxRange: 15))
    for bad in ["64", "64x0", "axb", "64x64@200", "64x64@90:-1"] {
        #expect(throws: (any Error).self) { try CameraIntrinsics.parse(bad) }
    }
    let p = try RenderTool.parsePose("1,2,3,90")
    #expect(isCloseVec(p.orientation.rotate(.unitX), Vec3(0, 1, 0)))
    #expect(throws: (any Error).self) { try RenderTool.parsePose("1,2,3") }
    #expect(throws: (any Error).self) { try RenderTool.parsePose("1,2,3,nan") }
}

func isCloseVec(_ a: Vec3, _ b: Vec3) -> Bool { (a - b).length < 1e-12 }

@Test func cameraMountComposesWithTheBodyPose() {
    let cam = Camera(intrinsics: goldenCamera, mount: Pose(position: Vec3(0.1, 0, 0.02)))
    let body = Pose(position: Vec3(1, 2, 1), orientation: Quaternion(roll: 0, pitch: 0, yaw: .pi / 2))
    let c = cam.worldPose(body: body)
    #expect(isCloseVec(c.position, Vec3(1, 2.1, 1.02)))
    #expect(Renderer.isLevel(c))
}
