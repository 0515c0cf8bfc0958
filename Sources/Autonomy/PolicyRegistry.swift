import Diagnostics
import Foundation

/// Resolves `--policy` values to `PolicySpec`s: built-in names, or files through loaders keyed by
/// file suffix. `standard` loads learned GtS checkpoints (`.safetensors`, `LearnedPolicy`);
/// other formats register the same way:
///
/// ```swift
/// var registry = PolicyRegistry.standard
/// registry.registerFileLoader(suffix: ".onnx") { path in try MyPolicy.spec(file: path) }
/// ```
public struct PolicyRegistry: Sendable {
    public typealias FileLoader = @Sendable (String) throws -> PolicySpec
    public private(set) var builtins: [String: PolicySpec] = [:]
    public private(set) var fileLoaders: [(suffix: String, load: FileLoader)] = []

    public init() {}

    /// straight, random and privileged, and learned checkpoints (`*.safetensors`).
    public static var standard: PolicyRegistry {
        var r = PolicyRegistry()
        r.register(PolicySpec(name: "straight", isPrivileged: false) { StraightPolicy() })
        r.register(PolicySpec(name: "random", isPrivileged: false) { RandomYawPolicy() })
        r.register(PolicySpec(name: "privileged", isPrivileged: true) { PrivilegedPlannerPolicy() })
        r.registerFileLoader(suffix: ".safetensors") { path in try LearnedPolicy.spec(checkpoint: path) }
        return r
    }

    public mutating func register(_ spec: PolicySpec) { builtins[spec.name] = spec }

    public mutating func registerFileLoader(suffix: String, _ load: @escaping FileLoader) {
        fileLoaders.append((suffix, load))
    }

    /// A built-in by name, else a file by its suffix; unknown values are `InputError`s.
    public func resolve(_ value: String, source: String = "--policy") throws -> PolicySpec {
        if let b = builtins[value] { return b }
        if let l = fileLoaders.first(where: { value.hasSuffix($0.suffix) }) {
            let path = BundledResource.resolve(value)
            guard FileManager.default.fileExists(atPath: path) else { throw InputError(value, "policy file not found") }
            return try l.load(path)
        }
        let files = fileLoaders.isEmpty ? "no policy file formats are registered yet" : "files ending in \(fileLoaders.map(\.suffix).joined(separator: ", "))"
        throw InputError(source, "unknown policy \"\(value)\" (known: \(builtins.keys.sorted().joined(separator: ", ")); \(files))")
    }
}
