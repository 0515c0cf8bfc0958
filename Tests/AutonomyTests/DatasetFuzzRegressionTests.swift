import Diagnostics
import Foundation
import Recording
import Testing
@testable import Autonomy

/// Inputs that crashed the dataset readers (docs/fuzzing.md): each must now be refused with an
/// `InputError` naming the file and the field.
@Suite struct DatasetFuzzRegressionTests {
    /// A `.swhi` file: magic, version, metadata JSON, then its FNV-1a hash (as the writer appends).
    static func swhi(metadata: String) -> Data {
        var d = Data("SWHI".utf8) + Data([1, 0, 0, 0])
        let json = Data(metadata.utf8)
        withUnsafeBytes(of: UInt32(json.count).littleEndian) { d.append(contentsOf: $0) }
        d.append(json)
        withUnsafeBytes(of: FNV1a.hash(d).littleEndian) { d.append(contentsOf: $0) }
        return d
    }

    /// height x width x records overflowed Int (an arithmetic-overflow trap) before the size check.
    @Test func swhiSizesThatOverflowAreRefused() {
        let d = Self.swhi(metadata: #"{"episodes":"0","height":"4294967296","platform":"jackal","records":"1","width":"4294967296"}"#)
        #expect { _ = try HIntDataset.decode(d, source: "big.swhi") } throws: { e in
            guard let e = e as? InputError else { return false }
            return e.source == "big.swhi" && e.location == "metadata" && e.message.contains("4294967296")
        }
    }

    /// Sizes that fit Int but not the file (a trillion records) are refused before any allocation.
    @Test func swhiSizesBeyondTheFileAreRefused() {
        let d = Self.swhi(metadata: #"{"episodes":"1000000000000","height":"1","platform":"jackal","records":"1000000000000","width":"1"}"#)
        #expect { _ = try HIntDataset.decode(d, source: "big.swhi") } throws: { e in
            (e as? InputError)?.location == "metadata" && (e as? InputError)?.message.contains("1000000000000") == true
        }
    }

    /// An HInt MCAP log whose metadata claims 2^32 x 2^32 images reserved height x width x records
    /// bytes (an overflow trap); now refused at the metadata.
    @Test func hintMCAPImageSizeThatOverflowsIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hint-overflow-\(UInt32.random(in: 0...UInt32.max)).mcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let extra = ["platform": "jackal", "height": "4294967296", "width": "4294967296", "records": "1", "episodes": "0"]
        let meta = EpisodeMetadata(world: "", seed: 0, robot: "jackal", profile: "sim", dt: 0.25, commandNames: ["yaw_rate"], extra: extra)
        let rec = try EpisodeRecorder(path: path, metadata: meta)
        try rec.image(time: 0, camera: HIntDatasetMCAP.camera, width: 4, height: 3, encoding: .mono8, pixels: [UInt8](repeating: 9, count: 12))
        let w = rec.writer
        let schema = try w.addSchema(name: HIntDatasetMCAP.sampleSchemaName, encoding: "jsonschema", data: Array("{}".utf8))
        let channel = try w.addChannel(topic: HIntDatasetMCAP.sampleTopic, messageEncoding: "json", schemaID: schema)
        try w.write(channel: channel, logTime: 0) { $0.raw(Array(#"{"platform":"jackal"}"#.utf8)) }
        _ = try rec.close()
        #expect { _ = try HIntDatasetMCAP.read(path: path) } throws: { e in
            guard let e = e as? InputError else { return false }
            return e.source == path && e.location.hasSuffix(".extra") && e.message.contains("4294967296")
        }
    }
}
