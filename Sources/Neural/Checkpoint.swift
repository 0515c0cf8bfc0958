import Diagnostics
import Foundation

/// What a checkpoint was trained as: stored in the safetensors `__metadata__` and in a JSON
/// sidecar `<path>.json`.
public struct CheckpointMetadata: Codable, Sendable, Equatable {
    /// Model architecture identifier and its hyperparameters, e.g. "gts-v1 conv32-64-64 lstm128".
    public var architecture: String
    /// Training configuration (learning rate, batch size, epochs...), as strings.
    public var trainingConfig: [String: String]
    /// Hash of the training data set (hex), empty if unknown.
    public var datasetHash: String
    /// Anything else worth keeping.
    public var extra: [String: String]

    public init(architecture: String, trainingConfig: [String: String] = [:], datasetHash: String = "",
                extra: [String: String] = [:]) {
        self.architecture = architecture; self.trainingConfig = trainingConfig
        self.datasetHash = datasetHash; self.extra = extra
    }
}

/// Safetensors checkpoints (F32 tensors, little-endian) with metadata.
///
/// Layout: 8-byte little-endian header length, a JSON header mapping each name to
/// `{"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}` plus `"__metadata__"`
/// (string to string), padded with spaces to a multiple of 8, then the raw data. Readable by the
/// public `safetensors` packages.
public enum Checkpoint {
    /// Largest header accepted when reading (a lying length never allocates more).
    static let maxHeaderBytes = 64 << 20

