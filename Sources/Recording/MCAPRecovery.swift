import Diagnostics
import Foundation

/// What `MCAPRecovery` kept and lost.
public struct MCAPRecoveryReport: Sendable, Equatable {
    public var inputBytes: Int
    /// True when the input was already a complete file (it is rewritten anyway).
    public var wasComplete: Bool
    public var recoveredMessages: Int
    public var recoveredChunks: Int
    /// Log-time range of the recovered messages (ns), nil when none.
    public var recoveredTimeRange: ClosedRange<UInt64>?
    /// Bytes after the last complete record.
    public var lostBytes: Int
    /// Complete Message records seen in the cut chunk (a lower bound on messages lost: messages
    /// still in memory at a crash never reached the file).
    public var lostMessagesAtLeast: Int
    /// Log-time range of the cut chunk (ns), when its header survived.
    public var lostTimeRange: ClosedRange<UInt64>?
    /// Why the input ended early, empty when complete.
    public var reason: String
    public var outputBytes: Int

    /// A few human lines.
    public var summary: String {
        func secs(_ r: ClosedRange<UInt64>) -> String {
            String(format: "%.3f s .. %.3f s", Double(r.lowerBound) / 1e9, Double(r.upperBound) / 1e9)
        }
        var lines: [String] = []
        lines.append("recovered: \(recoveredMessages) messages in \(recoveredChunks) chunks"
                     + (recoveredTimeRange.map { ", log time " + secs($0) } ?? ""))
        if wasComplete {
            lines.append("lost: nothing (the input was a complete file)")
        } else {
            var lost = "lost: \(lostBytes) bytes after byte \(inputBytes - lostBytes)"
            if lostMessagesAtLeast > 0 || lostTimeRange != nil {
                lost += ", at least \(lostMessagesAtLeast) messages of a cut chunk"
                if let r = lostTimeRange { lost += " covering log time " + secs(r) }
            }
            lines.append(lost)
            lines.append("cause: \(reason)")
        }
        lines.append("wrote \(outputBytes) bytes")
        return lines.joined(separator: "\n")
    }
}

/// Rewrites a cut or damaged-at-the-tail MCAP file into a complete, indexed one holding every
/// message of every complete chunk (and every message outside chunks before the cut).
public enum MCAPRecovery {
    /// Recovers `bytes` and returns the new file's bytes with a report.
    public static func recover(bytes: [UInt8], source: String,
                               options: MCAPWriter.Options = MCAPWriter.Options()) throws -> ([UInt8], MCAPRecoveryReport) {
        let reader = try MCAPReader(bytes: bytes, source: source)
        let scan = try reader.scan(validateCRCs: true)
        var opts = options
        if let h = scan.header { opts.profile = h.profile }
        let w = MCAPWriter(options: opts)
        for id in scan.schemaOrder { try w.addSchema(scan.schemas[id]!) }
        for id in scan.channelOrder { try w.addChannel(scan.channels[id]!) }
        for m in scan.messages { try w.write(m) }
        try w.close()
        let times = scan.messages.map(\.logTime)
        let t = scan.truncation
        let report = MCAPRecoveryReport(
            inputBytes: bytes.count, wasComplete: t == nil, recoveredMessages: scan.messages.count,
            recoveredChunks: scan.chunks.count,
            recoveredTimeRange: times.isEmpty ? nil : times.min()!...times.max()!,
            lostBytes: t?.lostBytes ?? 0, lostMessagesAtLeast: t?.partialChunkMessages ?? 0,
            lostTimeRange: t?.partialChunkTimeRange, reason: t?.reason ?? "", outputBytes: w.memory.count)
        return (w.memory, report)
    }

    /// Recovers the file at `input` into `output` (written atomically; may equal `input`).
    public static func recover(input: String, output: String) throws -> MCAPRecoveryReport {
        let data = try InputFile.read(input, as: "an MCAP log")
        let (bytes, report) = try recover(bytes: [UInt8](data), source: input)
        try AtomicFile.write(Data(bytes), to: output)
        return report
    }
}
