import Geometry

/// A tilted camera's per-frame set-up, made once per frame by `Renderer.prepareTilted` and then
/// only read while its columns are drawn (`Renderer.renderTiltedWindow`), so that column blocks
/// drawn on several threads, each with its own `RenderScratch`, share one copy.
///
/// Holds the obstacles in view (with their azimuth intervals, wedges and distance ranges), their
/// order by nearest horizontal distance, those intervals in that order, and each image column's
/// azimuth interval. Allocated once for a scene and an image width; preparing a frame allocates
/// nothing.
///
/// ```swift
/// var setup = TiltedSetup(renderer: renderer, camera: cam)
/// if renderer.prepareTilted(camera: cam, pose: pose_WC, setup: &setup) {
///     // any column ranges, on any threads, each with its own scratch
///     renderer.renderTiltedWindow(camera: cam, pose: pose_WC, columns: 0..<32, setup: setup,
///                                 depth: nil, gray: nil, rgb: rgb, scratch: &scratch)
/// }
/// ```
public struct TiltedSetup: Sendable {
    /// The frame's obstacles in view and their number.
    var tilted: [TiltedObstacle]
    var count = 0
    /// How many obstacles the prepared frame has in view (the candidates its columns filter).
    public var obstaclesInView: Int { count }
    /// Indices into `tilted`, nearest first, and the azimuth intervals in that order.
    var order: [Int32]
    var sortedLo: [Double]
    var sortedHi: [Double]
    /// Per image column: its azimuth interval (relative to the camera's yaw, slightly widened).
    var colLo: [Double]
    var colHi: [Double]
    /// The camera, pose and principal offset (pixels) this set-up was prepared for (nil: none,
    /// or the view needs the per-ray fallback).
    var prepared: (width: Int, height: Int, focal: Double, pose: Pose, principalOffset: SIMD2<Double>)?

    /// Set-up for `renderer`'s scene and images up to `camera`'s width.
    public init(renderer: Renderer, camera: CameraIntrinsics) {
        let n = max(renderer.scene.obstacles.count, 1)
        tilted = [TiltedObstacle](repeating: TiltedObstacle(), count: n)
        order = [Int32](repeating: 0, count: n)
        sortedLo = [Double](repeating: 0, count: n)
        sortedHi = sortedLo
        colLo = [Double](repeating: 0, count: camera.width)
        colHi = colLo
    }
}
