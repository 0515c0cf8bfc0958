import Diagnostics
import Foundation
import Geometry
import Recording
import Rendering
import Viewer
import World

/// `swiftlet replay`: headless summary, PNG frame and CSV pose export, and the replay window.
public enum ReplayTool {
    /// Planned paths logged at one time (`/planner/paths`), for the replay window.
    public struct PlanSample: Sendable {
        public var logTime: UInt64
        public var paths: [CandidatePath]
    }

    /// Reads `/planner/paths`: each line strip becomes a candidate path; its colour's red channel
    /// is the collision probability the recorder encoded (green 0 -> red 1).
    public static func plans(path: String) throws -> [PlanSample] {
        let reader = try MCAPReader(path: path)
        var out: [PlanSample] = []
        let messages = try reader.messages(topics: [EpisodeTopics.plannedPaths])
        for m in messages {
            let j = try JSONValue.parse(m.data, source: path)
            var paths: [CandidatePath] = []
            for e in j["entities"]?.array ?? [] {
                for (i, line) in (e["lines"]?.array ?? []).enumerated() {
                    let pts = (line["points"]?.array ?? []).compactMap { p -> Vec3? in
                        guard let x = p["x"]?.double, let y = p["y"]?.double, let z = p["z"]?.double else { return nil }
                        return Vec3(x, y, z)
                    }
                    let prob = line["color"]?["r"]?.double ?? 0
                    paths.append(CandidatePath(points: pts, collisionProbability: prob, isChosen: i == 0))
                }
            }
            out.append(PlanSample(logTime: m.logTime, paths: paths))
        }
        return out
    }

    /// Horizontal path length of the logged poses (m).
    public static func distance(_ log: EpisodeLog) -> Double {
        let poses = log.poses.filter { $0.frameID == EpisodeTopics.worldFrame }
        var d = 0.0
        for k in poses.indices.dropFirst() {
            let a = poses[k - 1].pose.position, b = poses[k].pose.position
            d += ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
        }
        return d
    }

