import App
import Diagnostics
import Foundation
@testable import Autonomy
@testable import Neural
import Physics
import Recording
import World

/// One fuzzed parser. `run` feeds it one input: an `InputError` (or any thrown error) is the
/// contract kept; a trap, sanitizer report, hang or huge allocation is a finding. Checks that
/// must hold for every accepted input trap on purpose (`fatalError`), so libFuzzer keeps them.
enum FuzzTarget: String, CaseIterable {
    /// `MCAPReader` on a file's bytes: summary, index, chunk (LZ4) and record decoding, messages,
    /// a linear scan and `log info`; without and with CRC checks.
    case mcap
    /// The episode view of a log (`EpisodeLog.load`, what `replay` and the dataset readers use):
    /// the JSON messages, images and metadata on top of `MCAPReader`. CRCs unchecked, so
    /// mutations inside chunks reach the message decoders. Then the swarm view of the same
    /// bytes (`SwarmLog.load`) and, when it loads, `replay --headless`'s swarm summary (minimum
    /// separation over every step, events, topics).
    case episode
    /// `MCAPRecovery`: its output must read back complete with every recovered message.
    case recover
    /// Safetensors checkpoints (`Checkpoint.decode`).
    case checkpoint
    /// Robot files: Swiftlet's XML parser and `URDFLoader.parse`.
    case urdf
    /// World JSON files (`SceneLoader.parse`).
    case world
    /// Collision dataset shards (`.swcd`); the input is the file without its trailing hash,
    /// which the harness appends so mutations reach the fields behind it.
    case swcd
    /// HInt datasets (`.swhi`); hash appended as for `swcd`.
    case swhi
    /// Experiment and pipeline config files (JSON), every reader; see `FuzzConfigs`.
    case config
    /// LZ4 frames and blocks on their own, and the encoder's round trip; see `FuzzLZ4`.
    case lz4
    /// Zstandard frames on their own, strict and lenient; see `FuzzZstd`.
    case zstd
    /// Checkpoints read by the policy loaders (network from the metadata); see `FuzzPolicies`.
    case policy
    /// The LDM flight models' directory (`LDMFlightModelFiles`) and a flow density; see `FuzzModels`.
    case ldm
    /// The HInt experiment's models directory (`HIntExperiment.load`); see `FuzzModels`.
    case hintmodels
    /// The OCS and hedging checkpoints `fly --ocs` flies (`OCSFlyModels.load`); see `FuzzModels`.
    case ocsfly

    func run(_ bytes: [UInt8]) {
        switch self {
        case .mcap:
            for validate in [false, true] {
                guard let r = try? MCAPReader(bytes: bytes, source: "fuzz.mcap", validateCRCs: validate) else { continue }
                _ = try? r.messages(validateCRCs: validate)
                _ = try? r.scan(validateCRCs: validate)
                _ = try? MCAPInfo.load(reader: r)
            }
        case .episode:
            guard let r = try? MCAPReader(bytes: bytes, source: "fuzz.mcap") else { return }
            _ = try? EpisodeLog.load(r, includeImages: true, validateCRCs: false)
            if let swarm = try? SwarmLog.load(r, validateCRCs: false) {
                _ = SwarmReplay.summary(swarm, path: "fuzz.mcap")
            }
        case .recover:
            guard let (out, report) = try? MCAPRecovery.recover(bytes: bytes, source: "fuzz.mcap") else { return }
            do {
                let back = try MCAPReader(bytes: out, source: "recovered.mcap", validateCRCs: true)
                let n = try back.messages(validateCRCs: true).count
                guard n == report.recoveredMessages else {
                    fatalError("recovered file holds \(n) messages, the report says \(report.recoveredMessages)")
                }
            } catch {
                fatalError("the recovered file does not read back: \(error)")
            }
        case .checkpoint:
            _ = try? Checkpoint.decode(Data(bytes), source: "fuzz.safetensors")
        case .urdf:
            _ = try? URDFLoader.parse(String(decoding: bytes, as: UTF8.self), source: "fuzz.urdf")
        case .world:
            _ = try? SceneLoader.parse(String(decoding: bytes, as: UTF8.self), source: "fuzz.json")
        case .swcd:
            var d = Data(bytes)
            CollisionDataset.put(&d, FNV1a.hash(bytes))
            _ = try? CollisionDataset.decode(d, source: "fuzz.swcd")
        case .swhi:
            var d = Data(bytes)
            withUnsafeBytes(of: FNV1a.hash(d).littleEndian) { d.append(contentsOf: $0) }
            _ = try? HIntDataset.decode(d, source: "fuzz.swhi")
        case .config:
            FuzzConfigs.run(bytes)
        case .lz4:
            FuzzLZ4.run(bytes)
        case .zstd:
            FuzzZstd.run(bytes)
        case .policy:
            FuzzPolicies.run(bytes)
        case .ldm:
            FuzzModels.runLDM(bytes)
        case .hintmodels:
            FuzzModels.runHInt(bytes)
        case .ocsfly:
            FuzzModels.runOCS(bytes)
        }
    }
}
