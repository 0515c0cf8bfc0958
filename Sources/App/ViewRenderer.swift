import Foundation
import Geometry
import Rendering
import Synchronization
import Viewer
import World

/// Draws the viewer's main 3D view with the Rendering module's ray caster.
///
/// The renderer's fast path needs a level camera (no roll, no pitch). The viewer's chase and
/// orbit cameras look slightly down, so a camera with |pitch| up to `maxShiftPitch` is drawn as
/// a *level camera with a shifted principal point* (the perspective-control lens of
/// architecture photography): the `height` rows of a level image `2k` rows taller whose centre
/// looks `pitch` below the horizon, `k = f tan(pitch)`, drawn as a window of that image (only the
/// kept rows are ray-cast; `Renderer.renderWindow`) in column blocks over `threads` threads.
/// Verticals stay vertical; near the image centre it equals the pitched view, towards the
/// corners it differs by the keystone a real pitched camera would show. Steeper or rolled
/// cameras (orbit from high up) take the renderer's exact tilted path, prepared once per frame
/// (`Renderer.prepareTilted`) and drawn in the same column blocks over `threads` threads
/// (`Renderer.renderTiltedWindow`); views with the zenith or nadir in sight (an orbit camera
/// looking straight down) take the fallback (one exact ray per pixel, the obstacles gathered
/// per screen tile), in the same column blocks (`Renderer.renderFallbackWindow`). Every path
/// honours the camera's principal offset as `ViewCamera.projection` defines it, so the
/// overlays line up with the view.
///
/// A class holding scratch memory so the `@Sendable` render closure of `MainView.render` can
/// reuse it; `render` is called from the viewer's thread only (its column blocks run on
/// Dispatch's workers, each block on its own scratch).
public final class ViewRenderer: @unchecked Sendable {
    public let renderer: Renderer
    public let width: Int
    public let height: Int
    /// Largest |pitch| (radians) drawn through the level path.
    public let maxShiftPitch: Double
    /// Depth at which rays count as sky (metres).
    public let maxRange: Double
    /// Threads a frame is split over (column blocks; the pixels do not depend on it).
    public let threads: Int
    /// One whole-frame scratch per thread.
    private var scratch: [RenderScratch]
    /// The tilted path's per-frame set-up, shared read-only by the column blocks.
    private var tiltedSetup: TiltedSetup
    /// Frames drawn through the level (shifted) path and the tilted path (the fallback
    /// included; `fallbackFrames` of them took it).
    public private(set) var levelFrames = 0
    public private(set) var tiltedFrames = 0
    public private(set) var fallbackFrames = 0
    /// Columns per block of the column split, and the next block to draw.
    static let columnBlock = 32
    private let nextBlock = Atomic<Int>(0)

    /// The view in the sim profile's look (no sensor noise or vignetting, which would make the
    /// window path impossible and only blur what the user looks at).
    public init(scene: Scene, width: Int = 960, height: Int = 540, maxShiftPitch: Double = 0.45, maxRange: Double = 60,
                threads: Int = min(4, ProcessInfo.processInfo.activeProcessorCount)) {
        renderer = Renderer(scene: scene, profile: .sim)
        self.width = width
        self.height = height
        self.maxShiftPitch = maxShiftPitch
        self.maxRange = maxRange
        self.threads = max(1, threads)
        let frame = CameraIntrinsics(width: width, height: height, fovDegrees: 80, maxRange: maxRange)
        scratch = (0..<self.threads).map { [renderer] _ in RenderScratch(renderer: renderer, camera: frame) }
        tiltedSetup = TiltedSetup(renderer: renderer, camera: frame)
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

    /// Renders `camera` into `image` (resized to width x height when it differs), with its
    /// principal offset honoured on every path (pixel (i, j) sees what `camera.projection`
    /// projects to (i + 0.5, j + 0.5)). A pitched camera is levelled first (`levelled`); a level
    /// camera is drawn through `Renderer.renderWindow`, anything else through the tilted path
    /// (`Renderer.prepareTilted` + `renderTiltedWindow`) or, with the zenith or nadir in view,
    /// the fallback (`Renderer.renderFallbackWindow`); all three in column blocks over
    /// `threads` threads.
    public func render(_ camera: ViewCamera, into image: inout RGBImage) {
        if image.width != width || image.height != height {
            image = RGBImage(width: width, height: height, pixels: [UInt8](repeating: 0, count: 3 * width * height))
        }
        let cam = Renderer.isLevel(camera.pose) ? camera : levelled(camera)
        let intr = CameraIntrinsics(width: width, height: height, fovDegrees: degrees(cam.horizontalFOV), maxRange: maxRange)
        let pose = cam.pose, offset = cam.principalOffset, renderer = self.renderer
        let height = self.height
        if Renderer.isLevel(pose) {
            // a levelled camera's vertical shift: the same pixels as the kept rows of the level
            // image 2k rows taller (tested), only those rows ray-cast
            renderColumnBlocks(into: &image) { columns, rgb, scratch in
                renderer.renderWindow(camera: intr, pose: pose, principalOffset: offset, rows: 0..<height, columns: columns,
                                      depth: nil, gray: nil, rgb: rgb, scratch: &scratch)
            }
            levelFrames += 1
            return
        }
        if renderer.prepareTilted(camera: intr, pose: pose, principalOffset: offset, setup: &tiltedSetup) {
            let setup = tiltedSetup
            renderColumnBlocks(into: &image) { columns, rgb, scratch in
                renderer.renderTiltedWindow(camera: intr, pose: pose, columns: columns, setup: setup,
                                            depth: nil, gray: nil, rgb: rgb, scratch: &scratch)
            }
        } else {
            renderColumnBlocks(into: &image) { columns, rgb, scratch in
                renderer.renderFallbackWindow(camera: intr, pose: pose, principalOffset: offset, columns: columns,
                                              depth: nil, gray: nil, rgb: rgb, scratch: &scratch)
            }
            fallbackFrames += 1
        }
        tiltedFrames += 1
    }

    /// Calls `draw` for blocks of `columnBlock` columns of `image`, each thread with its own
    /// scratch taking the next undrawn block until none is left (so a cluttered side of the view,
    /// or a thread the OS holds back, does not leave the other waiting). Blocks write disjoint
    /// columns and a pixel does not depend on which thread drew it, so the image is the same
    /// whatever the split.
    private func renderColumnBlocks(into image: inout RGBImage,
                                    _ draw: @Sendable (Range<Int>, UnsafeMutablePointer<UInt8>, inout RenderScratch) -> Void) {
        let blocks = (width + Self.columnBlock - 1) / Self.columnBlock
        let workers = min(threads, blocks)
        let width = self.width
        nextBlock.store(0, ordering: .relaxed)
        image.pixels.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let rgb = out.baseAddress!
            scratch.withUnsafeMutableBufferPointer { scratches in
                nonisolated(unsafe) let scratch = scratches.baseAddress!
                withoutActuallyEscaping(draw) { draw in
                    let work: @Sendable (Int) -> Void = { [self] t in
                        while true {
                            let b = nextBlock.wrappingAdd(1, ordering: .relaxed).oldValue
                            if b >= blocks { break }
                            let c0 = b * Self.columnBlock
                            draw(c0..<min(width, c0 + Self.columnBlock), rgb, &scratch[t])
                        }
                    }
                    if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
                }
            }
        }
    }

    /// The `MainView` that draws through this renderer.
    public var mainView: MainView {
        .render { [self] camera, image in self.render(camera, into: &image) }
    }
}
