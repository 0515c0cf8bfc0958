/// A rigid transform: `position` and `orientation` of a child frame in a parent frame.
///
/// `pose_WB.transform(p_B)` maps a point from body to world coordinates.
public struct Pose: Sendable, Equatable, Hashable {
    public var position: Vec3
    public var orientation: Quaternion

    @inlinable public init(position: Vec3 = .zero, orientation: Quaternion = .identity) {
        self.position = position
        self.orientation = orientation
    }

    public static let identity = Pose()

    /// Maps a point in the child frame into the parent frame.
    @inlinable public func transform(_ p: Vec3) -> Vec3 { position + orientation.rotate(p) }

    /// Maps a point in the parent frame into the child frame.
    @inlinable public func inverseTransform(_ p: Vec3) -> Vec3 { orientation.inverseRotate(p - position) }

    /// Composition: `(pose_WA * pose_AB)` is `pose_WB`.
    @inlinable public static func * (a: Pose, b: Pose) -> Pose {
        Pose(position: a.transform(b.position), orientation: (a.orientation * b.orientation).normalized)
    }

    /// The inverse transform.
    @inlinable public var inverse: Pose {
        let qi = orientation.conjugate
        return Pose(position: -qi.rotate(position), orientation: qi)
    }
}
