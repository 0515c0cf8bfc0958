import Foundation
import Geometry

/// A synthetic episode with the typical message mix, for `swiftlet log sample`, the `record`
/// bench suite, the tests and the Python cross-check. Deterministic: same arguments, same bytes.
public enum SampleEpisode {
    /// Image size of the sample camera (72 x 96, as the learned policies use).
    public static let width = 96, height = 72

    /// Records `seconds` of a circling flight: at `controlHz` a pose, world->body and
    /// body->camera transforms, a command and motor speeds; at `imageHz` a mono8 image. With
    /// `full` it adds everything else once or at the image rate: calibration, obstacles, depth and
    /// RGB images, planned paths, planner diagnostics, a warning, a collision and a reset.
    public static func record(into rec: EpisodeRecorder, seconds: Double, controlHz: Int = 100, imageHz: Int = 4,
                              full: Bool = true) throws {
        let steps = Int((seconds * Double(controlHz)).rounded())
        let dt = 1 / Double(controlHz)
        let every = max(1, controlHz / max(1, imageHz))
        var gray = [UInt8](repeating: 0, count: width * height)
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        var depth = [Float](repeating: 0, count: width * height)
        let pose_BC = Pose(position: Vec3(0.02, 0, 0.01), orientation: EpisodeRecorder.opticalFromForward)
        if full {
            try rec.calibration(time: 0, width: width, height: height, fx: 48, fy: 48, cx: 47.5, cy: 35.5)
            try rec.obstacles(time: 0, [
                .box(center: Vec3(3, 1, 0.5), size: Vec3(1, 0.5, 1), orientation: Quaternion(axis: Vec3(0, 0, 1), angle: 0.3)),
                .cylinder(center: Vec3(-2, 2, 1), radius: 0.2, height: 2, orientation: .identity),
                .sphere(center: Vec3(0, -3, 1.2), radius: 0.4),
            ])
        }
        for step in 0..<steps {
            let t = Double(step) * dt
            // a circle of radius 2 m at 1 m height, yaw along the path
            let a = 0.5 * t
            let p = Pose(position: Vec3(2 * cos(a), 2 * sin(a), 1 + 0.1 * sin(3 * t)),
                         orientation: Quaternion(roll: 0.05 * sin(t), pitch: 0.02 * cos(t), yaw: a + .pi / 2))
            let st = sin(t), ct = cos(t)
            let rpm: [Double] = [14468 + 100 * st, 14468 - 100 * st, 14468 + 50 * ct, 14468]
            try rec.tick(time: t, step: step, pose_WB: p, command: [1.0 + 0.1 * st, 0.5, 0.01 * Double(step % 7)],
                         motorSpeeds: rpm, pose_BC: pose_BC)
            guard step % every == 0 else { continue }
            // a moving gradient as the camera image
            let shift = step / every
            for y in 0..<height { for x in 0..<width { gray[y * width + x] = UInt8(truncatingIfNeeded: x + 2 * y + 5 * shift) } }
            try rec.image(time: t, width: width, height: height, encoding: .mono8, pixels: gray)
            guard full else { continue }
            for i in 0..<(width * height) {
                rgb[3 * i] = gray[i]; rgb[3 * i + 1] = 255 &- gray[i]; rgb[3 * i + 2] = UInt8(truncatingIfNeeded: i)
                depth[i] = 0.5 + Float(i % width) * 0.05
            }
            try rec.image(time: t, camera: "rgb", width: width, height: height, encoding: .rgb8, pixels: rgb)
            try rec.depthImage(time: t, width: width, height: height, metres: depth)
            var paths: [[Vec3]] = []
            for k in 0..<3 {
                var path: [Vec3] = []
                for j in 0..<5 {
                    let dj = Double(j), dk = Double(k - 1)
                    path.append(p.position + Vec3(0.3 * dj, 0.1 * dk * dj, 0))
                }
                paths.append(path)
            }
            try rec.plannedPaths(time: t, paths, collisionProbabilities: [0.05, 0.5, 0.95])
            try rec.planner(time: t, step: step, PlannerDiagnostics(planner: "cem", bestCost: 1.5 + sin(t),
                                                                     collisionProbability: 0.05, candidates: 64,
                                                                     iterations: 3, values: ["plan_ms": 2.5]))
        }
        if full {
            let end = Double(steps) * dt
            try rec.event(time: end * 0.5, step: steps / 2, kind: .warning, detail: "motor saturation")
            try rec.event(time: end, step: steps, kind: .collision, detail: "box", position: Vec3(2.5, 1, 0.5))
            try rec.event(time: end, step: steps, kind: .reset, detail: "after collision")
        }
    }

    /// The sample metadata.
    public static let metadata = EpisodeMetadata(world: "sample:circle", seed: 0xDEAD_BEEF_CAFE_F00D, robot: "cf2x",
                                                 profile: "sim", dt: 0.01,
                                                 commandNames: ["forward_speed", "yaw_rate", "climb_rate"],
                                                 extra: ["note": "synthetic sample episode"])

    /// A sample log in memory (the file's bytes).
    public static func bytes(seconds: Double = 3, full: Bool = true, options: MCAPWriter.Options = MCAPWriter.Options(),
                             imageEncoding: ImageMessageEncoding = .cdr) throws -> [UInt8] {
        let w = MCAPWriter(options: options)
        let rec = try EpisodeRecorder(writer: w, metadata: metadata, imageEncoding: imageEncoding)
        try record(into: rec, seconds: seconds, full: full)
        _ = try rec.close()
        return w.memory
    }

    /// Writes a sample log to `path`.
    public static func write(path: String, seconds: Double = 3, options: MCAPWriter.Options = MCAPWriter.Options(),
                             imageEncoding: ImageMessageEncoding = .cdr) throws -> MCAPStatistics {
        let rec = try EpisodeRecorder(path: path, metadata: metadata, options: options, imageEncoding: imageEncoding)
        try record(into: rec, seconds: seconds)
        return try rec.close()
    }
}
