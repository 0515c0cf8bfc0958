import Foundation
import Geometry
import World

/// One solid piece of a moving body: a `World.Shape` in the **body frame** (m; boxes turn by
/// their yaw about body z, cylinders stand along body z) and its colour.
public struct BodyPart: Sendable, Equatable {
    public var shape: Shape
    /// Linear RGB albedo in [0, 1], lit by the renderer's profile like the scene's materials.
    public var albedo: SIMD3<Double>

    public init(_ shape: Shape, albedo: SIMD3<Double>) {
        self.shape = shape
        self.albedo = albedo
    }
}

/// The shape of a moving body (a vehicle) for the renderer: a few boxes, cylinders or spheres in
/// the body frame, intersected exactly with the scene's own ray tests (`Shape.intersect`).
/// Drawn over the static scene by `Renderer.render(..., bodies:)`.
///
/// ```swift
/// let quad = BodyShape.quadrotor(rotors: params.rotorPositions, propRadius: params.propRadius, height: 0.025)
/// let other = RenderBody(pose: pose_WB, shape: quad)
/// ```
public struct BodyShape: Sendable, Equatable {
    public let parts: [BodyPart]
    /// Radius of a sphere about the body origin that holds every part, m.
    public let boundingRadius: Double
    /// cos and sin of each part's yaw (boxes; (1, 0) otherwise) and its Float albedo.
    let trig: [SIMD2<Double>]
    let albedo: [SIMD3<Float>]
    /// Eight corners per part (body frame) whose convex hull holds it: a box's own corners, the
    /// bounds of a cylinder or sphere. Part k's are `hull[8k ..< 8k + 8]`.
    let hull: [Vec3]

    /// A shape of the given parts (at least one).
    public init(parts: [BodyPart]) {
        precondition(!parts.isEmpty, "a body shape needs at least one part")
        self.parts = parts
        trig = parts.map { p in
            if case .box(let b) = p.shape { return SIMD2(cos(b.yaw), sin(b.yaw)) }
            return SIMD2(1, 0)
        }
        albedo = parts.map { SIMD3(Float($0.albedo.x), Float($0.albedo.y), Float($0.albedo.z)) }
        hull = parts.flatMap { p -> [Vec3] in
            (0..<8).map { c in
                let sx: Double = c & 1 == 0 ? -1 : 1, sy: Double = c & 2 == 0 ? -1 : 1, sz: Double = c & 4 == 0 ? -1 : 1
                if case .box(let b) = p.shape { return b.center + b.toWorldDirection(b.halfExtents * Vec3(sx, sy, sz)) }
                let (lo, hi) = p.shape.bounds
                return Vec3(sx < 0 ? lo.x : hi.x, sy < 0 ? lo.y : hi.y, sz < 0 ? lo.z : hi.z)
            }
        }
        // the farthest corner of any part's bounds
        var r2 = 0.0
        for p in parts {
            let (lo, hi) = p.shape.bounds
            let far = Vec3(max(abs(lo.x), abs(hi.x)), max(abs(lo.y), abs(hi.y)), max(abs(lo.z), abs(hi.z)))
            r2 = max(r2, far.lengthSquared)
        }
        boundingRadius = r2.squareRoot()
    }

    /// Dark gray of a vehicle's frame and arms.
    public static let frameAlbedo = SIMD3<Double>(0.12, 0.12, 0.14)
    /// Light gray of spinning propellers (drawn as solid discs).
    public static let rotorAlbedo = SIMD3<Double>(0.7, 0.7, 0.72)

    /// One box of full size `size` (m) centred on the body origin, along the body axes.
    public static func box(size: Vec3, albedo: SIMD3<Double> = BodyShape.frameAlbedo) -> BodyShape {
        BodyShape(parts: [BodyPart(.box(Box(center: .zero, halfExtents: size * 0.5)), albedo: albedo)])
    }

    /// A quadrotor `height` m tall (the robot's collision height) whose middle is at `center`
    /// (body frame): a hub box a third of the arm length wide, one arm box from the hub centre to
    /// each rotor (the frame fills the lower two thirds of the height) and a rotor disc of
    /// `propRadius` over each of `rotors` (body frame x, y; the top sixth of the height).
    public static func quadrotor(rotors: [Vec3], propRadius: Double, height: Double, center: Vec3 = .zero) -> BodyShape {
        precondition(!rotors.isEmpty && propRadius > 0 && height > 0)
        let arm = rotors.map { ($0.x * $0.x + $0.y * $0.y).squareRoot() }.max()!
        let hub = max(arm / 3, 1e-3), armWidth = max(arm / 8, 1e-3)
        let frameZ = center.z - height / 6, frameHalf = height / 3
        var parts = [BodyPart(.box(Box(center: Vec3(center.x, center.y, frameZ), halfExtents: Vec3(hub, hub, frameHalf))),
                              albedo: frameAlbedo)]
        for r in rotors {
            let length = (r.x * r.x + r.y * r.y).squareRoot()
            guard length > 1e-9 else { continue }
            parts.append(BodyPart(.box(Box(center: Vec3(center.x + r.x / 2, center.y + r.y / 2, frameZ),
                                           halfExtents: Vec3(length / 2, armWidth / 2, frameHalf / 2), yaw: atan2(r.y, r.x))),
                                  albedo: frameAlbedo))
        }
        for r in rotors {
            parts.append(BodyPart(.cylinder(Cylinder(x: center.x + r.x, y: center.y + r.y, radius: propRadius,
                                                     zMin: center.z + height / 3, zMax: center.z + height / 2)),
                                  albedo: rotorAlbedo))
        }
        return BodyShape(parts: parts)
    }
}

/// A moving body to draw in a frame: its world pose (`pose_WB`) and shape.
public struct RenderBody: Sendable, Equatable {
    public var pose: Pose
    public var shape: BodyShape

    public init(pose: Pose, shape: BodyShape) {
        self.pose = pose
        self.shape = shape
    }
}
