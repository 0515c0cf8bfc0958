import Foundation
import Geometry

/// An ideal pinhole camera for drawing world geometry over an image.
///
/// Camera frame C (same convention as robot bodies): x forward along the optical axis, y left,
/// z up. Image: `u` right, `v` down, in pixels, with pixel (i, j) covering [i, i+1) x [j, j+1);
/// the principal point is the image centre (`width / 2`, `height / 2`). A point p_C projects to
/// `u = cx - fx * y / x`, `v = cy - fy * z / x`. Square pixels: `fy == fx`.
///
/// ```swift
/// let proj = PinholeProjection(horizontalFOV: radians(90), width: 960, height: 540)
/// let px = proj.project(world: Vec3(5, 0, 1), cameraPose: pose_WC)   // SIMD2<Double>?
/// ```
public struct PinholeProjection: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Focal lengths in pixels.
    public var fx: Double
    public var fy: Double
    /// Principal point in pixels.
    public var cx: Double
    public var cy: Double
    /// Points closer than this along the optical axis (metres) are not projected.
    public var near: Double

    /// A camera with horizontal field of view `horizontalFOV` (radians, 0 < fov < pi).
    public init(horizontalFOV: Double, width: Int, height: Int, near: Double = 0.05) {
        precondition(horizontalFOV > 0 && horizontalFOV < .pi && width > 0 && height > 0, "bad projection")
        self.width = width
        self.height = height
        fx = Double(width) / 2 / tan(horizontalFOV / 2)
        fy = fx
        cx = Double(width) / 2
        cy = Double(height) / 2
        self.near = near
    }

    /// The pixel of camera-frame point `p_C`, or nil when it lies closer than `near` (or
    /// behind). The pixel may lie outside the image.
    @inlinable public func project(camera p_C: Vec3) -> SIMD2<Double>? {
        guard p_C.x >= near else { return nil }
        return SIMD2(cx - fx * p_C.y / p_C.x, cy - fy * p_C.z / p_C.x)
    }

    /// The pixel of world point `p_W` seen from a camera at `cameraPose` (pose of C in W).
    @inlinable public func project(world p_W: Vec3, cameraPose: Pose) -> SIMD2<Double>? {
        project(camera: cameraPose.inverseTransform(p_W))
    }

    /// Projects a world polyline into 2D pieces: segments are clipped against the near plane,
    /// so a path passing behind the camera yields several pieces. Each piece has >= 2 points.
    public func projectPolyline(_ points_W: [Vec3], cameraPose: Pose) -> [[SIMD2<Double>]] {
        var pieces: [[SIMD2<Double>]] = []
        var current: [SIMD2<Double>] = []
        func flush() {
            if current.count >= 2 { pieces.append(current) }
            current = []
        }
        var prev: Vec3? = nil
        for p_W in points_W {
            let b = cameraPose.inverseTransform(p_W)
            defer { prev = b }
            guard let a = prev else {
                if let q = project(camera: b) { current.append(q) }
                continue
            }
            // clip segment a-b to x >= near
            let aIn = a.x >= near, bIn = b.x >= near
            if aIn && bIn {
                if current.isEmpty, let q = project(camera: a) { current.append(q) }
                if let q = project(camera: b) { current.append(q) }
            } else if aIn != bIn {
                let t = (near - a.x) / (b.x - a.x)
                var m = a + (b - a) * t
                m.x = near
                if aIn {
                    if current.isEmpty, let q = project(camera: a) { current.append(q) }
                    if let q = project(camera: m) { current.append(q) }
                    flush()
                } else {
                    flush()
                    if let q = project(camera: m) { current.append(q) }
                    if let q = project(camera: b) { current.append(q) }
                }
            } else {
                flush()
            }
        }
        flush()
        return pieces
    }

    /// Calls `body(a, b)` with the pixel end points of every segment of the world polyline
    /// `points_W` that lies (partly) in front of the near plane, clipped to it. Allocation-free.
    @inlinable public func forEachProjectedSegment(_ points_W: [Vec3], cameraPose: Pose,
                                                   _ body: (SIMD2<Double>, SIMD2<Double>) -> Void) {
        guard points_W.count >= 2 else { return }
        var a = cameraPose.inverseTransform(points_W[0])
        for i in 1..<points_W.count {
            let b = cameraPose.inverseTransform(points_W[i])
            defer { a = b }
            var p = a, q = b
            if p.x < near && q.x < near { continue }
            if p.x < near {
                p = p + (q - p) * ((near - p.x) / (q.x - p.x))
                p.x = near
            } else if q.x < near {
                q = p + (q - p) * ((near - p.x) / (q.x - p.x))
                q.x = near
            }
            if let u = project(camera: p), let v = project(camera: q) { body(u, v) }
        }
    }
}
