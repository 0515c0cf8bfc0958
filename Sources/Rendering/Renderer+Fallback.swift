import Foundation
import Geometry
import World

/// The camera rays of the fallback: pixel (i, j) looks along the camera-frame direction
/// `(1, yc(i), zc(j))`, `ax + ay yc + az zc` in the world frame, from `origin`.
struct FallbackRays {
    let origin: Vec3
    /// The camera axes in the world frame.
    let ax: Vec3
    let ay: Vec3
    let az: Vec3
    /// Focal length and principal point, pixels.
    let f: Double
    let cx: Double
    let cy: Double

    init(_ cam: CameraIntrinsics, _ pose: Pose, principalOffset: SIMD2<Double>) {
        origin = pose.position
        f = cam.focalPixels
        ax = pose.orientation.rotate(.unitX); ay = pose.orientation.rotate(.unitY); az = pose.orientation.rotate(.unitZ)
        // the principal point (exactly the image centre for a zero offset)
        cx = Double(cam.width) / 2 + principalOffset.x; cy = Double(cam.height) / 2 + principalOffset.y
    }

    @inline(__always) func yc(_ i: Int) -> Double { -(Double(i) + 0.5 - cx) / f }
    @inline(__always) func zc(_ j: Int) -> Double { -(Double(j) + 0.5 - cy) / f }

    /// The world direction (not normalised) for camera-frame (1, yc, zc), and the camera-frame
    /// direction's length (planar depth = ray distance / `len`).
    @inline(__always) func ray(_ yc: Double, _ zc: Double) -> (dw: Vec3, len: Double) {
        (ax + ay * yc + az * zc, Vec3(1, yc, zc).length)
    }
}

extension Renderer {
    // MARK: the fallback (zenith or nadir in view): one scene ray per pixel, gathered by tiles

    /// Tile size of the fallback, pixels: as wide as the viewer's column blocks (at most 64, the
    /// bits of a row mask).
    static let fallbackTileWidth = 32
    static let fallbackTileHeight = 16
    /// Most grid cells a tile's footprint may cover before its pixels are cast one by one.
    static let fallbackMaxCells = 1024

    /// Renders image columns `columns` of any camera with one exact scene ray per pixel (the
    /// fallback `render` takes when the zenith or nadir is in view) into whole-image buffers
    /// (each `nil` to skip; only those columns are written). `principalOffset` shifts the
    /// principal point from the image centre (pixels, u right, v down, as `PinholeProjection`'s
    /// `cx`, `cy`): pixel (i, j) sees the camera-frame direction
    /// `(1, -(i + 0.5 - W/2 - offset.x) / f, -(j + 0.5 - H/2 - offset.y) / f)`. With a zero offset
    /// every pixel equals the same pixel of `render`'s whole image bit for bit (a pixel's ray
    /// depends on its column and row only), so disjoint column ranges drawn on different threads,
    /// each with its own scratch, make up the image. Any pose, level or tilted.
    ///
    /// No sensor effects, as for `renderWindow`: the profile must have no noise and no
    /// vignetting, and there is no motion blur.
    public func renderFallbackWindow(camera: CameraIntrinsics, pose: Pose, principalOffset: SIMD2<Double> = .zero,
                                     columns: Range<Int>, depth: UnsafeMutablePointer<Float>?, gray: UnsafeMutablePointer<UInt8>?,
                                     rgb: UnsafeMutablePointer<UInt8>?, scratch: inout RenderScratch) {
        precondition(!hasImageEffects && (depth == nil || profile.depthNoise == 0),
                     "renderFallbackWindow needs a profile without sensor noise or vignetting")
        precondition(columns.lowerBound >= 0 && columns.upperBound <= camera.width, "columns outside the image")
        precondition(scratch.stamp.count >= scene.obstacles.count, "scratch was made for a smaller scene")
        withSink(camera, depth: depth, gray: gray, rgb: rgb, post: false, scratch: &scratch) { sink, scratch in
            renderGeneral(camera, pose, sink, scratch: &scratch, columns: columns, principalOffset: principalOffset)
        }
    }

