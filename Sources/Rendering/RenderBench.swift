import Diagnostics
import Foundation
import Geometry
import World

/// `swiftlet bench render`: camera frames per second in a forest of 200 trees and 50 boxes.
public enum RenderBench {
    /// The benchmark world.
    public static let worldSpec = "forest:1:trees=200,boxes=50,size=50"

    /// `count` free, level camera poses at 1 m height with random headings.
    public static func poses(_ scene: Scene, count: Int, seed: UInt64, tilted: Bool = false) -> [Pose] {
        var rng = RNG(seed: seed)
        var out: [Pose] = []
        while out.count < count {
            let p = Vec3(rng.uniform(scene.boundsMin.x + 1, scene.boundsMax.x - 1),
                         rng.uniform(scene.boundsMin.y + 1, scene.boundsMax.y - 1), rng.uniform(0.5, 1.5))
            let yaw = rng.uniform(-.pi, .pi)
            let roll = tilted ? rng.uniform(-0.3, 0.3) : 0, pitch = tilted ? rng.uniform(-0.3, 0.3) : 0
            if scene.distanceToNearestObstacle(p, maxDistance: 1) > 0.3 {
                out.append(Pose(position: p, orientation: Quaternion(roll: roll, pitch: pitch, yaw: yaw)))
            }
        }
        return out
    }

    public static let suite = BenchSuite(name: "render", summary: "camera frames/s, forest 200 trees + 50 boxes, 1 and 2 cores") { options in
        let scene = try WorldGenerators.make(worldSpec)
        let renderer = Renderer(scene: scene, profile: .sim)
        let cases: [(String, CameraIntrinsics, RenderOutputs, Bool)] = [
            ("64x64 depth+gray", CameraIntrinsics(width: 64, height: 64, fovDegrees: 90, maxRange: 20), [.depth, .gray], false),
            ("128x96 depth+gray", CameraIntrinsics(width: 128, height: 96, fovDegrees: 90, maxRange: 20), [.depth, .gray], false),
            ("72x96 gray (GtS)", Camera.gts.intrinsics, [.gray], false),
            ("64x64 depth+gray tilted", CameraIntrinsics(width: 64, height: 64, fovDegrees: 90, maxRange: 20), [.depth, .gray], true),
        ]
        let batchSize = 64
        var records: [BenchRecord] = []
        let cores = ProcessInfo.processInfo.activeProcessorCount
        for (name, cam, outputs, tilted) in cases {
            let poses = RenderBench.poses(scene, count: batchSize, seed: 7, tilted: tilted)
            var batch = FrameBatch(renderer: renderer, camera: cam, capacity: batchSize, outputs: outputs, workers: 2)
            for threads in [1, 2] {
                var rng = RNG(seed: 3)
                let seconds = (tilted ? 0.6 : 1.5) * options.timeScale
                var frames = 0
                let cpu0 = Stopwatch.processCPUSeconds()
                let rate = Stopwatch.rate(seconds: seconds, batch: batchSize) {
                    renderer.renderBatch(poses: poses, rng: &rng, threads: threads, into: &batch)
                    frames += batchSize
                }
                // CPU time per frame: what an idle machine's cores would deliver (the host is shared)
                let cpuPerFrame = (Stopwatch.processCPUSeconds() - cpu0) / Double(max(frames, 1))
                options.log("render \(name), \(threads) thread(s): \(Int(rate)) frames/s wall, \(Int(1 / cpuPerFrame)) frames per CPU-second")
                records.append(BenchRecord(suite: "render", metric: "\(name) frames/s", value: rate.rounded(), unit: "frames/s",
                                           extra: ["threads": "\(threads)", "cores": "\(cores)", "world": worldSpec,
                                                   "camera": "\(cam.width)x\(cam.height)@\(Int(cam.fovDegrees))",
                                                   "path": tilted ? "azimuth bins (tilted)" : "column (level)",
                                                   "cpu_us_per_frame": String(format: "%.1f", cpuPerFrame * 1e6)]))
            }
        }
        records += bodyCases(scene, renderer, options)
        records += peer(options)
        return records
    }

    /// A swarm around each of the 64 level bench cameras: `count` quadrotors (quad750 size:
    /// rotors 0.1167 m out on x and y, 0.127 m propellers, 0.1 m tall) uniformly in a disc of
    /// radius max(2, sqrt(count)) m around it (1 m spacing on average), 0.5 m or more away,
    /// heights +-0.3 m, any heading, tilts up to 0.2 rad.
    public static func swarm(around pose: Pose, count: Int, rng: inout RNG) -> [RenderBody] {
        let shape = BodyShape.quadrotor(rotors: [Vec3(0.1167, -0.1167, 0), Vec3(-0.1167, -0.1167, 0), Vec3(-0.1167, 0.1167, 0),
                                                 Vec3(0.1167, 0.1167, 0)], propRadius: 0.127, height: 0.1)
        let radius = max(2, Double(count).squareRoot())
        var out: [RenderBody] = []
        while out.count < count {
            let x = rng.uniform(-radius, radius), y = rng.uniform(-radius, radius)
            let r2 = x * x + y * y
            guard r2 <= radius * radius, r2 >= 0.25 else { continue }
            let q = Quaternion(roll: rng.uniform(-0.2, 0.2), pitch: rng.uniform(-0.2, 0.2), yaw: rng.uniform(-.pi, .pi))
            out.append(RenderBody(pose: Pose(position: pose.position + Vec3(x, y, rng.uniform(-0.3, 0.3)), orientation: q), shape: shape))
        }
        return out
    }