    /// Serialises parameters and metadata to safetensors bytes.
    public static func encode(_ p: Parameters, metadata: CheckpointMetadata) throws -> Data {
        var header: [String: Any] = [:]
        var offset = 0
        for (name, t) in zip(p.names, p.tensors) {
            precondition(name != "__metadata__", "a parameter may not be called __metadata__")
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count]] as [String: Any]
            offset += 4 * t.count
        }
        let metaJSON = String(decoding: try JSONEncoder.sorted.encode(metadata), as: UTF8.self)
        header["__metadata__"] = ["swiftlet": metaJSON, "format": "pt", "architecture": metadata.architecture,
                                  "dataset_hash": metadata.datasetHash]
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for t in p.tensors {
            t.data.withUnsafeBufferPointer { buf in
                if Int(1).littleEndian == 1 {
                    out.append(UnsafeBufferPointer(start: UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: UInt8.self),
                                                   count: 4 * buf.count))
                } else {
                    for v in buf { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
                }
            }
        }
        return out
    }

    /// Writes `<path>` (safetensors) and `<path>.json` (metadata), each atomically.
    public static func save(_ p: Parameters, metadata: CheckpointMetadata, to path: String) throws {
        try AtomicFile.write(encode(p, metadata: metadata), to: path)
        try AtomicFile.write(JSONEncoder.sorted.encode(metadata), to: path + ".json")
    }

    /// Reads a checkpoint. Throws `InputError` naming the file and the problem on a missing,
    /// truncated or corrupt file or a non-F32 tensor. A relative path missing from the working
    /// directory is looked up in the checkout (`BundledResource`, for `Assets/policies`).
    public static func load(_ path: String) throws -> (parameters: Parameters, metadata: CheckpointMetadata?) {
        try decode(try InputFile.read(BundledResource.resolve(path), as: "a safetensors checkpoint", display: path), source: path)
    }

    /// Reads a checkpoint and checks it holds exactly the names and shapes of `expected`
    /// (e.g. a freshly initialised model); returns the loaded parameters in `expected`'s order.
    public static func load(_ path: String, matching expected: Parameters) throws -> (parameters: Parameters, metadata: CheckpointMetadata?) {
        let (p, meta) = try load(path)
        return (try exactly(p, like: expected, source: path), meta)
    }

    /// `select`, and no tensor of `loaded` left over: the checkpoint holds exactly `expected`'s
    /// names and shapes (for a checkpoint already read, e.g. to size its network first).
    public static func exactly(_ loaded: Parameters, like expected: Parameters, source: String) throws -> Parameters {
        let out = try select(loaded, like: expected, source: source)
        if let extra = loaded.names.first(where: { !expected.contains($0) }) {
            throw InputError(source, at: extra, "tensor in checkpoint is not a parameter of the model")
        }
        return out
    }

    /// The tensors of `loaded` named in `expected` (e.g. a freshly initialised model), in
    /// `expected`'s order, each checked to have its shape; other tensors of `loaded` (a
    /// checkpoint's extra statistics) are left out. Throws `InputError` naming `source` and the
    /// tensor.
    public static func select(_ loaded: Parameters, like expected: Parameters, source: String) throws -> Parameters {
        var out = Parameters()
        for (name, t) in zip(expected.names, expected.tensors) {
            guard let got = loaded[name] else { throw InputError(source, at: name, "tensor missing from checkpoint") }
            guard got.shape == t.shape else {
                throw InputError(source, at: name, "shape \(got.shape) in checkpoint, model expects \(t.shape)")
            }
            out[name] = got
        }
        return out
    }

    /// A JSON number that is a whole number (`2`, `2.0`), as an Int; nil for `1.5`, non-numbers
    /// and values beyond exact double integers (a header's shapes and offsets must not be rounded).
    static func exactInteger(_ value: Any) -> Int? {
        guard let n = value as? NSNumber else { return nil }
        let d = n.doubleValue
        guard d.isFinite, abs(d) < 9.0e15 else { return nil }
        return Int(exactly: d)
    }

    /// Parses safetensors bytes (see `load`).
    public static func decode(_ data: Data, source: String) throws -> (parameters: Parameters, metadata: CheckpointMetadata?) {
        guard data.count >= 8 else { throw InputError(source, "truncated: \(data.count) bytes, no header length") }
        // the JSON header opens at byte 8: anything else is another kind of file (an MCAP log, a PNG)
        if data.count > 8, data[data.startIndex + 8] != UInt8(ascii: "{") {
            let shown = data.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw InputError(source, at: "byte 8", String(format: "not a safetensors checkpoint: 0x%02x where its JSON header opens with '{' (file starts %@)",
                                                          data[data.startIndex + 8], shown))
        }
        let n = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard n <= UInt64(maxHeaderBytes), n <= UInt64(data.count - 8) else {
            throw InputError(source, "header length \(n) exceeds the file (\(data.count) bytes) or the \(maxHeaderBytes)-byte limit")
        }
        let headerBytes = data.subdata(in: (data.startIndex + 8)..<(data.startIndex + 8 + Int(n)))
        guard let header = (try? JSONSerialization.jsonObject(with: headerBytes)) as? [String: Any] else {
            throw InputError(source, "header is not a JSON object")
        }
        let body = data.count - 8 - Int(n)
        let base = data.startIndex + 8 + Int(n)
        var entries: [(name: String, shape: [Int], begin: Int, end: Int)] = []
        var metadata: CheckpointMetadata?
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: Any], m.values.allSatisfy({ $0 is String }) else {
                    throw InputError(source, at: name, "metadata must map strings to strings")
                }
                if let s = m["swiftlet"] as? String {
                    metadata = try? JSONDecoder().decode(CheckpointMetadata.self, from: Data(s.utf8))
                }
                continue
            }
            guard let e = value as? [String: Any] else { throw InputError(source, at: name, "entry is not an object") }
            guard let dtype = e["dtype"] as? String else { throw InputError(source, at: name, "missing dtype") }
            guard dtype == "F32" else { throw InputError(source, at: name, "dtype \(dtype), only F32 is supported") }
            guard let shape = (e["shape"] as? [Any])?.compactMap(Checkpoint.exactInteger),
                  shape.count == (e["shape"] as? [Any])?.count, shape.allSatisfy({ $0 >= 0 && $0 <= Int(Int32.max) }) else {
                throw InputError(source, at: name + ".shape", "shape must be a list of non-negative integers")
            }
            guard let off = (e["data_offsets"] as? [Any])?.compactMap(Checkpoint.exactInteger), off.count == 2,
                  off[0] >= 0, off[0] <= off[1], off[1] <= body else {
                throw InputError(source, at: name + ".data_offsets", "offsets missing or outside the \(body)-byte data section")
            }
            let (count, overflow) = shape.reduce((1, false)) { acc, d in
                let r = acc.0.multipliedReportingOverflow(by: d); return (r.partialValue, acc.1 || r.overflow)
            }
            let bytes = count.multipliedReportingOverflow(by: 4)
            guard !overflow, !bytes.overflow, off[1] - off[0] == bytes.partialValue else {
                throw InputError(source, at: name, "shape \(shape) does not match the \(off[1] - off[0]) bytes its offsets give")
            }
            entries.append((name, shape, off[0], off[1]))
        }
        // the entries must tile the data section exactly (no overlap, no gap, nothing trailing)
        entries.sort { ($0.begin, $0.name) < ($1.begin, $1.name) }
        var cursor = 0
        for e in entries {
            guard e.begin == cursor else { throw InputError(source, at: e.name, "data overlaps or leaves a gap at byte \(cursor)") }
            cursor = e.end
        }
        guard cursor == body else { throw InputError(source, "data section is \(body) bytes, tensors cover \(cursor)") }
        var p = Parameters()
        for e in entries.sorted(by: { $0.name < $1.name }) {
            var values = [Float](repeating: 0, count: (e.end - e.begin) / 4)
            values.withUnsafeMutableBytes { dst in
                data.copyBytes(to: dst.bindMemory(to: UInt8.self), from: (base + e.begin)..<(base + e.end))
            }
            if Int(1).littleEndian != 1 { for i in values.indices { values[i] = Float(bitPattern: UInt32(littleEndian: values[i].bitPattern)) } }
            p[e.name] = Tensor(shape: e.shape, data: values)
        }
        return (p, metadata)
    }
}

extension JSONEncoder {
    /// Pretty, key-sorted JSON (stable bytes for the same value).
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return e
    }
}
