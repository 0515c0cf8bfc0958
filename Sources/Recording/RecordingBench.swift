import Diagnostics
import Foundation

/// The `record` bench suite: cost of recording a typical episode mix and of reading it back.
public enum RecordingBench {
    public static let suite = BenchSuite(
        name: "record",
        summary: "MCAP episode recording (lz4 and uncompressed; CDR and JSON images): msgs/s, MB/s, ms per simulated "
            + "second, size; reading, LZ4 and CRC speed",
        run: run)

    static func run(_ o: BenchOptions) throws -> [BenchRecord] {
        let simSeconds = max(5, (60 * o.timeScale).rounded())
        let repeats = o.timeScale < 0.5 ? 3 : 5
        let dir = NSTemporaryDirectory() + "/swiftlet-bench-record-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/episode.mcap"
        let mix = ["mix": "pose+command+tf(2)+motors @100Hz, mono8 96x72 @4Hz", "sim_s": String(Int(simSeconds))]

        // the typical mix written to a real file (write() per chunk included) and read back: uncompressed and
        // lz4 (the default) with CDR images (the default), and lz4 with JSON images; MB/s count the uncompressed
        // log's bytes (of the same image encoding), so the compressions compare
        var out: [BenchRecord] = []
        let jsonMB = Double(try SampleEpisode.bytes(seconds: simSeconds, full: false, options: MCAPWriter.Options(compression: .none),
                                                     imageEncoding: .json).count) / 1e6
        var logMB = 0.0
        for (compression, images, tag) in [(MCAPCompression.none, ImageMessageEncoding.cdr, "_uncompressed"), (.lz4, .cdr, ""),
                                           (.lz4, .json, "_json_images")] {
            let extra = mix.merging(["compression": compression.label, "images": images.rawValue]) { a, _ in a }
            var stats = MCAPStatistics()
            var failure: (any Error)?
            let t = Stopwatch.median(repeats: repeats) {
                do {
                    let rec = try EpisodeRecorder(path: path, metadata: SampleEpisode.metadata,
                                                  options: MCAPWriter.Options(compression: compression), imageEncoding: images)
                    try SampleEpisode.record(into: rec, seconds: simSeconds, full: false)
                    stats = try rec.close()
                } catch { failure = error }
            }
            if let failure { throw failure }
            let size = Double((try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0)
            if compression == .none { logMB = size / 1e6 }
            if images == .json { logMB = jsonMB }
            o.log("bench record (\(compression.label), \(images.rawValue) images): \(stats.messageCount) messages, \(Int(size)) bytes, "
                  + "\(stats.chunkCount) chunks in \(t) s")
            let tLoad = Stopwatch.median(repeats: repeats) { _ = try? EpisodeLog.load(path: path) }
            let reader = try MCAPReader(path: path)
            let tRead = Stopwatch.median(repeats: repeats) { _ = try? reader.messages(validateCRCs: true) }
            out += [
                BenchRecord(suite: "record", metric: "write_msgs_per_s" + tag, value: Double(stats.messageCount) / t,
                            unit: "msgs/s", extra: extra),
                BenchRecord(suite: "record", metric: "write_MB_per_s" + tag, value: logMB / t, unit: "MB/s",
                            extra: extra.merging(["note": "uncompressed log bytes per second"]) { a, _ in a }),
                BenchRecord(suite: "record", metric: "write_ms_per_sim_s" + tag, value: 1000 * t / simSeconds, unit: "ms",
                            extra: extra.merging(["note": "wall time recording adds per simulated second"]) { a, _ in a }),
                BenchRecord(suite: "record", metric: "log_bytes_per_sim_s" + tag, value: size / simSeconds, unit: "B", extra: extra),
                BenchRecord(suite: "record", metric: "episode_log_load_MB_per_s" + tag, value: logMB / tLoad, unit: "MB/s",
                            extra: extra.merging(["note": "EpisodeLog.load with CRC checks, images decoded; uncompressed log bytes"]) { a, _ in a }),
                BenchRecord(suite: "record", metric: "episode_log_load_s" + tag, value: tLoad, unit: "s",
                            extra: extra.merging(["note": "EpisodeLog.load of the whole log, CRC checks, images decoded"]) { a, _ in a }),
                BenchRecord(suite: "record", metric: "indexed_read_MB_per_s" + tag, value: logMB / tRead, unit: "MB/s",
                            extra: extra.merging(["note": "all messages with CRC checks; uncompressed log bytes"]) { a, _ in a }),
            ]
        }

        // LZ4 alone on the uncompressed records of the same mix, cut like chunks (1 MiB)
        let raw = try SampleEpisode.bytes(seconds: simSeconds, full: false, options: MCAPWriter.Options(compression: .none))
        let pieces = stride(from: 0, to: raw.count, by: 1 << 20).map { Array(raw[$0..<min(raw.count, $0 + (1 << 20))]) }
        var encoder = LZ4Encoder()
        var frames: [[UInt8]] = []
        let tPack = Stopwatch.median(repeats: repeats) { frames = pieces.map { encoder.compress($0) } }
        let packed = Double(frames.reduce(0) { $0 + $1.count })
        var unpackFailure: (any Error)?
        let tUnpack = Stopwatch.median(repeats: repeats) {
            do { for (f, p) in zip(frames, pieces) { _ = try LZ4.decompress(f, maxOutput: p.count) } } catch { unpackFailure = error }
        }
        if let unpackFailure { throw unpackFailure }
        let lz4Extra = mix.merging(["input": "uncompressed log of the mix in 1 MiB pieces, \(raw.count) bytes"]) { a, _ in a }
        out += [
            BenchRecord(suite: "record", metric: "lz4_compress_MB_per_s", value: Double(raw.count) / tPack / 1e6, unit: "MB/s",
                        extra: lz4Extra),
            BenchRecord(suite: "record", metric: "lz4_decompress_MB_per_s", value: Double(raw.count) / tUnpack / 1e6,
                        unit: "MB/s", extra: lz4Extra.merging(["note": "output bytes per second"]) { a, _ in a }),
            BenchRecord(suite: "record", metric: "lz4_ratio", value: Double(raw.count) / packed, unit: "x", extra: lz4Extra),
        ]

        // CRC-32 (slicing by 8)
        let block = [UInt8](repeating: 0xA5, count: 1 << 22)
        var sink: UInt32 = 0
        let tCRC = Stopwatch.median(repeats: repeats) { sink ^= CRC32.checksum(block) }
        out.append(BenchRecord(suite: "record", metric: "crc32_MB_per_s", value: Double(block.count) / tCRC / 1e6, unit: "MB/s",
                               extra: ["crc_parity": String(sink & 1)]))
        return out
    }
}
