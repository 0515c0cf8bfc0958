import App
import ArgumentParser
import Autonomy
import Diagnostics
import Recording
import Runtime

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Fly policies over a world set; per-world and overall distance, collisions/km and success with 95% CIs.",
        discussion: """
        --policy takes straight, random, privileged or a learned checkpoint (.safetensors, flown \
        with CEM MPC); repeat it to compare. The baselines straight, random and privileged \
        (which sees the true geometry, and is labelled so) join the table unless --no-baselines.

        Worlds: held-out, train, or a comma list of files/specs (FAMILY:A-B ranges).
        """
    )

    @Option(name: .customLong("policy"), help: "Policy to evaluate (repeatable).") var policies: [String] = []
    @Flag(inversion: .prefixedNo, help: "Add the straight, random and privileged baselines.") var baselines = true
    @Option(help: "World set: held-out, train or a list.") var worlds: String = "held-out"
    @Option(help: "Number of worlds for a named set.") var worldCount: Int = 6
    @Option(help: "Episodes per world and policy.") var episodes: Int = 5
    @Option(help: "Robot file (URDF).") var robot: String = "Robots/cf2x.urdf"
    @Option(help: "Domain profile: sim or real.") var domain: String = "sim"
    @Option(help: "Route length in metres (success = flying it without a collision).") var route: Double = 30
    @Option(help: "Seed of the episode draws.") var seed: UInt64 = 0
    @Option(help: "Directory for eval.md and eval.csv (default: none; the table is only printed).") var out: String?
    @Option(help: "Record every episode as an MCAP log: FILE-<policy>-w<W>-ep<E>.mcap.") var record: String?
    @Option(help: "(--record) Camera frames as cdr (ROS 2 sensor_msgs/msg/Image, binary) or json (foxglove.RawImage, base64). (default: cdr)")
    var imageEncoding: String?

    @OptionGroup var flight: FlightOptions

    func run() throws {
        let frames = try ImageMessageEncoding.parse(imageEncoding, recording: record != nil)
        var job = EvalJob()
        job.policies = policies
        job.baselines = baselines
        job.worlds = worlds
        job.worldCount = worldCount
        job.episodes = episodes
        job.robot = robot
        job.domain = domain
        job.routeLength = route
        job.seed = seed
        job.out = out
        flight.apply(to: &job.env)
        if let record {
            let (report, logs) = try RecordedJobs.eval(job, record: record, imageEncoding: frames, registry: PolicyCatalog.registry)
            print(report.markdown(), terminator: "")
            print("recorded \(logs.count) episode logs (\(logs.first ?? "") ...)")
        } else {
            let report = try job.run(registry: PolicyCatalog.registry)
            print(report.markdown(), terminator: "")
            // the first --policy against the others (paired ratios)
            if !policies.isEmpty { print("\n" + report.comparisonMarkdown(policy: 0), terminator: "") }
        }
    }
}

/// The policies `eval --policy` and `collect --base` know: the built-ins, plus file formats
/// registered in `PolicyRegistry.standard` (learned GtS checkpoints, `*.safetensors`).
enum PolicyCatalog {
    static var registry: PolicyRegistry { PolicyRegistry.standard }
}
