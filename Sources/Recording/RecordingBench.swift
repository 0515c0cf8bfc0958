import Diagnostics
import Foundation

/// The `record` bench suite: cost of recording a typical episode mix and of reading it back.
public enum RecordingBench {
    public static let suite = BenchSuite(
        name: "record",
        summary: "MCAP episode recording: msgs/s, MB/s, ms per simulated second; reading and CRC speed",
        run: run)

    static func run(_ o: BenchOptions) throws -> [BenchRecord] {
        let simSeconds = max(5, (60 * o.timeScale).rounded())
        let repeats = o.timeScale < 0.5 ? 3 : 5
        let dir = NSTemporaryDirectory() + "/swiftlet-bench-record-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/episode.mcap"
        let mix = ["mix": "pose+command+tf(2)+motors @100Hz, mono8 96x72 @4Hz", "sim_s": String(Int(simSeconds))]

        // writing: the typical mix to a real file (write() per chunk included)
        var stats = MCAPStatistics()
        var failure: (any Error)?
        let t = Stopwatch.median(repeats: repeats) {
            do {
                let rec = try EpisodeRecorder(path: path, metadata: SampleEpisode.metadata)
                try SampleEpisode.record(into: rec, seconds: simSeconds, full: false)
                stats = try rec.close()
            } catch { failure = error }
        }
        if let failure { throw failure }
        let bytes = Double((try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0)
        o.log("bench record: \(stats.messageCount) messages, \(Int(bytes)) bytes, \(stats.chunkCount) chunks in \(t) s")
        var out: [BenchRecord] = [
            BenchRecord(suite: "record", metric: "write_msgs_per_s", value: Double(stats.messageCount) / t, unit: "msgs/s", extra: mix),
            BenchRecord(suite: "record", metric: "write_MB_per_s", value: bytes / t / 1e6, unit: "MB/s", extra: mix),
            BenchRecord(suite: "record", metric: "write_ms_per_sim_s", value: 1000 * t / simSeconds, unit: "ms",
                        extra: mix.merging(["note": "wall time recording adds per simulated second"]) { a, _ in a }),
            BenchRecord(suite: "record", metric: "log_bytes_per_sim_s", value: bytes / simSeconds, unit: "B", extra: mix),
        ]

        // reading back: typed episode log and raw indexed messages
        let tLoad = Stopwatch.median(repeats: repeats) { _ = try? EpisodeLog.load(path: path) }
        out.append(BenchRecord(suite: "record", metric: "episode_log_load_MB_per_s", value: bytes / tLoad / 1e6, unit: "MB/s",
                               extra: ["note": "EpisodeLog.load with CRC checks, images decoded"]))
        let reader = try MCAPReader(path: path)
        let tRead = Stopwatch.median(repeats: repeats) { _ = try? reader.messages(validateCRCs: true) }
        out.append(BenchRecord(suite: "record", metric: "indexed_read_MB_per_s", value: bytes / tRead / 1e6, unit: "MB/s"))

        // CRC-32 (slicing by 8)
        let block = [UInt8](repeating: 0xA5, count: 1 << 22)
        var sink: UInt32 = 0
        let tCRC = Stopwatch.median(repeats: repeats) { sink ^= CRC32.checksum(block) }
        out.append(BenchRecord(suite: "record", metric: "crc32_MB_per_s", value: Double(block.count) / tCRC / 1e6, unit: "MB/s",
                               extra: ["crc_parity": String(sink & 1)]))
        return out
    }
}
