import Foundation
import Geometry
import World

extension Renderer {
    /// Tilted cameras: obstacles binned by the azimuth interval they cover as seen from the
    /// camera. Each image column spans an azimuth interval (its arc is monotonic in azimuth
    /// unless it passes the zenith or nadir, which falls back to per-ray grid casting); the
    /// column's candidates are the obstacles overlapping it, in order of horizontal distance
    /// (sorted once per frame), and every pixel tests them exactly (the arithmetic of
    /// `Shape.intersect`, with the per-frame terms hoisted), stopping once the next candidate is
    /// farther than its best hit or than where the ray climbs above the tallest obstacle. Before
    /// the exact test a pixel skips candidates whose height range its ray cannot meet within their
    /// horizontal reach, and those whose azimuth wedge it misses. Returns false (nothing written)
    /// when the view needs the per-ray fallback.
    func renderTilted(_ cam: CameraIntrinsics, _ pose: Pose, _ sink: PixelSink, scratch: inout RenderScratch) -> Bool {
        guard prepareTilted(cam, pose, setup: &scratch.tiltedSetup) else { return false }
        // a second reference to the set-up's arrays (no copy: the columns only read them)
        let setup = scratch.tiltedSetup
        renderTiltedColumns(cam, pose, 0..<cam.width, setup: setup, sink, scratch: &scratch)
        return true
    }

    /// Prepares a tilted camera's frame in `setup` for `renderTiltedWindow`: each column's
    /// azimuth interval and the obstacles in view, sorted by distance (the per-frame work of the
    /// tilted path, done once and then shared read-only by every column block). Returns false
    /// when the view needs the per-ray fallback (the zenith or nadir in or near the image): then
    /// `render` or `renderFallbackWindow` draws it. `principalOffset` shifts the principal point
    /// from the image centre (pixels, u right, v down, as `renderFallbackWindow`); the columns
    /// drawn from this set-up take it from the set-up.
    public func prepareTilted(camera: CameraIntrinsics, pose: Pose, principalOffset: SIMD2<Double> = .zero,
                              setup: inout TiltedSetup) -> Bool {
        precondition(!Renderer.isLevel(pose), "prepareTilted needs a tilted camera (level ones take renderWindow)")
        precondition(camera.width <= setup.colLo.count, "set-up too narrow for this camera")
        precondition(setup.tilted.count >= scene.obstacles.count, "set-up was made for a smaller scene")
        return prepareTilted(camera, pose, principalOffset: principalOffset, setup: &setup)
    }

    /// Renders image columns `columns` of a tilted camera prepared in `setup` (by `prepareTilted`,
    /// same camera and pose; its principal offset too) into whole-image buffers (each `nil` to skip; only those columns are
    /// written). Every pixel equals the same pixel of `render`'s whole image bit for bit: a
    /// column's rays, candidates and order depend only on the column and the shared set-up. So
    /// disjoint column ranges drawn on different threads, each with its own scratch and the one
    /// set-up, make up the image.
    ///
    /// No sensor effects, as for `renderWindow`: the profile must have no noise and no
    /// vignetting, and there is no motion blur.
    public func renderTiltedWindow(camera: CameraIntrinsics, pose: Pose, columns: Range<Int>, setup: TiltedSetup,
                                   depth: UnsafeMutablePointer<Float>?, gray: UnsafeMutablePointer<UInt8>?,
                                   rgb: UnsafeMutablePointer<UInt8>?, scratch: inout RenderScratch) {
        precondition(!hasImageEffects && (depth == nil || profile.depthNoise == 0),
                     "renderTiltedWindow needs a profile without sensor noise or vignetting")
        precondition(setup.prepared.map { $0.width == camera.width && $0.height == camera.height
                                          && $0.focal == camera.focalPixels && $0.pose == pose } ?? false,
                     "set-up not prepared for this camera and pose")
        precondition(columns.lowerBound >= 0 && columns.upperBound <= camera.width, "columns outside the image")
        precondition(camera.height <= scratch.height && scratch.cand.count >= scene.obstacles.count,
                     "scratch too small for this camera or scene")
        withSink(camera, depth: depth, gray: gray, rgb: rgb, post: false, scratch: &scratch) { sink, scratch in
            renderTiltedColumns(camera, pose, columns, setup: setup, sink, scratch: &scratch)
        }
    }

