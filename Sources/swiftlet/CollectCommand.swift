import App
import ArgumentParser
import Autonomy
import Diagnostics
import Recording
import Runtime

struct CollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Collect exploration episodes into a collision-prediction dataset shard (.swcd).",
        discussion: """
        Worlds: 'train' (the first --world-count training worlds) or a comma list of world \
        files and generator specs, FAMILY:A-B expanding to seeds A..B (e.g. \
        forest:0-9,hallway:0-4). Held-out worlds are refused.

        --shard i/n derives independent seeds so that n machines collect n shards; \
        `swiftlet train collision --data DIR` trains on them. --config FILE takes the robot, \
        domain, camera size, frame stack, horizon, flight envelope, episode length and lanes from \
        that training config, so the shards fit it (then --robot, --domain, --speed, --altitude, \
        --control-rate and --lanes are refused).

        --swarm N flies the last --swarm-lanes lanes as swarms of N vehicles that see each other \
        (each vehicle's trajectory one episode; touching another vehicle is a collision), as the \
        training config key collectionSwarm does.
        """
    )

    @Option(help: "World set: train or a list of files/specs.") var worlds: String = "train"
    @Option(help: "Number of worlds for the named set.") var worldCount: Int = 10
    @Option(help: "Robot file (URDF; default Robots/cf2x.urdf).") var robot: String?
    @Option(help: "Domain profile: sim, real, real-dynamics or real-appearance (default sim).") var domain: String?
    @Option(help: "Collect what `train collision --config FILE` would (see discussion).") var config: String?
    @Option(help: "Control steps (samples) in this shard.") var steps: Int = 10_000
    @Option(help: "Seed of the whole collection (shards derive theirs).") var seed: UInt64 = 0
    @Option(help: "This job's shard, i/n.") var shard: String = "0/1"
    @Option(help: "Exploration: uniform (random yaw-rate sequences), gaussian or epsilon (around --base).")
    var exploration: String = "uniform"
    @Option(help: "Base policy for gaussian/epsilon exploration.") var base: String = "straight"
    @Option(help: "Independent lanes (the data depend on it, not on the thread count; default 8).") var lanes: Int?
    @Option(help: "Fly swarms of N vehicles in the swarm lanes (collectionSwarm.count; default: the --config's, else none).")
    var swarm: Int?
    @Option(help: "(--swarm) Distance between neighbours of the line abreast at the start, m (collectionSwarm.spacing; default 1.5).")
    var swarmSpacing: Double?
    @Option(help: "(--swarm) Lanes that fly swarms, the last ones (collectionSwarm.lanes; default 4).") var swarmLanes: Int?
    @Option(help: "Output directory.") var out: String = "data"
    @Option(help: "Record every episode as an MCAP log: FILE-lane<L>-ep<E>.mcap.") var record: String?
    @Option(help: "(--record) Camera frames as cdr (ROS 2 sensor_msgs/msg/Image, binary) or json (foxglove.RawImage, base64). (default: cdr)")
    var imageEncoding: String?

    @OptionGroup var flight: FlightOptions

    func run() throws {
        let frames = try ImageMessageEncoding.parse(imageEncoding, recording: record != nil)
        var job = CollectJob()
        if let config {
            let fixed = [("--robot", robot != nil), ("--domain", domain != nil), ("--lanes", lanes != nil)].filter(\.1).map(\.0) + flight.given
            if let flag = fixed.first { throw ValidationError("\(flag) comes from --config \(config); drop one of them") }
            job = CollectJob(matching: try CollisionPipelineConfig.load(config))
        }
        job.worlds = worlds
        job.worldCount = worldCount
        if let robot { job.robot = robot }
        if let domain { job.domain = domain }
        if let lanes { job.lanes = lanes }
        job.steps = steps
        job.seed = seed
        job.shard = try ShardSpec.parse(shard)
        job.exploration = exploration
        job.basePolicy = base
        job.out = out
        if swarm != nil || swarmSpacing != nil || swarmLanes != nil {
            var sw = job.swarm ?? CollectionSwarm()
            if let swarm { sw.count = swarm }
            if let swarmSpacing { sw.spacing = swarmSpacing }
            if let swarmLanes { sw.lanes = swarmLanes }
            // "--swarm must be ..." -> InputError("--swarm", "must be ...")
            if let p = sw.problem(totalLanes: job.lanes, name: CollectionSwarm.flagName) {
                let flag = p.prefix { $0 != " " }
                throw InputError(String(flag), String(p.dropFirst(flag.count + 1)))
            }
            job.swarm = sw
        }
        flight.apply(to: &job.env)
        if let record {
            let (summary, logs) = try RecordedJobs.collect(job, record: record, imageEncoding: frames, registry: PolicyCatalog.registry)
            print(summary)
            print("recorded \(logs.count) episode logs (\(logs.first ?? "") ...)")
        } else {
            print(try job.run(registry: PolicyCatalog.registry))
        }
    }
}