    /// The fallback over `columns` (default: all) with the principal point shifted by
    /// `principalOffset` pixels (`renderFallbackWindow`), unchecked: every pixel equals
    /// `renderPerRay`'s bit for bit, found with less work. The image is cut into tiles of
    /// `fallbackTileWidth` x `fallbackTileHeight` pixels; the rays of a tile all descend or all
    /// climb (else its pixels are cast one by one), so they cross the height range of the
    /// obstacles (cut by the ground, which ends every descending ray) inside the convex hull of its
    /// corner rays' crossings of that range's bottom and top planes. The obstacles listed in the
    /// grid cells under that hull are the tile's candidates, each kept with the pixel rectangle its
    /// bounding box projects to and, per row, the columns whose rays cross the box (`rowSpan`;
    /// widened by a pixel; the whole tile when the box reaches behind the camera). A pixel then
    /// takes the ground and the candidates whose columns hold it, with `Scene.groundHit` and
    /// `Scene.considerObstacle`: the nearest hit, ties to the ground and then the lower index, as
    /// `Scene.raycast` finds it. A pixel no candidate covers sees the ground or the sky in closed
    /// form (with untextured ground and no depth wanted, bytes computed once).
    func renderGeneral(_ cam: CameraIntrinsics, _ pose: Pose, _ sink: PixelSink, scratch: inout RenderScratch,
                       columns: Range<Int>? = nil, principalOffset: SIMD2<Double> = .zero) {
        let columns = columns ?? 0..<cam.width
        let rays = FallbackRays(cam, pose, principalOffset: principalOffset)
        guard rays.origin.isFinite else {
            castPerRay(rays, sink, columns: columns, rows: 0..<cam.height)
            return
        }
        // the ground's bytes when every ground pixel has the same colour and only colour is wanted
        let groundM = scene.groundMaterial
        let flatGround = texCode[groundM] == 0 && sink.depth == nil && sink.radiance == nil && sink.wantColor
        let groundBytes = sink.quantized(shadeHit(obstacle: -1, material: groundM, point: .zero, normal: .unitZ))
        let seesGround = rays.origin.z > scene.groundHeight
        let TW = Renderer.fallbackTileWidth, TH = Renderer.fallbackTileHeight
        let tiles = ((columns.count + TW - 1) / TW) * ((cam.height + TH - 1) / TH)
        scratch.reserveEpochs(tiles)
        var epoch = scratch.epoch
        defer { scratch.epoch = epoch }
        scratch.stamp.withUnsafeMutableBufferPointer { stampBuf in
        scratch.cand.withUnsafeMutableBufferPointer { candBuf in
        scratch.fallbackRect.withUnsafeMutableBufferPointer { rectBuf in
        scratch.fallbackBox.withUnsafeMutableBufferPointer { boxBuf in
        scratch.fallbackSpan.withUnsafeMutableBufferPointer { spanBuf in
            let stamp = stampBuf.baseAddress!, cand = candBuf.baseAddress!, rect = rectBuf.baseAddress!
            let box = boxBuf.baseAddress!, span = spanBuf.baseAddress!
            for j0 in stride(from: 0, to: cam.height, by: TH) {
                let rows = j0..<min(j0 + TH, cam.height)
                for i0 in stride(from: columns.lowerBound, to: columns.upperBound, by: TW) {
                    let tile = i0..<min(i0 + TW, columns.upperBound)
                    epoch += 1
                    guard let (n, descending) = fallbackCandidates(rays, columns: tile, rows: rows, epoch: epoch,
                                                                   stamp: stamp, cand: cand, rect: rect, box: box) else {
                        castPerRay(rays, sink, columns: tile, rows: rows)
                        continue
                    }
                    let flat = flatGround && descending && seesGround
                    for j in rows {
                        let zc = rays.zc(j)
                        // each candidate's columns in this row (the pixels whose rays cross its box), and
                        // the row's pixels any candidate may cover (bit i - tile.lowerBound)
                        var covered: UInt64 = 0
                        for k in 0..<n {
                            span[k] = rowSpan(rays, rect[k], box[k], row: j, zc: zc)
                            let (c0, c1) = (Int(span[k].x), Int(span[k].y))
                            if c0 < c1 { covered |= (c1 - c0 == 64 ? ~0 : (1 << UInt64(c1 - c0)) - 1) << UInt64(c0 - tile.lowerBound) }
                        }
                        for i in tile {
                            let pix = j * cam.width + i
                            let isCovered = covered & (1 << UInt64(i - tile.lowerBound)) != 0
                            if !isCovered && flat {
                                sink.put(pix, depth: 0, quantized: groundBytes)
                                continue
                            }
                            let (dw, len) = rays.ray(rays.yc(i), zc)
                            // a zero or non-finite direction (a degenerate pose) sees nothing, as in `raycast`
                            guard let d = Scene.rayDirection(dw) else {
                                putRay(sink, pix, rays.origin, dw, len, nil)
                                continue
                            }
                            var best = scene.groundHit(origin: rays.origin, direction: d)
                            if isCovered {
                                var tBest = best?.distance ?? .infinity
                                let i32 = Int32(truncatingIfNeeded: i)
                                for k in 0..<n where span[k].x <= i32 && i32 < span[k].y {
                                    scene.considerObstacle(Int(cand[k]), origin: rays.origin, direction: d, tBest: &tBest, best: &best)
                                }
                            }
                            // a covered pixel whose candidates all missed sees the ground (the same bytes)
                            if flat && best?.obstacle == -1 {
                                sink.put(pix, depth: 0, quantized: groundBytes)
                                continue
                            }
                            putRay(sink, pix, rays.origin, dw, len, best)
                        }
                    }
                }
            }
        }
        }
        }
        }
        }
    }

