import ArgumentParser
import Autonomy
import Diagnostics
import Foundation

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train learned policies headless (collect -> train -> evaluate).",
        subcommands: [TrainCollisionCommand.self]
    )
}

struct TrainCollisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collision",
        abstract: "GtS collision predictor: collect in training worlds, train, evaluate on held-out worlds.",
        discussion: """
        Writes into --out: NAME.safetensors (+ .json metadata), NAME-curves.csv, NAME-curves.svg, \
        eval.md, eval.csv and NAME-report.md (NAME from --name). The JSON --config sets every \
        knob (docs/learning.md); Assets/configs/quick.json is a two-minute smoke test, \
        Assets/configs/default.json the shipped policy's recipe.

        --data trains on shards written by `swiftlet collect` (e.g. collected on several machines \
        with --shard i/n) instead of collecting round 0 itself; each shard must match the config's \
        image size, frames, horizon, domain, control rate, speed and altitude, and come from \
        training worlds.
        """
    )

    @Option(help: "Pipeline config (JSON; every key optional).") var config: String?
    @Option(help: "Output directory.") var out: String = "runs/collision"
    @Option(help: "Seed (overrides the config's).") var seed: UInt64?
    @Option(help: "Base name of the model and report files.") var name: String = CollisionPipeline.defaultName
    @Option(name: .customLong("data"), parsing: .upToNextOption,
            help: "Train on datasets from `swiftlet collect` (.swcd files or directories of them) instead of collecting round 0.")
    var data: [String] = []

    func run() throws {
        // the files are written after training: an empty name or a path fails now, not then
        guard !name.isEmpty, !name.contains("/") else { throw InputError("--name", "expected a file name without '/', got \"\(name)\"") }
        var c = try config.map(CollisionPipelineConfig.load) ?? CollisionPipelineConfig()
        if let seed { c.seed = seed }
        let command = (["swiftlet"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let r = try CollisionPipeline.run(c, out: out, name: name, command: command, data: data.isEmpty ? [] : try CollisionShards.files(data))
        if let e = r.evaluation { print(e.markdown() + "\n" + e.comparisonMarkdown(policy: 0), terminator: "") }
        print("best validation loss \(Statistics.format(r.bestValidationLoss, digits: 4)) on \(r.samples) samples; wrote:")
        for f in r.files { print("  " + f) }
    }
}
