import Dispatch
import Foundation
import Geometry

/// Preallocated output images for up to `capacity` frames of one camera, plus per-worker
/// scratch. Build once, render into it many times: no allocation per frame.
///
/// Frame `k` occupies `depth[k*W*H ..< (k+1)*W*H]`, `gray[...]` likewise and
/// `rgb[3*k*W*H ..< 3*(k+1)*W*H]`. Unrequested outputs are empty arrays.
public struct FrameBatch: Sendable {
    public let camera: CameraIntrinsics
    public let capacity: Int
    public let outputs: RenderOutputs
    public var depth: [Float]
    public var gray: [UInt8]
    public var rgb: [UInt8]
    var scratch: [RenderScratch]

    /// Buffers for `capacity` frames and scratch for `workers` threads.
    public init(renderer: Renderer, camera: CameraIntrinsics, capacity: Int, outputs: RenderOutputs = [.depth, .gray],
                workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        precondition(capacity > 0 && workers > 0)
        self.camera = camera
        self.capacity = capacity
        self.outputs = outputs
        let n = camera.pixelCount * capacity
        depth = outputs.contains(.depth) ? [Float](repeating: 0, count: n) : []
        gray = outputs.contains(.gray) ? [UInt8](repeating: 0, count: n) : []
        rgb = outputs.contains(.rgb) ? [UInt8](repeating: 0, count: 3 * n) : []
        scratch = (0..<workers).map { _ in RenderScratch(renderer: renderer, camera: camera) }
    }

    /// Number of worker scratch areas (the most threads a render call uses).
    public var workers: Int { scratch.count }
}

extension Renderer {
    /// Renders one frame per camera pose (`pose_WC`, world frame) into `batch`, spreading the
    /// frames over `threads` workers (fixed contiguous chunks). Each frame's sensor noise comes
    /// from `rng.derived(frameIndex)`, and `rng` advances once per call, so the output is
    /// bit-identical for any thread count. `angularRates` (camera frame, rad/s) drive motion
    /// blur; nil means all zero. `bodies` are drawn in every frame, all but body `ignoring[k]`
    /// in frame k (e.g. a swarm's vehicles, each camera skipping its own; nil: skip none).
    public func renderBatch(poses: [Pose], angularRates: [Vec3]? = nil, rng: inout RNG, threads: Int,
                            into batch: inout FrameBatch, bodies: [RenderBody] = [], ignoring: [Int]? = nil) {
        precondition(poses.count <= batch.capacity, "more poses than the batch holds")
        precondition(angularRates == nil || angularRates!.count == poses.count)
        precondition(ignoring == nil || ignoring!.count == poses.count)
        let count = poses.count
        let workers = max(1, min(threads, batch.workers, count))
        let base = rng
        _ = rng.next()
        let npix = batch.camera.pixelCount
        let cam = batch.camera
        batch.depth.withUnsafeMutableBufferPointer { d in
            batch.gray.withUnsafeMutableBufferPointer { g in
                batch.rgb.withUnsafeMutableBufferPointer { c in
                    batch.scratch.withUnsafeMutableBufferPointer { s in
                        nonisolated(unsafe) let dp = d.isEmpty ? nil : d.baseAddress, gp = g.isEmpty ? nil : g.baseAddress,
                            cp = c.isEmpty ? nil : c.baseAddress
                        nonisolated(unsafe) let sp = s.baseAddress!
                        let work: @Sendable (Int) -> Void = { w in
                            let lo = w * count / workers, hi = (w + 1) * count / workers
                            for k in lo..<hi {
                                var frameRNG = base.derived(UInt64(k))
                                self.render(camera: cam, pose: poses[k], angularRate: angularRates?[k] ?? .zero, rng: &frameRNG,
                                            depth: dp.map { $0 + k * npix }, gray: gp.map { $0 + k * npix },
                                            rgb: cp.map { $0 + 3 * k * npix }, scratch: &sp[w],
                                            bodies: bodies, ignoring: ignoring?[k] ?? -1)
                            }
                        }
                        if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
                    }
                }
            }
        }
    }
}

/// One frame's images, allocated (for the CLI, tests and tools; hot paths use `FrameBatch`).
public struct Frame: Sendable {
    public var camera: CameraIntrinsics
    /// Planar depth, metres, `W*H`, row 0 at the top.
    public var depth: [Float]
    public var gray: [UInt8]
    /// Interleaved RGB, `3*W*H`.
    public var rgb: [UInt8]
}

extension Renderer {
    /// Renders depth, gray and RGB of one frame into new arrays, with `bodies` drawn in it.
    public func renderFrame(camera: CameraIntrinsics, pose: Pose, angularRate: Vec3 = .zero, rng: inout RNG,
                            bodies: [RenderBody] = []) -> Frame {
        var scratch = RenderScratch(renderer: self, camera: camera)
        var f = Frame(camera: camera, depth: [Float](repeating: 0, count: camera.pixelCount),
                      gray: [UInt8](repeating: 0, count: camera.pixelCount), rgb: [UInt8](repeating: 0, count: 3 * camera.pixelCount))
        f.depth.withUnsafeMutableBufferPointer { d in
            f.gray.withUnsafeMutableBufferPointer { g in
                f.rgb.withUnsafeMutableBufferPointer { c in
                    render(camera: camera, pose: pose, angularRate: angularRate, rng: &rng, depth: d.baseAddress,
                           gray: g.baseAddress, rgb: c.baseAddress, scratch: &scratch, bodies: bodies)
                }
            }
        }
        return f
    }
}