    /// `prepareTilted`'s work, unchecked.
    func prepareTilted(_ cam: CameraIntrinsics, _ pose: Pose, principalOffset: SIMD2<Double> = .zero,
                       setup: inout TiltedSetup) -> Bool {
        setup.prepared = nil
        let W = cam.width, H = cam.height
        let f = cam.focalPixels
        // the principal point (exactly the image centre for a zero offset)
        let cx = Double(W) / 2 + principalOffset.x, cy = Double(H) / 2 + principalOffset.y
        let ax = pose.orientation.rotate(.unitX), ay = pose.orientation.rotate(.unitY), az = pose.orientation.rotate(.unitZ)
        // the zenith or nadir in (or near) view: azimuth bins break down
        for q in 0..<2 {
            let up: Double = q == 0 ? 1 : -1
            let dx = ax.z * up, dy = ay.z * up, dz = az.z * up   // camera-frame coordinates of (0, 0, up)
            if dx > 1e-6 {
                let i = cx - dy / dx * f, j = cy - dz / dx * f
                if i > -2 && i < Double(W) + 2 && j > -2 && j < Double(H) + 2 { return false }
            }
        }
        let yaw0 = atan2(ax.y, ax.x)
        func azimuth(_ d: Vec3) -> Double { Renderer.wrapSmall(atan2(d.y, d.x) - yaw0) }
        func dir(_ i: Int, _ j: Int) -> Vec3 {
            ax + ay * (-(Double(i) + 0.5 - cx) / f) + az * (-(Double(j) + 0.5 - cy) / f)
        }
        // per-column azimuth intervals and the whole image's
        var imgLo = Double.infinity, imgHi = -Double.infinity
        for i in 0..<W {
            let a = azimuth(dir(i, 0)), b = azimuth(dir(i, H - 1))
            if abs(a - b) > .pi / 2 { return false }
            setup.colLo[i] = min(a, b) - 1e-9
            setup.colHi[i] = max(a, b) + 1e-9
            imgLo = min(imgLo, setup.colLo[i]); imgHi = max(imgHi, setup.colHi[i])
        }
        setup.count = collectTilted(pose.position, yaw0: yaw0, imgLo: imgLo, imgHi: imgHi, setup: &setup)
        setup.prepared = (W, H, f, pose, principalOffset)
        return true
    }

