import Foundation
import Geometry
import Physics
import Rendering
import Runtime
import World

/// Camera images with the privileged outcome of K action primitives (METHODS.md 4,
/// docs/ocs.md): each sample is a level camera frame from the quadrotor at a free pose, and
/// `collisions[i][k]` = 1 if primitive k (yaw rate `yawRates[k]` held for the horizon at the
/// GtS forward speed and altitude) touches an obstacle or leaves the bounds in the true world.
public struct OCSDataset: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// K.
    public var actions: Int
    /// Gray images `[count][height][width]`, row 0 at the top.
    public var images: [UInt8] = []
    /// Planar depth `[count][height][width]`, metres (fog needs it).
    public var depth: [Float] = []
    /// `[count][K]`, 1 = the primitive collides.
    public var collisions: [Float] = []
    /// Where each sample was taken: world index (into the generating list), x, y (m), yaw (rad).
    public var poses: [OCSPose] = []

    public init(width: Int, height: Int, actions: Int) {
        self.width = width
        self.height = height
        self.actions = actions
    }

    public var count: Int { poses.count }
    public var pixels: Int { width * height }

    /// Whether primitive `k` of sample `i` is collision-free.
    @inlinable public func isSafe(_ i: Int, _ k: Int) -> Bool { collisions[i * actions + k] < 0.5 }

    /// Fraction of samples on which each primitive collides.
    public var collisionRates: [Double] {
        guard count > 0 else { return [Double](repeating: 0, count: actions) }
        return (0..<actions).map { k in Double((0..<count).filter { !isSafe($0, k) }.count) / Double(count) }
    }

    /// Appends every sample of `other` (same image size and K).
    public mutating func append(_ other: OCSDataset) {
        precondition(other.width == width && other.height == height && other.actions == actions)
        images += other.images
        depth += other.depth
        collisions += other.collisions
        poses += other.poses
    }

    /// The same samples with other images (a corrupted copy; labels and poses unchanged).
    public func replacingImages(_ newImages: [UInt8]) -> OCSDataset {
        precondition(newImages.count == images.count)
        var d = self
        d.images = newImages
        return d
    }
}
