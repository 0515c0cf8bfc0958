import Diagnostics
import Foundation
import Geometry

/// Pinhole intrinsics: resolution, horizontal field of view, depth range.
///
/// Optical convention (same axes as the robot body frame): the camera looks along its own +x,
/// +y is image left, +z is image up. Pixel (column i, row j), row 0 at the top, sees the
/// camera-frame direction `(1, -(i + 0.5 - W/2) / f, -(j + 0.5 - H/2) / f)` with focal length
/// `f = (W/2) / tan(fov/2)` pixels (square pixels). A level forward camera on a level robot
/// therefore needs only its mount offset, no rotation.
public struct CameraIntrinsics: Sendable, Equatable, Hashable {
    public var width: Int
    public var height: Int
    /// Horizontal field of view, degrees (0 < fov < 180).
    public var fovDegrees: Double
    /// Depth saturates here (metres): misses and farther surfaces read `maxRange`.
    public var maxRange: Double

    public init(width: Int, height: Int, fovDegrees: Double = 90, maxRange: Double = 20) {
        precondition(width > 0 && height > 0 && fovDegrees > 0 && fovDegrees < 180 && maxRange > 0)
        self.width = width
        self.height = height
        self.fovDegrees = fovDegrees
        self.maxRange = maxRange
    }

    /// Focal length in pixels.
    public var focalPixels: Double { Double(width) / 2 / tan(radians(fovDegrees) / 2) }
    public var pixelCount: Int { width * height }

    /// Camera-frame ray direction (x = 1) through the centre of pixel (column, row).
    @inlinable public func direction(column i: Int, row j: Int) -> Vec3 {
        let f = focalPixels
        return Vec3(1, -(Double(i) + 0.5 - Double(width) / 2) / f, -(Double(j) + 0.5 - Double(height) / 2) / f)
    }

    /// Parses `WxH[@FOV][:RANGE]`, e.g. `64x64`, `128x96@90`, `72x96@60:15` (FOV in degrees,
    /// horizontal; RANGE in metres). Defaults: 90 degrees, 20 m.
    public static func parse(_ spec: String, source: String = "--camera") throws -> CameraIntrinsics {
        var rest = Substring(spec)
        var range = 20.0, fov = 90.0
        if let c = rest.firstIndex(of: ":") {
            guard let r = Double(rest[rest.index(after: c)...]), r > 0, r.isFinite else {
                throw InputError(source, "bad range in camera spec \"\(spec)\" (expected WxH[@FOV][:RANGE], e.g. 64x64@90:20)")
            }
            range = r
            rest = rest[..<c]
        }
        if let a = rest.firstIndex(of: "@") {
            let f = rest[rest.index(after: a)...].replacingOccurrences(of: "deg", with: "")
            guard let v = Double(f), v > 0, v < 180 else {
                throw InputError(source, "bad field of view in camera spec \"\(spec)\" (degrees, 0 < fov < 180)")
            }
            fov = v
            rest = rest[..<a]
        }
        let wh = rest.split(separator: "x")
        guard wh.count == 2, let w = Int(wh[0]), let h = Int(wh[1]), w > 0, h > 0, w <= 8192, h <= 8192 else {
            throw InputError(source, "bad resolution in camera spec \"\(spec)\" (expected WxH[@FOV][:RANGE], e.g. 64x64@90)")
        }
        return CameraIntrinsics(width: w, height: h, fovDegrees: fov, maxRange: range)
    }
}

/// A camera on a robot: intrinsics, mount pose in the body frame, frame rate and latency.
public struct Camera: Sendable, Equatable, Hashable {
    public var intrinsics: CameraIntrinsics
    /// Camera pose in the robot body frame (`pose_BC`).
    public var mount: Pose
    /// Frames per second (Hz).
    public var frameRate: Double
    /// Seconds between the exposure and the image being available to the policy.
    public var latency: Double

    public init(intrinsics: CameraIntrinsics, mount: Pose = .identity, frameRate: Double = 30, latency: Double = 0) {
        self.intrinsics = intrinsics
        self.mount = mount
        self.frameRate = frameRate
        self.latency = latency
    }

    /// The camera's world pose for a robot at `body` (`pose_WC = pose_WB * pose_BC`).
    public func worldPose(body: Pose) -> Pose { body * mount }

    /// The Generalization-through-Simulation camera: 72x96 (W x H), 60 degrees, 4 Hz.
    public static let gts = Camera(intrinsics: CameraIntrinsics(width: 72, height: 96, fovDegrees: 60, maxRange: 20), frameRate: 4)
}