    /// The columns of row `j` (with `zc = rays.zc(j)`) whose rays can meet a candidate: its
    /// rectangle's columns, narrowed when its box is in front of the camera to the pixels within
    /// a pixel of the box's cut by the row's plane of rays (empty: `x >= y`). The cut is the
    /// polygon where the plane crosses the box's edges; a ray of the row meeting the box meets it
    /// there, so its `yc` lies between the polygon's extreme `yc`. Corners within rounding of the
    /// plane count as on it, so a grazing row keeps them.
    @inline(__always)
    func rowSpan(_ rays: FallbackRays, _ r: FallbackRect, _ b: FallbackBox, row j: Int, zc: Double) -> SIMD2<Int32> {
        let j32 = Int32(truncatingIfNeeded: j)
        if j32 < r.j0 || j32 >= r.j1 { return .zero }
        if !b.inFront { return SIMD2(r.i0, r.i1) }
        // signed distances (scaled) of the corners to the row's plane: q . az - zc (q . ax)
        let dist = b.b - zc * b.a
        var lo = Double.infinity, hi = -Double.infinity
        for k in 0..<8 where abs(dist[k]) <= b.tolerance {
            let y = b.c[k] / b.a[k]
            lo = min(lo, y); hi = max(hi, y)
        }
        // the 12 edges: corners k and k | bit for each axis bit not set in k
        for axis in 0..<3 {
            let bit = 1 << axis
            for k in 0..<8 where k & bit == 0 {
                let l = k | bit
                let dk = dist[k], dl = dist[l]
                if (dk < 0 && dl > 0) || (dk > 0 && dl < 0) {
                    let t = dk / (dk - dl)
                    let y = (b.c[k] + t * (b.c[l] - b.c[k])) / (b.a[k] + t * (b.a[l] - b.a[k]))
                    lo = min(lo, y); hi = max(hi, y)
                }
            }
        }
        if !(lo <= hi) { return .zero }
        // pixel i's centre is at u = cx - f yc = i + 0.5; a pixel of margin
        let uMin = rays.cx - rays.f * hi, uMax = rays.cx - rays.f * lo
        let i0 = max(Double(r.i0), (uMin - 1.5).rounded(.up)), i1 = min(Double(r.i1), (uMax + 0.5).rounded(.down) + 1)
        return i0 < i1 ? SIMD2(Int32(i0), Int32(i1)) : .zero
    }