    /// Shades columns `columns` of a tilted frame prepared in `setup`: per column its candidates
    /// (the frame's order filtered by the column's interval), their exact tests over the rows
    /// each can cover, then the column's pixels (with the principal offset it was prepared for).
    /// Uses only `scratch`'s per-column buffers.
    func renderTiltedColumns(_ cam: CameraIntrinsics, _ pose: Pose, _ columns: Range<Int>, setup: TiltedSetup, _ sink: PixelSink,
                             scratch: inout RenderScratch) {
        let W = cam.width, H = cam.height
        let offset = setup.prepared?.principalOffset ?? .zero
        let cx = Double(W) / 2 + offset.x, cy = Double(H) / 2 + offset.y
        let o = pose.position
        let f = cam.focalPixels
        let ax = pose.orientation.rotate(.unitX), ay = pose.orientation.rotate(.unitY), az = pose.orientation.rotate(.unitZ)
        let nVisible = setup.count
        let groundRel = scene.groundHeight - o.z
        let topRel = scene.grid.maxTop - o.z
        let groundMaterial = scene.groundMaterial
        // the untextured ground has one colour; the sky gradient's ends
        let groundPlain = texCode[groundMaterial] == 0
        let groundColor = shade(groundMaterial, 0, 0, light(SIMD3<Float>(0, 0, 1)))
        let groundQuantized = groundPlain && sink.radiance == nil
        let groundBytes = sink.quantized(groundColor)
        let skyH = SIMD3<Float>(Float(profile.skyHorizon.x), Float(profile.skyHorizon.y), Float(profile.skyHorizon.z))
        let skyZ = SIMD3<Float>(Float(profile.skyZenith.x), Float(profile.skyZenith.y), Float(profile.skyZenith.z))
        // the camera-frame vertical directions of the top and bottom rows
        let centre = cy - 0.5
        let zcTop = centre / f, zcBottom = -(Double(H) - 0.5 - cy) / f
        setup.tilted.withUnsafeBufferPointer { obsB in
        setup.order.withUnsafeBufferPointer { orderB in
        scratch.cand.withUnsafeMutableBufferPointer { candB in
        setup.colLo.withUnsafeBufferPointer { colLoB in
        setup.colHi.withUnsafeBufferPointer { colHiB in
        scratch.tiltedRows.withUnsafeMutableBufferPointer { rowB in
        scratch.tiltedRowLimit.withUnsafeMutableBufferPointer { rowLimitB in
        scratch.tiltedZc.withUnsafeMutableBufferPointer { zcB in
        setup.sortedLo.withUnsafeBufferPointer { sortedLoB in
        setup.sortedHi.withUnsafeBufferPointer { sortedHiB in
        obstacleMaterial.withUnsafeBufferPointer { omB in
            let obs = obsB.baseAddress!, order = orderB.baseAddress!, cand = candB.baseAddress!, om = omB.baseAddress!
            let rows = rowB.baseAddress!, rowLimit = rowLimitB.baseAddress!, zcs = zcB.baseAddress!
            let sortedLo = sortedLoB.baseAddress!, sortedHi = sortedHiB.baseAddress!
            // camera-frame vertical direction of each row (x = 1)
            for j in 0..<H { zcs[j] = -(Double(j) + 0.5 - cy) / f }
            for i in columns {
                // candidates of this column, nearest first (the frame's order filtered)
                let cLo = colLoB[i], cHi = colHiB[i]
                var n = 0
                var r = 0
                while r + 4 <= nVisible {
                    let hi4 = UnsafeRawPointer(sortedHi + r).loadUnaligned(as: SIMD4<Double>.self)
                    let lo4 = UnsafeRawPointer(sortedLo + r).loadUnaligned(as: SIMD4<Double>.self)
                    let m = (hi4 .>= cLo) .& (lo4 .<= cHi)
                    if any(m) {
                        for l in 0..<4 where m[l] { cand[n] = order[r + l]; n += 1 }
                    }
                    r += 4
                }
                while r < nVisible {
                    if sortedHi[r] >= cLo && sortedLo[r] <= cHi { cand[n] = order[r]; n += 1 }
                    r += 1
                }
                let yc = -(Double(i) + 0.5 - cx) / f
                let colDir = ax + ay * yc
                // each row's ray, its ground hit and its reach: candidates with near * d.z > reachZ lie
                // beyond where the ray climbs above the tallest obstacle (a margin keeps it conservative)
                for j in 0..<H {
                    let zc = zcs[j]
                    let d = colDir + az * zc
                    let a = d.x * d.x + d.y * d.y
                    var row = TiltedRow(d: d, a: a, dxy: a.squareRoot())
                    if d.z < 0 && groundRel < 0 { row.best = groundRel / d.z; row.hit = -1 }
                    if d.z > 0 {
                        row.reachZ = topRel * row.dxy + 1e-6 * d.z
                        row.reachH = row.reachZ / d.z * (1 + 1e-12) + 1e-9
                    }
                    rows[j] = row
                    rowLimit[j] = row.horizontalLimit
                }
                var limit = Renderer.maximum(rowLimit, H)
                // candidates front to back, each over the rows its azimuth wedge can cover; a row skips
                // candidates beyond its best hit or reach (it would have stopped there), those whose height
                // range its ray misses over their distance range, and those outside their wedge
                for c in 0..<n {
                    let v = Int(cand[c])
                    let p = obs + v
                    let near = p.pointee.near
                    if near > limit { break }
                    let w = p.pointee.wedge
                    // rows where both wedge edge tests can pass: each is linear in the row's zc
                    var zLo = zcBottom, zHi = zcTop
                    if w != .zero {
                        @inline(__always) func restrict(_ e0: Double, _ e1: Double) {
                            if abs(e1) < 1e-9 {
                                if e0 < -1e-6 { zHi = -.infinity }
                            } else if e1 > 0 {
                                zLo = max(zLo, -e0 / e1 - 2 / f)
                            } else {
                                zHi = min(zHi, -e0 / e1 + 2 / f)
                            }
                        }
                        restrict(w.x * colDir.y - w.y * colDir.x, w.x * az.y - w.y * az.x)
                        restrict(colDir.x * w.w - colDir.y * w.z, az.x * w.w - az.y * w.z)
                        if zLo > zHi { continue }
                    }
                    let jLo = max(0, Int((centre - zHi * f).rounded(.down)) - 1)
                    let jHi = min(H - 1, Int((centre - zLo * f).rounded(.up)) + 1)
                    if jLo > jHi { continue }
                    let far = p.pointee.far
                    let zTop = p.pointee.zHi + 1e-6, zBottom = p.pointee.zLo - 1e-6
                    let kind = p.pointee.kind
                    var touched = false
                    for j in jLo...jHi {
                        let r = rows + j
                        let d = r.pointee.d, dxy = r.pointee.dxy
                        if near > r.pointee.best * dxy || near * d.z > r.pointee.reachZ { continue }
                        // the ray's height over the footprint's distance range (z = h d.z / dxy for horizontal
                        // distance h in [near, far]) misses the obstacle's height range
                        if dxy > 1e-9 {
                            let za = near * d.z, zb = far * d.z
                            if min(za, zb) > zTop * dxy || max(za, zb) < zBottom * dxy { continue }
                        }
                        // outside the obstacle's azimuth wedge: cannot hit it (all-zero wedge: no test)
                        if w.x * d.y - w.y * d.x < 0 || d.x * w.w - d.y * w.z < 0 { continue }
                        switch kind {
                        case 0:
                            if let h = p.pointee.intersectBox(d, r.pointee.best) {
                                r.pointee.best = h.t; r.pointee.hit = Int32(v); r.pointee.aux = Int32(h.axis); r.pointee.sign = h.sign
                                rowLimit[j] = r.pointee.horizontalLimit
                                touched = true
                            }
                        case 1:
                            if let h = p.pointee.intersectCylinder(d, r.pointee.a, r.pointee.best) {
                                r.pointee.best = h.t; r.pointee.hit = Int32(v); r.pointee.aux = h.side ? 1 : 0
                                rowLimit[j] = r.pointee.horizontalLimit
                                touched = true
                            }
                        default:
                            if let t = p.pointee.intersectSphere(d, d.lengthSquared, r.pointee.best) {
                                r.pointee.best = t; r.pointee.hit = Int32(v)
                                rowLimit[j] = r.pointee.horizontalLimit
                                touched = true
                            }
                        }
                    }
                    if touched {
                        limit = Renderer.maximum(rowLimit, H)
                    }
                }
                // shade the column
                for j in 0..<H {
                    let r = rows[j]
                    let d = r.d, best = r.best
                    let pix = j * W + i
                    // planar depth: the camera-frame direction has x = 1, so depth = t
                    if r.hit == -2 {
                        if sink.wantColor {
                            let e = Float(d.z / d.length)
                            sink.put(pix, depth: .infinity, color: skyH + (skyZ - skyH) * max(0, min(1, e)))
                        } else {
                            sink.put(pix, depth: .infinity, color: .zero)
                        }
                    } else if !sink.wantColor {
                        sink.put(pix, depth: Float(best), color: .zero)
                    } else if r.hit == -1 {
                        if groundQuantized {
                            sink.put(pix, depth: Float(best), quantized: groundBytes)
                        } else {
                            sink.put(pix, depth: Float(best), color: groundPlain ? groundColor
                                     : shadeHit(obstacle: -1, material: groundMaterial, point: o + d * best, normal: Vec3(0, 0, 1)))
                        }
                    } else {
                        let ob = obs + Int(r.hit)
                        let normal: Vec3
                        switch ob.pointee.kind {
                        case 0: normal = ob.pointee.boxNormal(axis: Int(r.aux), sign: r.sign)
                        case 1: normal = ob.pointee.cylinderNormal(d, best, side: r.aux == 1)
                        default: normal = ob.pointee.sphereNormal(d, best)
                        }
                        let k = Int(ob.pointee.index)
                        sink.put(pix, depth: Float(best), color: shadeHit(obstacle: k, material: Int(om[k]), point: o + d * best, normal: normal))
                    }
                }
            }
        }}}}}}}}}}}
    }

