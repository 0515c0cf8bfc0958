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

        --swarm N compares the --policy specs in swarms of N vehicles (fly --swarm N --policy's \
        line abreast into --world, default the demo's forest), episode k from the same seed for \
        every policy: distance per vehicle, world collisions and vehicle contacts per km, shares \
        of vehicles ended by each (95% bootstrap CIs over episodes; the shares also with Wilson \
        over vehicles), and every policy against the first, paired by episode (distance ratio, \
        differences per km). No baselines are added; --worlds, --world-count, --no-baselines, \
        --record and --image-encoding do not apply.
        """
    )

    @Option(name: .customLong("policy"), help: "Policy to evaluate (repeatable).") var policies: [String] = []
    @Flag(inversion: .prefixedNo, help: "Add the straight, random and privileged baselines. (default: on)") var baselines: Bool?
    @Option(help: "World set: held-out, train or a list. (default: held-out)") var worlds: String?
    @Option(help: "Number of worlds for a named set. (default: 6)") var worldCount: Int?
    @Option(help: "Episodes per world and policy (with --swarm: per policy, default 10). (default: 5)") var episodes: Int?
    @Option(help: "Compare the policies in swarms of N vehicles (1-64), each flying its own instance.") var swarm: Int?
    @Option(help: "(--swarm) World file or spec. (default: the demo's forest, forest:1:trees=200,boxes=50,size=50)") var world: String?
    @Option(help: "Robot file (URDF).") var robot: String = "Robots/cf2x.urdf"
    @Option(help: "Domain profile: sim, real, real-dynamics or real-appearance.") var domain: String = "sim"
    @Option(help: "Route length in metres (success = flying it without a collision).") var route: Double = 30
    @Option(help: "Seed of the episode draws.") var seed: UInt64 = 0
    @Option(help: "Directory for eval.md, eval.csv and eval-episodes.csv (every episode) (default: none; the table is only printed).") var out: String?
    @Option(help: "Record every episode as an MCAP log: FILE-<policy>-w<W>-ep<E>.mcap.") var record: String?
    @Option(help: "(--record) Camera frames as cdr (ROS 2 sensor_msgs/msg/Image, binary) or json (foxglove.RawImage, base64). (default: cdr)")
    var imageEncoding: String?

    @OptionGroup var flight: FlightOptions

    func run() throws {
        if let swarm { return try runSwarm(swarm) }
        if world != nil { throw InputError("--world", "applies only with --swarm (single-vehicle eval takes --worlds)") }
        let frames = try ImageMessageEncoding.parse(imageEncoding, recording: record != nil)
        var job = EvalJob()
        job.policies = policies
        job.baselines = baselines ?? true
        job.worlds = worlds ?? job.worlds
        job.worldCount = worldCount ?? job.worldCount
        job.episodes = episodes ?? job.episodes
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

    /// `eval --swarm N`: the policies compared in swarms (`SwarmEvalJob`).
    func runSwarm(_ count: Int) throws {
        let given: [(String, Bool)] = [("--worlds", worlds != nil), ("--world-count", worldCount != nil),
                                       (baselines == false ? "--no-baselines" : "--baselines", baselines != nil),
                                       ("--record", record != nil), ("--image-encoding", imageEncoding != nil)]
        if let flag = given.first(where: \.1)?.0 {
            throw InputError(flag, "does not apply with --swarm (it compares only the --policy specs, in --world)")
        }
        var job = SwarmEvalJob()
        job.count = count
        job.policies = policies
        job.episodes = episodes ?? job.episodes
        job.seed = seed
        job.world = world
        job.robot = robot
        job.domain = domain
        job.routeLength = route
        job.out = out
        flight.apply(to: &job.env)
        print(try job.run(registry: PolicyCatalog.registry).markdown(), terminator: "")
    }
}

/// The policies `eval --policy` and `collect --base` know: the built-ins, plus file formats
/// registered in `PolicyRegistry.standard` (learned GtS checkpoints, `*.safetensors`).
enum PolicyCatalog {
    static var registry: PolicyRegistry { PolicyRegistry.standard }
}
