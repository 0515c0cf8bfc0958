import Foundation
import Geometry
import World
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// A ray-casting renderer for one scene and appearance profile: depth, gray and RGB images.
///
/// Level cameras (camera z axis = world z; any yaw) take the fast path: one 2D grid walk per
/// image column collects the obstacles crossing that column's vertical plane, then every pixel
/// of the column intersects only those, in Float32, nearest first. Tilted cameras take the
/// azimuth-binned path (`renderTilted`: per column, candidates in distance order, each tested
/// exactly over the rows its azimuth wedge covers); views with the zenith or nadir in sight cast
/// one exact ray per pixel against the obstacles gathered per screen tile (`renderGeneral`, the
/// same hits as `Scene.raycast`). All paths share shading and texture coordinates.
///
/// ```swift
/// let renderer = Renderer(scene: scene, profile: .sim)
/// var scratch = RenderScratch(renderer: renderer, camera: cam)
/// var rng = RNG(seed: 1)
/// renderer.render(camera: cam, pose: pose_WC, rng: &rng, depth: d, gray: g, rgb: nil, scratch: &scratch)
/// ```
public struct Renderer: Sendable {
    public let scene: Scene
    public let profile: AppearanceProfile
    // packed material data (Float32)
    let albedo: [SIMD3<Float>]
    let texCode: [Int32]
    let invScale: [Float]
    /// Gray value (luma) of each material's albedo.
    let albedoLuma: [Float]
    let obstacleMaterial: [Int32]
    /// cos and sin of each obstacle's yaw (boxes; (1, 0) otherwise).
    let yawTrig: [SIMD2<Double>]
    /// Each obstacle's axis-aligned bounds (world frame, metres).
    let boundsMin: [Vec3]
    let boundsMax: [Vec3]
    let sun: SIMD3<Float>
    let sunI: Float
    let ambient: Float

    public init(scene: Scene, profile: AppearanceProfile) {
        self.scene = scene
        self.profile = profile
        albedo = scene.materials.map { SIMD3(Float($0.albedo.x), Float($0.albedo.y), Float($0.albedo.z)) }
        texCode = scene.materials.map { profile.textures ? $0.texture.code : 0 }
        invScale = scene.materials.map { Float(1 / $0.scale) }
        albedoLuma = albedo.map { Renderer.luma($0) }
        obstacleMaterial = scene.obstacles.map { Int32($0.material) }
        yawTrig = scene.obstacles.map { o in
            if case .box(let b) = o.shape { return SIMD2(cos(b.yaw), sin(b.yaw)) }
            return SIMD2(1, 0)
        }
        boundsMin = scene.obstacles.map { $0.shape.bounds.min }
        boundsMax = scene.obstacles.map { $0.shape.bounds.max }
        let s = profile.sunDirection
        sun = SIMD3(Float(s.x), Float(s.y), Float(s.z))
        sunI = Float(profile.sunIntensity)
        ambient = Float(profile.ambient)
    }

    /// Light factor for a unit normal.
    @inline(__always) func light(_ n: SIMD3<Float>) -> Float {
        ambient + sunI * max(0, (n * sun).sum())
    }

    /// Shaded colour of material `m` at texture coordinates (u, v) metres, with light `l`.
    @inline(__always) func shade(_ m: Int, _ u: Float, _ v: Float, _ l: Float) -> SIMD3<Float> {
        let code = texCode[m]
        if code == 0 { return albedo[m] * l }
        let k = invScale[m]
        return albedo[m] * (l * ProceduralTexture.value(code, u * k, v * k))
    }

    /// Sky colour for a ray with elevation sine `e`.
    @inline(__always) func sky(_ e: Float) -> SIMD3<Float> {
        let t = max(0, min(1, e))
        let h = SIMD3<Float>(Float(profile.skyHorizon.x), Float(profile.skyHorizon.y), Float(profile.skyHorizon.z))
        let z = SIMD3<Float>(Float(profile.skyZenith.x), Float(profile.skyZenith.y), Float(profile.skyZenith.z))
        return h + (z - h) * t
    }

    /// Whether `pose_WC` is level (camera z axis along world z) so the column path applies.
    public static func isLevel(_ pose: Pose) -> Bool {
        pose.orientation.rotate(.unitZ).z > 1 - 1e-12
    }