    /// `wrapAngle` for |a| < 4 pi (differences of two atan2 values), bit for bit, without the
    /// remainder call it needs only for larger angles (fmod returns such an `a` unchanged).
    @inline(__always) static func wrapSmall(_ a: Double) -> Double {
        if !(abs(a) < 2 * .pi) { return wrapAngle(a) }
        var r = a
        if r > .pi { r -= 2 * .pi } else if r <= -.pi { r += 2 * .pi }
        return r
    }

    /// Fills `setup.tilted` with every obstacle whose azimuth interval (relative to `yaw0`)
    /// meets [imgLo, imgHi], and `setup.order` with their indices sorted by nearest horizontal
    /// distance (ties in obstacle order). Returns their number.
    func collectTilted(_ o: Vec3, yaw0: Double, imgLo: Double, imgHi: Double, setup: inout TiltedSetup) -> Int {
        var nVisible = 0
        let trig = scene.yawTrig
        // the image's azimuth edges as world directions: an obstacle whose bounding circle lies wholly
        // outside either edge's half-plane cannot be in view (only when the image spans less than pi)
        let halfPlanes = imgHi - imgLo < .pi - 1e-3
        let eLo = SIMD2(cos(imgLo + yaw0), sin(imgLo + yaw0)), eHi = SIMD2(cos(imgHi + yaw0), sin(imgHi + yaw0))
        @inline(__always) func outside(_ dx: Double, _ dy: Double, _ r: Double) -> Bool {
            let m = -r * (1 + 1e-9) - 1e-9
            return halfPlanes && (eLo.x * dy - eLo.y * dx < m || dx * eHi.y - dy * eHi.x < m)
        }
        // the azimuth wedge of an interval as its two edge directions (world, any length), each
        // turned 1e-7 rad outwards so that rounding never cuts a visible obstacle
        @inline(__always) func widened(_ lo: SIMD2<Double>, _ hi: SIMD2<Double>) -> SIMD4<Double> {
            let e = 1e-7
            return SIMD4(lo.x + e * lo.y, lo.y - e * lo.x, hi.x - e * hi.y, hi.y + e * hi.x)
        }
        // a circle of radius r at (dx, dy), distance d > r: its two tangent directions from the camera
        // (the centre direction turned by -+asin(r/d), scaled by d; cos = sqrt((d - r)(d + r)) / d)
        @inline(__always) func tangents(_ dx: Double, _ dy: Double, _ d: Double, _ r: Double) -> SIMD4<Double> {
            let c = ((d - r) * (d + r)).squareRoot()
            return widened(SIMD2(dx * c + dy * r, -dx * r + dy * c), SIMD2(dx * c - dy * r, dx * r + dy * c))
        }
        for (k, ob) in scene.obstacles.enumerated() {
            var lo = -Double.pi, hi = Double.pi, dist = 0.0, far = 0.0
            var wedge = SIMD4<Double>.zero
            switch ob.shape {
            case .cylinder(let c):
                let dx = c.x - o.x, dy = c.y - o.y
                if outside(dx, dy, c.radius) { continue }
                let d = (dx * dx + dy * dy).squareRoot()
                if d > c.radius {
                    let half = asin(c.radius / d), mid = Renderer.wrapSmall(atan2(dy, dx) - yaw0)
                    if abs(mid) + half < .pi { lo = mid - half; hi = mid + half; wedge = tangents(dx, dy, d, c.radius) }
                    dist = d - c.radius
                }
                far = d + c.radius
            case .sphere(let s):
                let dx = s.center.x - o.x, dy = s.center.y - o.y
                if outside(dx, dy, s.radius) { continue }
                let d = (dx * dx + dy * dy).squareRoot()
                if d > s.radius {
                    let half = asin(s.radius / d), mid = Renderer.wrapSmall(atan2(dy, dx) - yaw0)
                    if abs(mid) + half < .pi { lo = mid - half; hi = mid + half; wedge = tangents(dx, dy, d, s.radius) }
                    dist = d - s.radius
                }
                far = d + s.radius
            case .box(let b):
                let t = trig[k]
                let dx = o.x - b.center.x, dy = o.y - b.center.y
                if outside(-dx, -dy, (b.halfExtents.x * b.halfExtents.x + b.halfExtents.y * b.halfExtents.y).squareRoot()) { continue }
                let lx = t.x * dx + t.y * dy, ly = -t.y * dx + t.x * dy
                let qx = max(abs(lx) - b.halfExtents.x, 0), qy = max(abs(ly) - b.halfExtents.y, 0)
                dist = (qx * qx + qy * qy).squareRoot()
                let fx = abs(lx) + b.halfExtents.x, fy = abs(ly) + b.halfExtents.y
                far = (fx * fx + fy * fy).squareRoot()
                if dist > 0 {
                    var a0 = Double.infinity, a1 = -Double.infinity
                    var e0 = SIMD2<Double>.zero, e1 = SIMD2<Double>.zero
                    for corner in 0..<4 {
                        let cx = (corner & 1 == 0 ? 1 : -1) * b.halfExtents.x, cy = (corner & 2 == 0 ? 1 : -1) * b.halfExtents.y
                        let wx = b.center.x + t.x * cx - t.y * cy - o.x, wy = b.center.y + t.y * cx + t.x * cy - o.y
                        let a = Renderer.wrapSmall(atan2(wy, wx) - yaw0)
                        if a < a0 { a0 = a; e0 = SIMD2(wx, wy) }
                        if a > a1 { a1 = a; e1 = SIMD2(wx, wy) }
                    }
                    if a1 - a0 < .pi { lo = a0; hi = a1; wedge = widened(e0, e1) }
                }
            }
            if hi < imgLo || lo > imgHi { continue }
            var tob = TiltedObstacle(shape: ob.shape, index: k, trig: trig[k], camera: o)
            // a sphere around the camera can never be hit (Shape.intersect requires the origin outside)
            if tob.kind == 2 && !(tob.p3 > 0) { continue }
            tob.lo = lo; tob.hi = hi; tob.near = dist; tob.far = far
            tob.wedge = wedge
            setup.tilted[nVisible] = tob
            nVisible += 1
        }
        // nearest first, ties in obstacle order (insertion sort: stable, allocation-free)
        setup.tilted.withUnsafeBufferPointer { obsB in
            setup.order.withUnsafeMutableBufferPointer { orderB in
                let obs = obsB.baseAddress!, order = orderB.baseAddress!
                for v in 0..<nVisible {
                    let key = obs[v].near
                    var b = v - 1
                    while b >= 0 && obs[Int(order[b])].near > key { order[b + 1] = order[b]; b -= 1 }
                    order[b + 1] = Int32(v)
                }
                // their azimuth intervals in that order, contiguous for the per-column filter
                for r in 0..<nVisible {
                    setup.sortedLo[r] = obs[Int(order[r])].lo
                    setup.sortedHi[r] = obs[Int(order[r])].hi
                }
            }
        }
        return nVisible
    }
}
