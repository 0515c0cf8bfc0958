import Diagnostics
import Foundation

/// Reads back the per-episode table `HIntReport.write` saves as `hint-episodes.csv`, so that a
/// finished run's report, summary and plots can be rebuilt without re-running it
/// (`swiftlet experiment hint --report-from`). The episodes must be the ones `config` asks for:
/// every method and yaw-rate limit of the config, `config.episodes` each, nothing else (the
/// report iterates the config, and its bootstrap intervals are seeded by `config.seed`).
public enum HIntEpisodesCSV {
    /// The columns `HIntReport.write` writes, in order.
    public static let header = ["yaw_limit_deg", "method", "episode", "world", "success", "collided", "distance_m", "ticks", "goal_left_m",
                                "saturated_ticks"]

    /// The episodes of `path`, checked against `config`; `recordsSaturation` is false for a CSV
    /// written before the `saturated_ticks` column existed (its episodes read 0 there).
    public static func load(_ path: String, config: HIntExperimentConfig) throws -> (episodes: [HIntEpisodeResult], recordsSaturation: Bool) {
        let data = try InputFile.read(path, as: "an HInt episodes CSV")
        guard let text = String(data: data, encoding: .utf8) else { throw InputError(path, "not UTF-8 text") }
        return try parse(text, source: path, config: config)
    }

    public static func parse(_ text: String, source: String, config: HIntExperimentConfig) throws -> (episodes: [HIntEpisodeResult], recordsSaturation: Bool) {
        let rows = CSVWriter.parse(text)
        guard let first = rows.first, first == header || first == Array(header.dropLast()) else {
            throw InputError(source, at: "line 1", "expected the header \(header.joined(separator: ",")) of hint-episodes.csv, got \(rows.first.map { $0.joined(separator: ",") } ?? "an empty file")")
        }
        var episodes: [HIntEpisodeResult] = []
        for (i, row) in rows.dropFirst().enumerated() {
            let line = "line \(i + 2)"
            guard row.count == first.count else { throw InputError(source, at: line, "expected \(first.count) fields, got \(row.count)") }
            func number(_ k: Int) throws -> Double {
                guard let v = Double(row[k]), !v.isInfinite else { throw InputError(source, at: "\(line), \(header[k])", "expected a number, got \"\(row[k])\"") }
                return v
            }
            func count(_ k: Int) throws -> Int {
                guard let v = Int(row[k]), v >= 0 else { throw InputError(source, at: "\(line), \(header[k])", "expected a non-negative integer, got \"\(row[k])\"") }
                return v
            }
            func flag(_ k: Int) throws -> Bool {
                guard row[k] == "0" || row[k] == "1" else { throw InputError(source, at: "\(line), \(header[k])", "expected 0 or 1, got \"\(row[k])\"") }
                return row[k] == "1"
            }
            guard let method = HIntMethod(rawValue: row[1]) else {
                throw InputError(source, at: "\(line), method", "unknown method \"\(row[1])\" (known: \(HIntMethod.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let limit = try number(0)
            guard config.methods.contains(method), config.yawLimitsDegrees.contains(limit) else {
                throw InputError(source, at: line, "\(method.rawValue) at \(limit) deg/s is not in the config's methods (\(config.methods.map(\.rawValue).joined(separator: ", "))) and yaw-rate limits (\(config.yawLimitsDegrees.map { "\($0)" }.joined(separator: ", "))): give the run's own config")
            }
            episodes.append(HIntEpisodeResult(method: method, yawLimitDegrees: limit, world: row[3], episode: try count(2), success: try flag(4),
                                              collided: try flag(5), distance: try number(6), ticks: try count(7),
                                              goalDistanceLeft: try number(8), saturatedTicks: first.count == header.count ? try count(9) : 0))
        }
        // every (limit, method) cell of the config, each with the config's episodes 0..<n once
        for limit in config.yawLimitsDegrees {
            for m in config.methods {
                let ids = episodes.filter { $0.method == m && $0.yawLimitDegrees == limit }.map(\.episode).sorted()
                guard ids == Array(0..<config.episodes) else {
                    throw InputError(source, "\(m.rawValue) at \(limit) deg/s has episodes \(summary(ids)), the config asks for 0-\(config.episodes - 1) once each: give the run's own config")
                }
            }
        }
        return (episodes, first.count == header.count)
    }

    /// A finished run's result rebuilt from its episodes CSV and its config, for `HIntReport`:
    /// the tables, verdicts, summary and plots come out as the run wrote them; the notes say
    /// where the report came from (the run's data and training notes and wall times are not in
    /// the CSV).
    public static func result(_ path: String, config: HIntExperimentConfig) throws -> HIntExperimentResult {
        let (episodes, recordsSaturation) = try load(path, config: config)
        var notes = ["rebuilt from \(path) (\(episodes.count) episodes); the run's data, training notes and wall times are in its own hint.md"]
        if !recordsSaturation { notes.append("the CSV predates the saturated_ticks column: \"ticks at limit\" was not recorded and reads 0%") }
        return HIntExperimentResult(config: config, episodes: episodes, notes: notes, seconds: [:])
    }

    static func summary(_ ids: [Int]) -> String {
        ids.isEmpty ? "none" : "\(ids.count) (\(ids.first!)-\(ids.last!))"
    }
}
