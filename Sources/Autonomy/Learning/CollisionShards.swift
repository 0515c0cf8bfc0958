import Diagnostics
import Foundation
import Physics
import World

/// Datasets written by `swiftlet collect` (one `.swcd` file per shard), read back for
/// `train collision --data`: the collect-on-many-machines, train-on-one workflow.
///
/// A shard is only used when it is what the pipeline would have collected itself: the same
/// image size, frame stack, horizon and action size, domain profile, control rate, forward
/// speed and altitude as the config, the same robot (by name), field of view, depth range,
/// physics rate, yaw-rate and tilt limits, episode time and distance limits and spawn jitter
/// (`Collector.flightRecord`; not checked on shards written before it was recorded), training
/// worlds only, and each shard once. Anything else is refused with the file and the field that
/// differ.
public enum CollisionShards {
    /// The `.swcd` files `paths` name: a file as given, a directory's `*.swcd` files in name order.
    public static func files(_ paths: [String], source: String = "--data") throws -> [String] {
        var out: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw InputError(source, at: path, "no such file or directory")
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                let shards = names.filter { $0.hasSuffix(".swcd") }.sorted()
                guard !shards.isEmpty else { throw InputError(source, at: path, "the directory holds no .swcd dataset (swiftlet collect writes them)") }
                out += shards.map { (path as NSString).appendingPathComponent($0) }
            } else {
                out.append(path)
            }
        }
        guard !out.isEmpty else { throw InputError(source, "no dataset given") }
        return out
    }

    /// Reads the shards in order and concatenates them (frame and episode indices offset as in
    /// `CollisionDataset.append`), after checking each against `config`; also returns the worlds
    /// they were collected in, in order of first appearance.
    public static func load(_ files: [String], config: CollisionPipelineConfig,
                            source: String = "--data") throws -> (data: CollisionDataset, worlds: [String]) {
        let env = config.env
        // what `collect --config` records for this config (robot, camera, episode rules)
        let job = CollectJob(matching: config)
        let expected = Collector.flightRecord(job.env, robot: try URDFLoader.load(path: job.robot))
        var merged = CollisionDataset(frameStack: config.frames, height: config.imageHeight, width: config.imageWidth,
                                      horizon: config.horizon)
        var seen: [String: String] = [:]
        var allWorlds: [String] = []
        var contacts: Int? = nil
        for file in files {
            let d = try CollisionDataset.read(path: file)
            func differ(_ field: String, _ got: String, _ want: String) -> InputError {
                InputError(file, at: field, "\(got) here, \(want) in the training config; collect with matching settings")
            }
            let shapes: [(String, Int, Int)] = [("width", d.width, config.imageWidth), ("height", d.height, config.imageHeight),
                                                ("frameStack", d.frameStack, config.frames), ("horizon", d.horizon, config.horizon),
                                                ("actionDim", d.actionDim, 1)]
            for (field, got, want) in shapes where got != want { throw differ(field, String(got), String(want)) }
            let domain = d.info["domain"] ?? "?"
            if domain != config.domain { throw differ("domain", domain, config.domain) }
            let flight: [(String, Double)] = [("controlRate", env.controlRate), ("forwardSpeed", env.forwardSpeed), ("altitude", env.altitude)]
            for (field, want) in flight {
                let got = d.info[field].flatMap(Double.init)
                if got != want { throw differ(field, d.info[field] ?? "missing", String(want)) }
            }
            // shards written before these were recorded lack them: nothing to compare then
            for (field, want) in expected.sorted(by: { $0.key < $1.key }) {
                guard let got = d.info[field] else { continue }
                let same = field == "robot" ? got == want : Double(got) == Double(want)
                if !same { throw differ(field, got, want) }
            }
            let worlds = (d.info["worlds"] ?? "").split(separator: ",").map(String.init)
            for spec in worlds where WorldCatalog.isHeldOut(try SceneLoader.resolve(spec)) {
                throw InputError(file, at: "worlds", "\(spec) is a held-out evaluation world; training on it would leak test data")
            }
            allWorlds += worlds.filter { !allWorlds.contains($0) }
            if let shardSeed = d.info["shardSeed"] {
                if let other = seen[shardSeed] { throw InputError(source, at: file, "is the same shard as \(other) (shard seed \(shardSeed))") }
                seen[shardSeed] = file
            }
            merged.append(d)
            if let k = CollisionPipeline.vehicleContacts(d) { contacts = (contacts ?? 0) + k }
        }
        // content only (no paths), so the data set hash is the same wherever the files live;
        // shards with swarm lanes add up their vehicle contacts
        merged.info = ["domain": config.domain, "shards": String(files.count)]
        if let contacts { merged.info["vehicleContacts"] = String(contacts) }
        return (merged, allWorlds)
    }
}