    /// Renders one frame of `camera` at camera pose `pose` (world frame, optical convention of
    /// `CameraIntrinsics`) into the given buffers (each `nil` to skip): depth `W*H` Float32
    /// metres, gray `W*H` bytes, rgb `3*W*H` bytes. `angularRate` (camera frame, rad/s) drives
    /// motion blur in profiles with a shutter time; `rng` supplies sensor noise (advanced only
    /// when the profile has noise). Allocates nothing (with bodies: only the first time a frame
    /// needs more body scratch than before).
    ///
    /// `bodies` are moving bodies drawn into the frame with the scene (e.g. the other vehicles of
    /// a swarm at the frame's instant), all but the one at index `ignoring` (the camera's own
    /// vehicle; -1: none). They are drawn before the sensor effects, so lighting, exposure,
    /// vignetting, blur and noise apply to them too. With no bodies the output is the scene's alone.
    public func render(camera: CameraIntrinsics, pose: Pose, angularRate: Vec3 = .zero, rng: inout RNG,
                       depth: UnsafeMutablePointer<Float>?, gray: UnsafeMutablePointer<UInt8>?,
                       rgb: UnsafeMutablePointer<UInt8>?, scratch: inout RenderScratch,
                       bodies: [RenderBody] = [], ignoring: Int = -1) {
        precondition(camera.width <= scratch.width && camera.height <= scratch.height, "scratch too small for this camera")
        precondition(scratch.stamp.count >= scene.obstacles.count, "scratch was made for a smaller scene")
        guard Renderer.drawsBodies(bodies, ignoring: ignoring) else {
            renderImages(camera, pose, angularRate, &rng, depth: depth, gray: gray, rgb: rgb, scratch: &scratch, bodies: [], ignoring: -1)
            return
        }
        if depth != nil {
            renderImages(camera, pose, angularRate, &rng, depth: depth, gray: gray, rgb: rgb, scratch: &scratch, bodies: bodies, ignoring: ignoring)
            return
        }
        // bodies need the scene's depth even when the caller wants none: a scratch buffer, no depth noise
        var sceneDepth = scratch.bodyDepth
        scratch.bodyDepth = []
        if sceneDepth.count < camera.pixelCount { sceneDepth = [Float](repeating: 0, count: camera.pixelCount) }
        sceneDepth.withUnsafeMutableBufferPointer { d in
            renderImages(camera, pose, angularRate, &rng, depth: d.baseAddress, noisyDepth: false, gray: gray, rgb: rgb,
                        scratch: &scratch, bodies: bodies, ignoring: ignoring)
        }
        scratch.bodyDepth = sceneDepth
    }

    /// Renders a window of a level camera's image: image rows `rows` and columns `columns`,
    /// into buffers `camera.width` wide and `rows.count` tall (each `nil` to skip; their row 0
    /// is image row `rows.lowerBound`; only the window's columns are written). Every pixel equals
    /// the same pixel of `render`'s whole image bit for bit. Two uses: a camera whose principal
    /// point is shifted vertically is the window of a taller level image (the viewer's chase
    /// camera looking down), and disjoint column ranges rendered on different threads (each with
    /// its own scratch) make up one image.
    ///
    /// `principalOffset` shifts the principal point from the image centre (pixels, u right,
    /// v down, as `PinholeProjection`'s `cx`, `cy`): pixel (i, j) then sees the camera-frame
    /// direction `(1, -(i + 0.5 - W/2 - offset.x) / f, -(j + 0.5 - H/2 - offset.y) / f)`. An
    /// integer vertical offset `-k` gives the same pixels as rows `2k..<2k + H` of the image `2k`
    /// rows taller (tested); zero leaves every pixel unchanged.
    ///
    /// Level poses only, and no sensor effects: the profile must have no noise and no
    /// vignetting (they work on whole images and draw from an RNG), and there is no motion blur
    /// (no angular rate).
    public func renderWindow(camera: CameraIntrinsics, pose: Pose, principalOffset: SIMD2<Double> = .zero,
                             rows: Range<Int>, columns: Range<Int>,
                             depth: UnsafeMutablePointer<Float>?, gray: UnsafeMutablePointer<UInt8>?,
                             rgb: UnsafeMutablePointer<UInt8>?, scratch: inout RenderScratch) {
        precondition(Renderer.isLevel(pose), "renderWindow needs a level camera")
        precondition(!hasImageEffects && (depth == nil || profile.depthNoise == 0),
                     "renderWindow needs a profile without sensor noise or vignetting")
        precondition(rows.lowerBound >= 0 && rows.upperBound <= camera.height && columns.lowerBound >= 0
                     && columns.upperBound <= camera.width, "window outside the image")
        precondition(camera.width <= scratch.width && rows.count <= scratch.height, "scratch too small for this window")
        precondition(scratch.stamp.count >= scene.obstacles.count, "scratch was made for a smaller scene")
        renderLevel(camera, pose, depth: depth, gray: gray, rgb: rgb, post: false, scratch: &scratch, rows: rows, columns: columns,
                    principalOffset: principalOffset)
    }