    /// The headless summary: metadata, duration, distance, collisions, topics and counts.
    public static func summary(_ log: EpisodeLog, path: String) -> String {
        var lines = header(log.metadata, path: path)
        let duration = seconds(log.timeRange)
        let collisions = log.events.filter { $0.kind == .collision }.count
        lines.append(String(format: "duration %.2f s, distance %.2f m, collisions %d, control steps %d",
                            duration, distance(log), collisions, log.commands.count))
        if let t = log.truncation { lines.append("truncated: " + t.summary) }
        for e in log.events {
            lines.append(String(format: "  event t=%.2f s step %d: %@ %@", Double(e.logTime) / 1e9, e.step, e.kind.rawValue, e.detail))
        }
        lines.append("topics:")
        for (topic, n) in log.messageCounts.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(topic.padding(toLength: 24, withPad: " ", startingAt: 0)) \(n)")
        }
        return lines.joined(separator: "\n")
    }

    /// The summary's first lines: the file, and what the metadata says (world, seed, robot,
    /// profile, control period, policy, recording command and version) when it survived.
    static func header(_ metadata: EpisodeMetadata?, path: String) -> [String] {
        guard let m = metadata else { return [path] }
        return [path, "world \(m.world), seed \(m.seed), robot \(m.robot), profile \(m.profile), control period \(m.dt) s, "
                + "policy \(m.extra["policy"] ?? "?"), recorded by \(m.extra["command"] ?? "?") (\(m.softwareVersion))"]
    }

    /// Length of a log-time range in seconds (0 without messages).
    static func seconds(_ range: ClosedRange<UInt64>?) -> Double {
        range.map { Double($0.upperBound - $0.lowerBound) / 1e9 } ?? 0
    }

    /// Loads the log `replay` reads, refusing one without a single message (an empty or cut
    /// file): its summary of zeros would read like success.
    public static func load(path: String) throws -> EpisodeLog {
        let log = try EpisodeLog.load(path: path)
        guard !log.messageCounts.isEmpty else {
            throw InputError(path, "no messages to replay" + (log.truncation.map { "; truncated: " + $0.summary } ?? ""))
        }
        return log
    }

    /// Writes `time_s,x,y,z,qx,qy,qz,qw` per logged pose (shortest round-trip numbers).
    public static func exportPoses(_ log: EpisodeLog, to path: String) throws -> Int {
        var text = "time_s,x,y,z,qx,qy,qz,qw\n"
        let poses = log.poses.filter { $0.frameID == EpisodeTopics.worldFrame }
        for p in poses {
            let q = p.pose.orientation, x = p.pose.position
            text += "\(p.time),\(x.x),\(x.y),\(x.z),\(q.x),\(q.y),\(q.z),\(q.w)\n"
        }
        try AtomicFile.write(text, to: path)
        return poses.count
    }

    /// Writes every logged mono8/rgb8 image as PNG (`image-00000.png`, ...) and every depth image
    /// in false colour (`depth-00000.png`, near red, far blue). Returns the number of files.
    public static func exportFrames(_ log: EpisodeLog, to dir: String, depthRange: ClosedRange<Float> = 0.2...20) throws -> Int {
        try OutputPath.prepareDirectory(dir, source: "--export-frames")
        var nImage = 0, nDepth = 0
        for img in log.images {
            var pixels: [UInt8] = []
            let kind: PNGWriter.Kind
            let name: String
            switch img.encoding {
            case .mono8, .rgb8:
                let bpp = img.encoding.bytesPerPixel
                for j in 0..<img.height { pixels += img.data[(j * img.step)..<(j * img.step + img.width * bpp)] }
                kind = img.encoding == .mono8 ? .gray8 : .rgb8
                name = String(format: "image-%05d.png", nImage)
                nImage += 1
            case .depth32F:
                pixels.reserveCapacity(3 * img.width * img.height)
                for j in 0..<img.height {
                    for i in 0..<img.width {
                        let o = j * img.step + 4 * i
                        let bits = UInt32(img.data[o]) | UInt32(img.data[o + 1]) << 8 | UInt32(img.data[o + 2]) << 16 | UInt32(img.data[o + 3]) << 24
                        let c = DepthColormap.color(depth: Float(bitPattern: bits), near: depthRange.lowerBound, far: depthRange.upperBound)
                        pixels += [c.r, c.g, c.b]
                    }
                }
                kind = .rgb8
                name = String(format: "depth-%05d.png", nDepth)
                nDepth += 1
            }
            try AtomicFile.write(Data(PNGWriter.encode(width: img.width, height: img.height, kind: kind, pixels: pixels)),
                                 to: dir + "/" + name)
        }
        return nImage + nDepth
    }

    /// Plays `log` in the viewer (window when a display exists). Frames are the logged poses;
    /// the 3D view is rendered from the logged world when it can be loaded.
    @MainActor
    public static func window(_ log: EpisodeLog, path: String, options: ViewerOptions) throws -> ViewerRunReport {
        let poses = log.poses.filter { $0.frameID == EpisodeTopics.worldFrame }
        guard !poses.isEmpty else { throw InputError(path, "no poses to replay") }
        let plans = (try? ReplayTool.plans(path: path)) ?? []
        let scene = log.metadata.flatMap { try? SceneLoader.resolve($0.world) }
        let view = scene.map { ViewRenderer(scene: $0, width: options.width, height: options.height) }
        let obstacles = scene.map(FlySimulation.mapObstacles) ?? []
        let gray = log.images.filter { $0.encoding == .mono8 }
        let depth = log.images.filter { $0.encoding == .depth32F }
        let collisions = log.events.filter { $0.kind == .collision }
        let label = log.metadata?.extra["policy"] ?? "log"
        func latest<T>(_ items: [T], _ time: (T) -> UInt64, at t: UInt64) -> T? {
            var lo = 0, hi = items.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if time(items[mid]) <= t { lo = mid + 1 } else { hi = mid }
            }
            return lo > 0 ? items[lo - 1] : nil
        }
        let app = ViewerApp(options: options)
        app.adjustCamera = { camera in view?.levelled(camera) ?? camera }
        return app.replay(times: poses.map(\.time)) { i, _ in
            let p = poses[i]
            let prev = i > 0 ? poses[i - 1] : p
            let dt = p.time - prev.time
            let v = dt > 0 ? (p.pose.position - prev.pose.position) * (1 / dt) : .zero
            let yawRate = dt > 0 ? wrapAngle(p.pose.orientation.yaw - prev.pose.orientation.yaw) / dt : 0
            var mono: GrayImage? = nil
            if let g = latest(gray, \.logTime, at: p.logTime) {
                mono = GrayImage(width: g.width, height: g.height, pixels: Array(g.data.prefix(g.width * g.height)))
            }
            var dimg: DepthImage? = nil
            if let d = latest(depth, \.logTime, at: p.logTime) {
                var metres = [Float](repeating: 0, count: d.width * d.height)
                for k in 0..<metres.count {
                    let o = 4 * k
                    metres[k] = Float(bitPattern: UInt32(d.data[o]) | UInt32(d.data[o + 1]) << 8 | UInt32(d.data[o + 2]) << 16 | UInt32(d.data[o + 3]) << 24)
                }
                dimg = DepthImage(width: d.width, height: d.height, metres: metres)
            }
            let plan = latest(plans, \.logTime, at: p.logTime)?.paths ?? []
            return ViewerFrame(simTime: p.time, robotPose: p.pose, speed: (v.x * v.x + v.y * v.y + v.z * v.z).squareRoot(),
                               altitude: p.pose.position.z, yawRate: yawRate, modeLabel: label,
                               collisions: collisions.filter { $0.logTime <= p.logTime }.count,
                               trail: poses[0...i].map(\.pose.position), obstacles: obstacles, candidates: plan,
                               monocular: mono, depth: dimg, view: view?.mainView ?? .horizon,
                               status: "\((path as NSString).lastPathComponent)  step \(i)/\(poses.count - 1)")
        }
    }
}
