import Foundation
import Geometry

/// The camera the main 3D view is drawn from: its pose in the world (camera frame x forward,
/// y left, z up, as `PinholeProjection`) and its horizontal field of view in radians.
public struct ViewCamera: Sendable, Equatable {
    public var pose: Pose
    public var horizontalFOV: Double
    /// Shift of the principal point from the image centre, pixels (u right, v down). Non-zero
    /// for a level camera standing in for a pitched one (`ViewerApp.adjustCamera`).
    public var principalOffset: SIMD2<Double>

    public init(pose: Pose, horizontalFOV: Double = 80 * .pi / 180, principalOffset: SIMD2<Double> = .zero) {
        self.pose = pose
        self.horizontalFOV = horizontalFOV
        self.principalOffset = principalOffset
    }

    /// The projection for an image of `width` x `height` pixels.
    public func projection(width: Int, height: Int) -> PinholeProjection {
        var p = PinholeProjection(horizontalFOV: horizontalFOV, width: width, height: height)
        p.cx += principalOffset.x
        p.cy += principalOffset.y
        return p
    }

    /// A camera orientation looking from `eye` at `target` with world z up and no roll.
    /// Looking straight up or down picks yaw 0.
    public static func lookAt(eye: Vec3, target: Vec3) -> Quaternion {
        let d = target - eye
        let horizontal = (d.x * d.x + d.y * d.y).squareRoot()
        let yaw = horizontal > 1e-9 ? atan2(d.y, d.x) : 0
        // positive pitch about body y (left) tilts the forward axis down
        let pitch = atan2(-d.z, horizontal)
        return Quaternion(roll: 0, pitch: pitch, yaw: yaw)
    }
}
