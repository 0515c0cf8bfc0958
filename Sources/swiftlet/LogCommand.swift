import ArgumentParser
import Diagnostics
import Recording

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Inspect and repair MCAP episode logs.",
        subcommands: [LogInfoCommand.self, LogRecoverCommand.self, LogSampleCommand.self]
    )
}

struct LogInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Topics, schemas, message counts, time range and chunks of a log (CRCs checked)."
    )

    @Argument(help: "The .mcap file.")
    var file: String

    func run() throws {
        print(try MCAPInfo.load(path: file).text)
    }
}

struct LogRecoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Rewrite a cut or crashed log into a valid indexed one and say what was lost."
    )

    @Argument(help: "The damaged .mcap file.")
    var input: String

    @Argument(help: "Where to write the repaired file (may be the same path).")
    var output: String

    func run() throws {
        print(try MCAPRecovery.recover(input: input, output: output).summary)
    }
}

struct LogSampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Write a synthetic episode log (for checks with other MCAP readers).",
        shouldDisplay: false
    )

    @Argument(help: "Output .mcap file.")
    var output: String

    @Option(help: "Simulated seconds.")
    var seconds: Double = 3

    @Option(help: "Chunk duration in simulated seconds (small values give many chunks).")
    var chunkSeconds: Double = 1

    @Option(help: "Camera frames as cdr (ROS 2 sensor_msgs/msg/Image) or json (foxglove.RawImage, base64).")
    var imageEncoding: String = ImageMessageEncoding.cdr.rawValue

    func run() throws {
        let encoding = try ImageMessageEncoding.parse(imageEncoding, recording: true)
        let stats = try SampleEpisode.write(path: output, seconds: seconds,
                                            options: MCAPWriter.Options(chunkDuration: UInt64(chunkSeconds * 1e9)),
                                            imageEncoding: encoding)
        print("wrote \(output): \(stats.messageCount) messages in \(stats.chunkCount) chunks")
    }
}
