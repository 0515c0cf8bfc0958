import App
import ArgumentParser
import Autonomy
import Diagnostics
import Runtime

struct CollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Collect exploration episodes into a collision-prediction dataset shard (.swcd).",
        discussion: """
        Worlds: 'train' (the first --world-count training worlds) or a comma list of world \
        files and generator specs, FAMILY:A-B expanding to seeds A..B (e.g. \
        forest:0-9,hallway:0-4). Held-out worlds are refused.

        --shard i/n derives independent seeds so that n machines collect n shards.
        """
    )

    @Option(help: "World set: train or a list of files/specs.") var worlds: String = "train"
    @Option(help: "Number of worlds for the named set.") var worldCount: Int = 10
    @Option(help: "Robot file (URDF).") var robot: String = "Robots/cf2x.urdf"
    @Option(help: "Domain profile: sim or real.") var domain: String = "sim"
    @Option(help: "Control steps (samples) in this shard.") var steps: Int = 10_000
    @Option(help: "Seed of the whole collection (shards derive theirs).") var seed: UInt64 = 0
    @Option(help: "This job's shard, i/n.") var shard: String = "0/1"
    @Option(help: "Exploration: uniform (random yaw-rate sequences), gaussian or epsilon (around --base).")
    var exploration: String = "uniform"
    @Option(help: "Base policy for gaussian/epsilon exploration.") var base: String = "straight"
    @Option(help: "Independent lanes (the data depend on it, not on the thread count).") var lanes: Int = 8
    @Option(help: "Output directory.") var out: String = "data"
    @Option(help: "Record every episode as an MCAP log: FILE-lane<L>-ep<E>.mcap.") var record: String?

    @OptionGroup var flight: FlightOptions

    func run() throws {
        var job = CollectJob()
        job.worlds = worlds
        job.worldCount = worldCount
        job.robot = robot
        job.domain = domain
        job.steps = steps
        job.seed = seed
        job.shard = try ShardSpec.parse(shard)
        job.exploration = exploration
        job.basePolicy = base
        job.lanes = lanes
        job.out = out
        flight.apply(to: &job.env)
        if let record {
            let (summary, logs) = try RecordedJobs.collect(job, record: record, registry: PolicyCatalog.registry)
            print(summary)
            print("recorded \(logs.count) episode logs (\(logs.first ?? "") ...)")
        } else {
            print(try job.run(registry: PolicyCatalog.registry))
        }
    }
}