    /// The candidates of the tile `columns` x `rows` (see `renderGeneral`) into `cand` and their
    /// pixel rectangles into `rect`, and whether the tile's rays descend; nil when its pixels must be
    /// cast one by one (rays level or nearly so, or a footprint over too many cells).
    @inline(__always)
    func fallbackCandidates(_ rays: FallbackRays, columns: Range<Int>, rows: Range<Int>, epoch: UInt32,
                            stamp: UnsafeMutablePointer<UInt32>, cand: UnsafeMutablePointer<Int32>,
                            rect: UnsafeMutablePointer<FallbackRect>,
                            box: UnsafeMutablePointer<FallbackBox>) -> (count: Int, descending: Bool)? {
        let o = rays.origin, grid = scene.grid
        let yc0 = rays.yc(columns.lowerBound), yc1 = rays.yc(columns.upperBound - 1)
        let zc0 = rays.zc(rows.lowerBound), zc1 = rays.zc(rows.upperBound - 1)
        let corners = (rays.ray(yc0, zc0).dw, rays.ray(yc1, zc0).dw, rays.ray(yc0, zc1).dw, rays.ray(yc1, zc1).dw)
        // the rays' height is affine over the tile: its corners bound it. Every corner at least
        // 1e-3 rad from level keeps the footprint finite and its rounding far below the margin.
        func steep(_ d: Vec3, _ sign: Double) -> Bool { sign * d.z > 1e-3 * (d.x * d.x + d.y * d.y).squareRoot() }
        let descending: Bool
        if steep(corners.0, -1) && steep(corners.1, -1) && steep(corners.2, -1) && steep(corners.3, -1) {
            descending = true
        } else if steep(corners.0, 1) && steep(corners.1, 1) && steep(corners.2, 1) && steep(corners.3, 1) {
            descending = false
        } else {
            return nil
        }
        // the height range a ray can meet an obstacle in: as `raycast`, none from at or below every
        // bottom descending, or at or above every top climbing
        var zLo: Double, zHi: Double
        if descending {
            if o.z <= grid.minBottom { return (0, true) }
            zHi = min(o.z, grid.maxTop)
            zLo = o.z > scene.groundHeight ? max(grid.minBottom, scene.groundHeight) : grid.minBottom
        } else {
            if o.z >= grid.maxTop { return (0, false) }
            zLo = max(o.z, grid.minBottom)
            zHi = grid.maxTop
        }
        let margin = 1e-6
        zLo -= margin; zHi += margin
        if zLo > zHi { return (0, descending) }
        // the footprint: the corner rays' crossings of the range's bottom and top planes
        var lo = SIMD2(Double.infinity, .infinity), hi = -lo
        func crossings(_ d: Vec3) {
            let sLo = max(0, (zLo - o.z) / d.z), sHi = max(0, (zHi - o.z) / d.z)
            let pLo = SIMD2(o.x + d.x * sLo, o.y + d.y * sLo), pHi = SIMD2(o.x + d.x * sHi, o.y + d.y * sHi)
            lo = pointwiseMin(lo, pointwiseMin(pLo, pHi)); hi = pointwiseMax(hi, pointwiseMax(pLo, pHi))
        }
        crossings(corners.0); crossings(corners.1); crossings(corners.2); crossings(corners.3)
        lo -= margin; hi += margin
        // its grid cells (the grid holds every obstacle)
        func cell(_ v: Double, _ origin: Double, _ count: Int) -> Int {
            Int(max(0, min(Double(count - 1), ((v - origin) / grid.cellSize).rounded(.down))))
        }
        let c0 = cell(lo.x, grid.originX, grid.columns), c1 = cell(hi.x, grid.originX, grid.columns)
        let r0 = cell(lo.y, grid.originY, grid.rows), r1 = cell(hi.y, grid.originY, grid.rows)
        if (c1 - c0 + 1) * (r1 - r0 + 1) > Renderer.fallbackMaxCells { return nil }
        var n = 0
        let whole = FallbackRect(columns: columns, rows: rows)
        for r in r0...r1 {
            for c in c0...c1 {
                let cellIndex = r * grid.columns + c
                for k in Int(grid.cellStart[cellIndex])..<Int(grid.cellStart[cellIndex + 1]) {
                    let idx = Int(grid.items[k])
                    if stamp[idx] == epoch { continue }
                    stamp[idx] = epoch
                    let bMin = boundsMin[idx], bMax = boundsMax[idx]
                    if bMax.z < zLo || bMin.z > zHi || bMax.x < lo.x || bMin.x > hi.x || bMax.y < lo.y || bMin.y > hi.y { continue }
                    let b = FallbackBox(rays, bMin, bMax)
                    guard let r = projectedRect(rays, b, within: whole) else { continue }
                    cand[n] = Int32(idx)
                    rect[n] = r
                    box[n] = b
                    n += 1
                }
            }
        }
        return (n, descending)
    }

    /// The pixels of `within` whose centres lie within a pixel of the projection of the box `b`
    /// (nil: none); all of `within` when the box reaches within 1 mm of the camera plane or
    /// behind it. A ray meeting the box meets it in front of the camera, where the projection of
    /// the box is the convex hull of its corners' projections.
    @inline(__always)
    func projectedRect(_ rays: FallbackRays, _ b: FallbackBox, within: FallbackRect) -> FallbackRect? {
        if !b.inFront { return within }
        let u = rays.cx - rays.f * b.c / b.a, v = rays.cy - rays.f * b.b / b.a
        // pixel i's centre is at u = i + 0.5
        let i0 = max(Double(within.i0), (u.min() - 1.5).rounded(.up)), i1 = min(Double(within.i1), (u.max() + 0.5).rounded(.down) + 1)
        let j0 = max(Double(within.j0), (v.min() - 1.5).rounded(.up)), j1 = min(Double(within.j1), (v.max() + 0.5).rounded(.down) + 1)
        if !(i0 < i1 && j0 < j1) { return nil }
        return FallbackRect(i0: Int32(i0), i1: Int32(i1), j0: Int32(j0), j1: Int32(j1))
    }