    /// Whether the profile changes whole images after shading (noise or vignetting), so a
    /// colour frame needs `postProcess` even without motion blur.
    public var hasImageEffects: Bool {
        profile.gaussianNoise > 0 || profile.shotNoise > 0 || profile.vignetting > 0
    }

    /// `render`'s work: the scene, the bodies over it (when given: then `depth` is set), the
    /// sensor effects and depth noise (on `depth` when `noisyDepth`).
    private func renderImages(_ camera: CameraIntrinsics, _ pose: Pose, _ angularRate: Vec3, _ rng: inout RNG,
                             depth: UnsafeMutablePointer<Float>?, noisyDepth: Bool = true, gray: UnsafeMutablePointer<UInt8>?,
                             rgb: UnsafeMutablePointer<UInt8>?, scratch: inout RenderScratch, bodies: [RenderBody], ignoring: Int) {
        let wantColor = gray != nil || rgb != nil
        let blur = profile.shutterTime * camera.focalPixels
        let blurX = abs(angularRate.z) * blur, blurY = abs(angularRate.y) * blur
        let post = wantColor && (hasImageEffects || blurX >= 1 || blurY >= 1)
        if Renderer.isLevel(pose) {
            renderLevel(camera, pose, depth: depth, gray: gray, rgb: rgb, post: post, scratch: &scratch)
        } else {
            withSink(camera, depth: depth, gray: gray, rgb: rgb, post: post, scratch: &scratch) { sink, scratch in
                if !renderTilted(camera, pose, sink, scratch: &scratch) { renderGeneral(camera, pose, sink, scratch: &scratch) }
            }
        }
        if !bodies.isEmpty, let depth {
            withSink(camera, depth: depth, gray: gray, rgb: rgb, post: post, scratch: &scratch) { sink, scratch in
                overlayBodies(camera, pose, bodies, ignoring: ignoring, depth: depth, sink: sink, scratch: &scratch)
            }
        }
        if post {
            postProcess(camera, blurX: blurX, blurY: blurY, rng: &rng, gray: gray, rgb: rgb, scratch: &scratch)
        }
        if noisyDepth, let depth, profile.depthNoise > 0 {
            let sigma = profile.depthNoise, maxR = Float(camera.maxRange)
            for k in 0..<camera.pixelCount where depth[k] < maxR {
                depth[k] = min(maxR, max(0, depth[k] * Float(1 + sigma * rng.normal())))
            }
        }
    }

    /// Runs `body` with a sink into the given buffers, or (when `post`) into the scratch's
    /// radiance buffer for the post-process; depth always into `depth`.
    @inline(__always)
    func withSink(_ camera: CameraIntrinsics, depth: UnsafeMutablePointer<Float>?, gray: UnsafeMutablePointer<UInt8>?,
                  rgb: UnsafeMutablePointer<UInt8>?, post: Bool, scratch: inout RenderScratch,
                  _ body: (PixelSink, inout RenderScratch) -> Void) {
        var radiance = scratch.radiance
        scratch.radiance = []
        radiance.withUnsafeMutableBufferPointer { rad in
            let sink = PixelSink(width: camera.width, depth: depth, gray: post ? nil : gray, rgb: post ? nil : rgb,
                                 radiance: post ? rad.baseAddress! : nil, exposure: Float(profile.exposure),
                                 maxRange: Float(camera.maxRange), wantColor: gray != nil || rgb != nil)
            body(sink, &scratch)
        }
        scratch.radiance = radiance
    }

