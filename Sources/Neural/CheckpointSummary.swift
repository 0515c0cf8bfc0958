import Foundation
import Geometry

extension Checkpoint {
    /// One line per tensor (name, shape, element sum, FNV-1a hash of the float bits) after a
    /// header line with the architecture: what `swiftlet checkpoint` prints and what
    /// tools/check_safetensors.py compares against the Python safetensors reader.
    public static func summary(_ path: String) throws -> String {
        let (p, meta) = try load(path)
        var lines = ["architecture: \(meta?.architecture ?? "(none)")"]
        for (name, t) in zip(p.names, p.tensors).sorted(by: { $0.0 < $1.0 }) {
            var sum = 0.0
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for v in t.data {
                sum += Double(v)
                hash = (hash ^ UInt64(v.bitPattern)) &* 0x100_0000_01b3
            }
            let shape = t.shape.map(String.init).joined(separator: ",")
            lines.append("\(name)\t[\(shape)]\t\(String(format: "%.6e", sum))\t\(String(hash, radix: 16))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the freshly initialised benchmark reference model (seeded) as a checkpoint.
    public static func writeReference(to path: String, seed: UInt64) throws {
        var rng = RNG(seed: seed)
        var p = Parameters()
        ReferenceModel().initialize(&p, rng: &rng)
        try save(p, metadata: CheckpointMetadata(architecture: "nn-bench reference conv32-64-64 fc256 fc10",
                                                 trainingConfig: ["seed": "\(seed)"]), to: path)
    }
}