    /// The reference fallback: every pixel of `columns` (default: all) through `Scene.raycast`
    /// (a 2D grid walk per ray). `renderGeneral` gives the same bytes; the tests compare them.
    func renderPerRay(_ cam: CameraIntrinsics, _ pose: Pose, _ sink: PixelSink, columns: Range<Int>? = nil,
                      principalOffset: SIMD2<Double> = .zero) {
        castPerRay(FallbackRays(cam, pose, principalOffset: principalOffset), sink, columns: columns ?? 0..<cam.width,
                   rows: 0..<cam.height)
    }

    /// Casts every pixel of `columns` x `rows` through `Scene.raycast`.
    func castPerRay(_ rays: FallbackRays, _ sink: PixelSink, columns: Range<Int>, rows: Range<Int>) {
        for j in rows {
            let zc = rays.zc(j)
            for i in columns {
                let (dw, len) = rays.ray(rays.yc(i), zc)
                putRay(sink, j * sink.width + i, rays.origin, dw, len, scene.raycast(from: rays.origin, direction: dw))
            }
        }
    }

    /// Puts the pixel `pix` whose ray from `o` along `dw` (camera-frame length `len`) hit `hit`
    /// (nil: the sky).
    @inline(__always)
    func putRay(_ sink: PixelSink, _ pix: Int, _ o: Vec3, _ dw: Vec3, _ len: Double, _ hit: RayHit?) {
        guard let hit else {
            if sink.wantColor { sink.put(pix, depth: .infinity, color: sky(Float(dw.z / len))) } else { sink.put(pix, depth: .infinity, color: .zero) }
            return
        }
        let depth = Float(hit.distance / len)
        if !sink.wantColor { sink.put(pix, depth: depth, color: .zero); return }
        let p = o + dw * (hit.distance / len)
        sink.put(pix, depth: depth, color: shadeHit(obstacle: hit.obstacle, material: hit.material, point: p, normal: hit.normal))
    }
}

/// Pixel columns `i0..<i1` and rows `j0..<j1` (a fallback tile, or the part of it a candidate covers).
struct FallbackRect: Sendable {
    var i0: Int32 = 0
    var i1: Int32 = 0
    var j0: Int32 = 0
    var j1: Int32 = 0

    init(i0: Int32, i1: Int32, j0: Int32, j1: Int32) {
        self.i0 = i0; self.i1 = i1; self.j0 = j0; self.j1 = j1
    }

    init(columns: Range<Int>, rows: Range<Int>) {
        self.init(i0: Int32(columns.lowerBound), i1: Int32(columns.upperBound), j0: Int32(rows.lowerBound), j1: Int32(rows.upperBound))
    }

    init() {}

    @inline(__always) func covers(_ i: Int, _ j: Int) -> Bool {
        Int32(truncatingIfNeeded: i) >= i0 && Int32(truncatingIfNeeded: i) < i1 && Int32(truncatingIfNeeded: j) >= j0
            && Int32(truncatingIfNeeded: j) < j1
    }
}

/// An obstacle's bounding box seen from a fallback camera: its 8 corners (corner k takes the
/// maximum x, y, z where bit 0, 1, 2 of k is set) relative to the camera, in camera-frame
/// coordinates: depth `a` (along the optical axis), `c` (along the image's -u) and `b` (-v).
struct FallbackBox: Sendable {
    var a = SIMD8<Double>()
    var b = SIMD8<Double>()
    var c = SIMD8<Double>()
    /// Whether every corner is at least 1 mm in front of the camera.
    var inFront = false
    /// Distances to a row's plane (`b - zc a`) within this count as zero.
    var tolerance = 0.0

    init() {}

    init(_ rays: FallbackRays, _ bMin: Vec3, _ bMax: Vec3) {
        for k in 0..<8 {
            let q = Vec3(k & 1 == 0 ? bMin.x : bMax.x, k & 2 == 0 ? bMin.y : bMax.y, k & 4 == 0 ? bMin.z : bMax.z) - rays.origin
            a[k] = q.dot(rays.ax); b[k] = q.dot(rays.az); c[k] = q.dot(rays.ay)
        }
        inFront = a.min() > 1e-3
        tolerance = 1e-9 * (1 + max(a.max(), b.max(), -b.min()))
    }
}