    /// Where finished pixels go.
    struct PixelSink {
        let width: Int
        let depth: UnsafeMutablePointer<Float>?
        let gray: UnsafeMutablePointer<UInt8>?
        let rgb: UnsafeMutablePointer<UInt8>?
        let radiance: UnsafeMutablePointer<Float>?
        let exposure: Float
        let maxRange: Float
        let wantColor: Bool

        /// The bytes `put` would write for colour `c` (gray, r, g, b); meaningful when `radiance` is nil.
        @inline(__always) func quantized(_ c: SIMD3<Float>) -> SIMD4<UInt8> {
            let e = c * exposure
            return SIMD4(Renderer.quantize(Renderer.luma(e)), Renderer.quantize(e.x),
                         Renderer.quantize(e.y), Renderer.quantize(e.z))
        }

        /// `put` of a colour already quantized by `quantized` (only when `radiance` is nil).
        @inline(__always) func put(_ k: Int, depth d: Float, quantized q: SIMD4<UInt8>) {
            depth?[k] = min(d, maxRange)
            gray?[k] = q.x
            if let rgb { rgb[3 * k] = q.y; rgb[3 * k + 1] = q.z; rgb[3 * k + 2] = q.w }
        }

        @inline(__always) func put(_ k: Int, depth d: Float, color c: SIMD3<Float>) {
            depth?[k] = min(d, maxRange)
            if let radiance {
                radiance[3 * k] = c.x; radiance[3 * k + 1] = c.y; radiance[3 * k + 2] = c.z
                return
            }
            let e = c * exposure
            if let gray { gray[k] = Renderer.quantize(Renderer.luma(e)) }
            if let rgb {
                rgb[3 * k] = Renderer.quantize(e.x); rgb[3 * k + 1] = Renderer.quantize(e.y); rgb[3 * k + 2] = Renderer.quantize(e.z)
            }
        }
    }

    /// Rec. 601 luma of a linear RGB colour.
    @inline(__always) static func luma(_ c: SIMD3<Float>) -> Float { 0.299 * c.x + 0.587 * c.y + 0.114 * c.z }

    /// 0...255 (already scaled) -> byte, rounded, clamped.
    @inline(__always) static func quantize255(_ v: Float) -> UInt8 {
        let r = v + 0.5
        return byte(r > 0 ? (r < 255 ? r : 255) : 0)
    }

    /// [0, 1] -> 0...255, rounded, clamped.
    @inline(__always) static func quantize(_ v: Float) -> UInt8 {
        byte(max(0, min(255, v * 255 + 0.5)))
    }

    /// `UInt8(v)` (truncation) for a `v` already clamped to 0...255. The checked conversion
    /// costs three compares and branches per channel (NaN, infinity, range) that the clamp makes
    /// dead but the optimiser does not remove: 30% of the colour shading loop in `fly`'s profile.
    /// On x86-64 this is one `cvttss2si`, which truncates exactly as the checked conversion.
    @inline(__always) static func byte(_ v: Float) -> UInt8 {
        #if arch(x86_64)
        UInt8(truncatingIfNeeded: _mm_cvtt_ss2si(_mm_set_ss(v)))
        #else
        UInt8(v)
        #endif
    }

    /// Texture coordinates on a sphere: (x, y) where the surface faces up or down, else (x + y, z).
    @inline(__always) static func sphereUV(_ p: SIMD3<Float>, _ n: SIMD3<Float>) -> (Float, Float) {
        abs(n.z) > 0.5 ? (p.x, p.y) : (p.x + p.y, p.z)
    }

