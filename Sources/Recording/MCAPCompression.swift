import Diagnostics

/// How `MCAPWriter` compresses chunks: `lz4` (the LZ4 frame format, what MCAP calls "lz4") or
/// `none` (""). Readers meet the name in each Chunk and ChunkIndex record; `MCAPReader` also
/// reads "zstd" chunks (`Zstd.mcapName`), which Swiftlet does not write.
public enum MCAPCompression: String, Sendable, CaseIterable {
    case none = ""
    case lz4 = "lz4"

    /// Parses a user-given name: "lz4", "none" or "" (uncompressed). `source` names the flag or
    /// config key in the error.
    public init(name: String, source: String = "compression") throws {
        switch name.lowercased() {
        case "", "none": self = .none
        case "lz4": self = .lz4
        case Zstd.mcapName:
            throw InputError(source, "MCAP chunk compression 'zstd' is read-only in Swiftlet (it writes 'lz4' or 'none')")
        default:
            throw InputError(source, "unknown MCAP chunk compression '\(name)' (Swiftlet writes 'lz4' or 'none')")
        }
    }

    /// The name for people ("lz4", "none").
    public var label: String { self == .none ? "none" : rawValue }
}
