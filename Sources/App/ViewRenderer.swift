import Foundation
import Geometry
import Rendering
import Viewer
import World

/// Draws the viewer's main 3D view with the Rendering module's ray caster.
///
/// The renderer's fast path needs a level camera (no roll, no pitch). The viewer's chase and
/// orbit cameras look slightly down, so a camera with |pitch| up to `maxShiftPitch` is drawn as
/// a *level camera with a shifted principal point* (the perspective-control lens of
/// architecture photography): a level image `2k` rows taller is rendered and the `height` rows
/// whose centre looks `pitch` below the horizon are kept, `k = f tan(pitch)`. Verticals stay
/// vertical; near the image centre it equals the pitched view, towards the corners it differs by
/// the keystone a real pitched camera would show. Steeper cameras (orbit from high up) take the
/// renderer's exact tilted path, which is several times slower.
///
/// A class holding scratch memory so the `@Sendable` render closure of `MainView.render` can
/// reuse it; it is used from the viewer's thread only.
public final class ViewRenderer: @unchecked Sendable {
    public let renderer: Renderer
    public let width: Int
    public let height: Int
    /// Largest |pitch| (radians) drawn through the level path.
    public let maxShiftPitch: Double
    /// Depth at which rays count as sky (metres).
    public let maxRange: Double
    private var scratch: RenderScratch
    private var tall: [UInt8]
    private var rng = RNG(seed: 0)
    /// Frames drawn through the level (shifted) path and the tilted path.
    public private(set) var levelFrames = 0
    public private(set) var tiltedFrames = 0

    public init(scene: Scene, profile: AppearanceProfile = .sim, width: Int = 960, height: Int = 540,
                maxShiftPitch: Double = 0.45, maxRange: Double = 60) {
        renderer = Renderer(scene: scene, profile: profile)
        self.width = width
        self.height = height
        self.maxShiftPitch = maxShiftPitch
        self.maxRange = maxRange
        // the tallest image the shifted path renders
        let f = Double(width) / 2 / tan(radians(80) / 2)
        let kMax = Int((f * tan(maxShiftPitch)).rounded(.up)) + 1
        scratch = RenderScratch(renderer: renderer, camera: CameraIntrinsics(width: width, height: height + 2 * kMax,
                                                                             fovDegrees: 80, maxRange: maxRange))
        tall = [UInt8](repeating: 0, count: 3 * width * (height + 2 * kMax))
    }

    /// The level camera with a shifted principal point that stands in for `camera` when it has no
    /// roll and |pitch| <= `maxShiftPitch` (otherwise `camera` unchanged). Give it to
    /// `ViewerApp.adjustCamera` so the overlays are projected exactly as the view is rendered.
    public func levelled(_ camera: ViewCamera) -> ViewCamera {
        let forward = camera.pose.orientation.rotate(.unitX)
        let horizontal = (forward.x * forward.x + forward.y * forward.y).squareRoot()
        let pitch = atan2(-forward.z, horizontal)
        let left = camera.pose.orientation.rotate(.unitY)
        guard abs(left.z) <= 1e-9, abs(pitch) <= maxShiftPitch, horizontal > 0 else { return camera }
        let f = Double(width) / 2 / tan(camera.horizontalFOV / 2)
        let k = (f * tan(abs(pitch))).rounded()
        let level = Pose(position: camera.pose.position,
                         orientation: Quaternion(roll: 0, pitch: 0, yaw: atan2(forward.y, forward.x)))
        // looking down puts the horizon above the centre
        return ViewCamera(pose: level, horizontalFOV: camera.horizontalFOV,
                          principalOffset: SIMD2(camera.principalOffset.x, camera.principalOffset.y - (pitch > 0 ? k : -k)))
    }

    /// Renders `camera` into `image` (resized to width x height when it differs). A level camera
    /// with a vertical principal-point offset takes the level path on a taller image; a pitched
    /// camera is levelled first (`levelled`); anything else takes the tilted path.
    public func render(_ camera: ViewCamera, into image: inout RGBImage) {
        if image.width != width || image.height != height {
            image = RGBImage(width: width, height: height, pixels: [UInt8](repeating: 0, count: 3 * width * height))
        }
        let cam = Renderer.isLevel(camera.pose) ? camera : levelled(camera)
        let fov = degrees(cam.horizontalFOV)
        let shift = Int(cam.principalOffset.y.rounded())
        let k = abs(shift)
        let tallCapacity = tall.count / (3 * width)
        if Renderer.isLevel(cam.pose) && cam.principalOffset.x == 0 && height + 2 * k <= tallCapacity {
            // level camera on an image 2k rows taller; keep the rows around the shifted centre
            let intr = CameraIntrinsics(width: width, height: height + 2 * k, fovDegrees: fov, maxRange: maxRange)
            let first = shift < 0 ? 2 * k : 0
            let rowBytes = 3 * width
            tall.withUnsafeMutableBufferPointer { t in
                renderer.render(camera: intr, pose: cam.pose, rng: &rng, depth: nil, gray: nil, rgb: t.baseAddress!,
                                scratch: &scratch)
                image.pixels.withUnsafeMutableBufferPointer { out in
                    out.baseAddress!.update(from: t.baseAddress! + first * rowBytes, count: height * rowBytes)
                }
            }
            levelFrames += 1
        } else {
            let intr = CameraIntrinsics(width: width, height: height, fovDegrees: degrees(camera.horizontalFOV), maxRange: maxRange)
            image.pixels.withUnsafeMutableBufferPointer { out in
                renderer.render(camera: intr, pose: camera.pose, rng: &rng, depth: nil, gray: nil, rgb: out.baseAddress!,
                                scratch: &scratch)
            }
            tiltedFrames += 1
        }
    }

    /// The `MainView` that draws through this renderer.
    public var mainView: MainView {
        .render { [self] camera, image in self.render(camera, into: &image) }
    }
}