    /// The span of one obstacle in the column plane through `o` with unit horizontal direction (ux, uy).
    @inline(__always)
    func columnSpan(_ shape: Shape, material: Int32, trig: SIMD2<Double>, textured: Bool, _ o: Vec3, _ ux: Double, _ uy: Double) -> Span? {
        var sp = Span()
        sp.material = material
        switch shape {
        case .cylinder(let c):
            let px = o.x - c.x, py = o.y - c.y
            let hb = px * ux + py * uy
            let cc = px * px + py * py - c.radius * c.radius
            // the horizontal direction (ux, uy) is a unit vector: a = 1
            guard let (t1, t2) = Shape.stableRoots(a: 1, hb: hb, c: cc), t2 >= 0 else { return nil }
            sp.hIn = Float(t1); sp.hOut = Float(t2)
            sp.zMinRel = Float(c.zMin - o.z); sp.zMaxRel = Float(c.zMax - o.z)
            if t1 >= 0 {
                let nx = (px + ux * t1) / c.radius, ny = (py + uy * t1) / c.radius
                sp.light = light(SIMD3(Float(nx), Float(ny), 0))
                if textured { sp.texU = Float(atan2(ny, nx) * c.radius) }
            }
            return sp
        case .box(let b):
            let cyaw = trig.x, syaw = trig.y
            let dx = o.x - b.center.x, dy = o.y - b.center.y
            let lx = cyaw * dx + syaw * dy, ly = -syaw * dx + cyaw * dy
            let dlx = cyaw * ux + syaw * uy, dly = -syaw * ux + cyaw * uy
            var tNear = -Double.infinity, tFar = Double.infinity
            var axis = 0
            var sign = 1.0
            if dlx != 0 {
                let inv = 1 / dlx
                var a = (-b.halfExtents.x - lx) * inv, bb = (b.halfExtents.x - lx) * inv
                var sg = -1.0
                if a > bb { swap(&a, &bb); sg = 1 }
                tNear = a; tFar = bb; axis = 0; sign = sg
            } else if abs(lx) > b.halfExtents.x { return nil }
            if dly != 0 {
                let inv = 1 / dly
                var a = (-b.halfExtents.y - ly) * inv, bb = (b.halfExtents.y - ly) * inv
                var sg = -1.0
                if a > bb { swap(&a, &bb); sg = 1 }
                if a > tNear { tNear = a; axis = 1; sign = sg }
                tFar = min(tFar, bb)
            } else if abs(ly) > b.halfExtents.y { return nil }
            if tNear > tFar || tFar < 0 { return nil }
            sp.hIn = Float(tNear); sp.hOut = Float(tFar)
            sp.zMinRel = Float(b.center.z - b.halfExtents.z - o.z); sp.zMaxRel = Float(b.center.z + b.halfExtents.z - o.z)
            if tNear >= 0 {
                let lnx = axis == 0 ? sign : 0, lny = axis == 1 ? sign : 0
                let nx = cyaw * lnx - syaw * lny, ny = syaw * lnx + cyaw * lny
                sp.light = light(SIMD3(Float(nx), Float(ny), 0))
                let px = o.x + ux * tNear, py = o.y + uy * tNear
                sp.texU = Float(-ny * px + nx * py)
            }
            return sp
        case .sphere(let s):
            let rx = s.center.x - o.x, ry = s.center.y - o.y
            let hc = rx * ux + ry * uy
            let e = rx * uy - ry * ux
            if abs(e) >= s.radius { return nil }
            let rp = (s.radius * s.radius - e * e).squareRoot()
            if hc + rp < 0 { return nil }
            sp.kind = 1
            sp.hIn = Float(hc - rp); sp.hOut = Float(hc + rp)
            sp.hc = Float(hc); sp.zc = Float(s.center.z - o.z); sp.rp = Float(rp); sp.radius = Float(s.radius)
            sp.cx = Float(rx); sp.cy = Float(ry)
            return sp
        }
    }

    /// Colour of a surface hit: obstacle index (-1 ground), material, world point and normal.
    @inline(__always)
    func shadeHit(obstacle: Int, material: Int, point p: Vec3, normal: Vec3) -> SIMD3<Float> {
        let n = SIMD3(Float(normal.x), Float(normal.y), Float(normal.z))
        let fp = SIMD3(Float(p.x), Float(p.y), Float(p.z))
        var u = fp.x, v = fp.y
        if obstacle >= 0 && texCode[material] != 0 {
            switch scene.obstacles[obstacle].shape {
            case .sphere: (u, v) = Renderer.sphereUV(fp, n)
            case .cylinder(let c) where abs(n.z) < 0.5:
                u = Float(atan2(normal.y, normal.x) * c.radius); v = fp.z
            case .box where abs(n.z) < 0.5:
                u = Float(-normal.y * p.x + normal.x * p.y); v = fp.z
            default: break
            }
        }
        return shade(material, u, v, light(n))
    }
}