    /// The cost of drawing 0, 1, 8 and 63 other vehicles in 64x64 depth+gray frames of the level
    /// bench cameras, one frame at a time on one thread (as a swarm vehicle's camera renders).
    static func bodyCases(_ scene: Scene, _ renderer: Renderer, _ options: BenchOptions) -> [BenchRecord] {
        let cam = CameraIntrinsics(width: 64, height: 64, fovDegrees: 90, maxRange: 20)
        let poses = RenderBench.poses(scene, count: 64, seed: 7)
        var scratch = RenderScratch(renderer: renderer, camera: cam)
        var depth = [Float](repeating: 0, count: cam.pixelCount), gray = [UInt8](repeating: 0, count: cam.pixelCount)
        var records: [BenchRecord] = []
        for count in [0, 1, 8, 63] {
            var placement = RNG(seed: 17)
            let bodies = poses.map { swarm(around: $0, count: count, rng: &placement) }
            // how much of the images the vehicles cover (untimed)
            var covered = 0
            for (k, pose) in poses.enumerated() {
                var r1 = RNG(seed: 3), r2 = RNG(seed: 3)
                let with = renderer.renderFrame(camera: cam, pose: pose, rng: &r1, bodies: bodies[k])
                let without = renderer.renderFrame(camera: cam, pose: pose, rng: &r2)
                covered += zip(with.depth, without.depth).filter { $0 != $1 }.count
            }
            var rng = RNG(seed: 3)
            var frames = 0
            let cpu0 = Stopwatch.processCPUSeconds()
            let rate = Stopwatch.rate(seconds: 1.0 * options.timeScale, batch: poses.count) {
                depth.withUnsafeMutableBufferPointer { d in
                    gray.withUnsafeMutableBufferPointer { g in
                        for (k, pose) in poses.enumerated() {
                            renderer.render(camera: cam, pose: pose, rng: &rng, depth: d.baseAddress, gray: g.baseAddress, rgb: nil,
                                            scratch: &scratch, bodies: bodies[k])
                        }
                    }
                }
                frames += poses.count
            }
            let cpuPerFrame = (Stopwatch.processCPUSeconds() - cpu0) / Double(max(frames, 1))
            let share = Double(covered) / Double(poses.count * cam.pixelCount)
            options.log("render 64x64 depth+gray with \(count) vehicles around (\(String(format: "%.1f", 100 * share))% of pixels): \(Int(rate)) frames/s wall, \(Int(1 / cpuPerFrame)) frames per CPU-second")
            records.append(BenchRecord(suite: "render", metric: "64x64 depth+gray, \(count) vehicles around frames/s", value: rate.rounded(),
                                       unit: "frames/s",
                                       extra: ["threads": "1", "world": worldSpec, "camera": "64x64@90", "bodies": "\(count)",
                                               "path": "column (level) + bodies, one frame per call",
                                               "body_pixel_share": String(format: "%.3f", share),
                                               "cpu_us_per_frame": String(format: "%.1f", cpuPerFrame * 1e6)]))
        }
        return records
    }

    /// PyBullet TinyRenderer on a comparable scene (tools/bench_pybullet_render.py), when asked
    /// for and installed.
    static func peer(_ options: BenchOptions) -> [BenchRecord] {
        guard options.runPeers else {
            options.log("render: peers skipped (--no-peers)")
            return []
        }
        let script = options.root + "/tools/bench_pybullet_render.py"
        let python = options.root + "/tools/.venv/bin/python"
        guard FileManager.default.fileExists(atPath: script), FileManager.default.isExecutableFile(atPath: python) else {
            options.log("render: PyBullet peer skipped (no tools/.venv; create it with: python3 tools/bench_pybullet_render.py --setup)")
            return []
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [script, "--seconds", String(max(0.5, 3 * options.timeScale))]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.standardError
        do { try p.run() } catch {
            options.log("render: PyBullet peer failed to start: \(error)")
            return []
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            options.log("render: PyBullet peer skipped (script exit \(p.terminationStatus); is pybullet importable?)")
            return []
        }
        // lines: "METRIC<TAB>VALUE"
        var out: [BenchRecord] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let f = line.split(separator: "\t")
            if f.count == 2, let v = Double(f[1]) {
                out.append(BenchRecord(suite: "render", metric: "PyBullet TinyRenderer \(f[0])" + (f[0].hasSuffix("CPU-second") ? "" : " frames/s"), value: v.rounded(),
                                       unit: "frames/s", extra: ["peer": "pybullet", "threads": "1"]))
            }
        }
        return out
    }
}
