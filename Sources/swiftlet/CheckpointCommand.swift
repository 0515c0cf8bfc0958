import ArgumentParser
import Neural

/// `swiftlet checkpoint FILE`: validate a safetensors checkpoint and list its tensors.
struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Validate a safetensors checkpoint and list its tensors (name, shape, sum, hash).",
        discussion: "With --write-reference, first write the seeded nn-bench reference model to FILE."
    )

    @Argument(help: "Checkpoint file (.safetensors).")
    var file: String

    @Flag(help: "Write the freshly initialised nn-bench reference model to FILE first.")
    var writeReference = false

    @Option(help: "Seed for --write-reference.")
    var seed: UInt64 = 1

    func run() throws {
        if writeReference { try Checkpoint.writeReference(to: file, seed: seed) }
        print(try Checkpoint.summary(file), terminator: "")
    }
}
