import Diagnostics
import Foundation
import Geometry
@testable import Neural
import TestSupport
import Testing

/// Safetensors round trips and clean failures on bad files.
@Suite struct CheckpointTests {
    func sample() -> (Parameters, CheckpointMetadata) {
        var rng = RNG(seed: 1)
        var p = Parameters()
        ReferenceModel().initialize(&p, rng: &rng)
        p["extra.scalar"] = Tensor(scalar: -0.0)
        p["extra.odd"] = Tensor(shape: [3], data: [.nan, .infinity, Float(bitPattern: 1)])
        let meta = CheckpointMetadata(architecture: "reference conv32-64-64 fc256", trainingConfig: ["lr": "0.001", "batch": "64"],
                                      datasetHash: "abc123")
        return (p, meta)
    }

    func bitsEqual(_ a: Parameters, _ b: Parameters) -> Bool {
        a.names.sorted() == b.names.sorted() && a.names.allSatisfy { n in
            a[n]!.shape == b[n]!.shape && a[n]!.data.map(\.bitPattern) == b[n]!.data.map(\.bitPattern)
        }
    }

    @Test func roundTripIsBitIdentical() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let (p, meta) = sample()
        let path = dir.file("model.safetensors")
        try Checkpoint.save(p, metadata: meta, to: path)
        let (q, m) = try Checkpoint.load(path)
        #expect(bitsEqual(p, q))
        #expect(m == meta)
        let sidecar = try JSONDecoder().decode(CheckpointMetadata.self, from: Data(contentsOf: URL(fileURLWithPath: path + ".json")))
        #expect(sidecar == meta)
        let (ordered, _) = try Checkpoint.load(path, matching: p)
        #expect(ordered.names == p.names && bitsEqual(ordered, p))
        // header length is 8-byte aligned, as the format recommends
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) } % 8 == 0)
    }

    @Test func mismatchedModelIsRejected() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let (p, meta) = sample()
        let path = dir.file("m.safetensors")
        try Checkpoint.save(p, metadata: meta, to: path)
        var wrongShape = p
        wrongShape["head.fc1.bias"] = Tensor(shape: [11])
        #expect(throws: InputError.self) { try Checkpoint.load(path, matching: wrongShape) }
        var missing = p
        missing["head.fc2.weight"] = Tensor(shape: [1])
        #expect(throws: InputError.self) { try Checkpoint.load(path, matching: missing) }
        var fewer = p
        fewer["extra.odd"] = nil
        #expect(throws: InputError.self) { try Checkpoint.load(path, matching: fewer) }
        #expect(throws: InputError.self) { try Checkpoint.load(dir.file("absent.safetensors")) }
    }

    @Test func truncatedFilesFailCleanly() throws {
        let (p, meta) = sample()
        let data = try Checkpoint.encode(p, metadata: meta)
        for cut in [0, 4, 8, 9, 100, data.count / 2, data.count - 1] {
            #expect(throws: InputError.self) { try Checkpoint.decode(data.prefix(cut), source: "cut\(cut)") }
        }
        var longer = data
        longer.append(0)
        #expect(throws: InputError.self) { try Checkpoint.decode(longer, source: "trailing") }
    }

    func file(header: String, body: Int = 0) -> Data {
        var d = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { d.append(contentsOf: $0) }
        d.append(Data(header.utf8))
        d.append(Data(count: body))
        return d
    }

    @Test func corruptHeadersFailCleanly() {
        var lying = Data()
        withUnsafeBytes(of: UInt64.max.littleEndian) { lying.append(contentsOf: $0) }
        lying.append(Data(repeating: 0x7b, count: 64))
        let cases: [(String, Data)] = [
            ("lying length", lying),
            ("not json", file(header: "garbage!")),
            ("not object", file(header: "[1,2]")),
            ("f16", file(header: #"{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, body: 4)),
            ("bad shape", file(header: #"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, body: 8)),
            ("size mismatch", file(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, body: 8)),
            ("out of range", file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, body: 8)),
            ("overlap", file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, body: 8)),
            ("fractional shape", file(header: #"{"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#, body: 8)),
            ("fractional offset", file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8.5]}}"#, body: 9)),
            ("huge shape", file(header: #"{"a":{"dtype":"F32","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,8]}}"#, body: 8)),
            ("bad metadata", file(header: #"{"__metadata__":{"k":3}}"#)),
        ]
        for (what, data) in cases {
            #expect(throws: InputError.self, "\(what)") { try Checkpoint.decode(data, source: what) }
        }
        // another kind of file (an MCAP log's magic and header) says so instead of a header length
        let mcap = Data([0x89, 0x4d, 0x43, 0x41, 0x50, 0x30, 0x0d, 0x0a, 0x01, 0x20, 0, 0, 0, 0, 0, 0])
        #expect { try Checkpoint.decode(mcap, source: "run.mcap") } throws: {
            ($0 as? InputError)?.location == "byte 8" && "\($0)".contains("not a safetensors checkpoint")
        }
        // a valid minimal file for contrast
        let ok = file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, body: 8)
        #expect((try? Checkpoint.decode(ok, source: "ok"))?.parameters["a"] == Tensor(shape: [2]))
    }
}
