import Diagnostics
import Foundation
import Geometry
@testable import Recording
import Testing

/// The `InputError` thrown by `body`, or nil when it returns or throws something else.
func inputError<T>(_ body: () throws -> T) -> InputError? {
    do {
        _ = try body()
        return nil
    } catch let e as InputError {
        return e
    } catch {
        return nil
    }
}

/// A small multi-chunk log: 3 channels, `n` messages, chunks of about `chunkSize` bytes,
/// uncompressed unless asked (the tests that poke at record bytes need them in place).
func smallLog(messages n: Int = 40, chunkSize: Int = 400, compression: MCAPCompression = .none) throws -> [UInt8] {
    let w = MCAPWriter(options: MCAPWriter.Options(chunkSize: chunkSize, compression: compression))
    let s1 = try w.addSchema(name: "a", encoding: "jsonschema", data: Array("{}".utf8))
    let s2 = try w.addSchema(name: "b", encoding: "jsonschema", data: Array("{\"type\":\"object\"}".utf8))
    let c0 = try w.addChannel(topic: "/a", messageEncoding: "json", schemaID: s1)
    let c1 = try w.addChannel(topic: "/b", messageEncoding: "json", schemaID: s2, metadata: ["k": "v"])
    var c2: UInt16 = 0
    for i in 0..<n {
        if i == n / 2 { c2 = try w.addChannel(topic: "/late", messageEncoding: "json", schemaID: s1) }
        let ch = i >= n / 2 && i % 3 == 0 ? c2 : (i % 2 == 0 ? c0 : c1)
        try w.write(channel: ch, logTime: UInt64(i) * 10_000_000) { b in
            b.text("{\"i\":"); b.jsonInt(Int64(i)); b.text(",\"pad\":\"")
            for _ in 0..<(i % 11) { b.text("x") }
            b.text("\"}")
        }
    }
    try w.close()
    return w.memory
}

/// Checks the log that `mcap_log` of tools/lz4_fixtures.py writes with the public python mcap
/// Writer (60 JSON messages on /a and /b, 1 KB chunks of `compression`): read through the index
/// and by a scan with CRCs checked, every message's bytes, times and topic, and `MCAPInfo`.
/// Returns the reader and its messages.
func expectPythonWriterLog(path: String, compression: String) throws -> (MCAPReader, [MCAPMessage]) {
    let r = try MCAPReader(path: path, validateCRCs: true)
    #expect(r.header?.library == "python mcap fixture")
    let index = try #require(r.summary).chunkIndexes
    #expect(index.count >= 3 && index.allSatisfy { $0.compression == compression })
    let messages = try r.messages(validateCRCs: true)
    #expect(try r.scan(validateCRCs: true).messages == messages)
    #expect(messages.count == 60)
    let topics = try r.channels()
    for (i, m) in messages.enumerated() {
        let pad = String(repeating: "x", count: i % 13)
        #expect(m.data == Array("{\"i\":\(i),\"name\":\"message \(i % 7)\",\"pad\":\"\(pad)\"}".utf8))
        #expect(m.logTime == UInt64(i) * 10_000_000 && m.sequence == UInt32(i))
        #expect(topics[m.channelID]?.topic == (i % 3 == 0 ? "/b" : "/a"))
    }
    let info = try MCAPInfo.load(path: path)
    #expect(info.messageCount == 60 && info.text.contains("(compression: \(compression) \(index.count); records "))
    return (r, messages)
}

/// One random mutation of a frame, as the decoders' mutation tests apply them: 1-3 bytes
/// replaced, a cut, an inserted byte or a deleted byte.
func mutate(_ f: inout [UInt8], _ rng: inout RNG) {
    switch rng.int(below: 4) {
    case 0: for _ in 0..<(1 + rng.int(below: 3)) { f[rng.int(below: f.count)] = UInt8(truncatingIfNeeded: rng.next()) }
    case 1: f = Array(f.prefix(rng.int(below: f.count)))
    case 2: f.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.int(below: f.count))
    default: f.remove(at: rng.int(below: f.count))
    }
}

/// Decodes each fixture file `names` in `dir` with `decode(frame, maxOutput, source)` and checks
/// it against `content(name)`; the exact size is a sufficient cap, one byte less is refused.
func expectFixturesDecode(_ names: [String], in dir: String, content: (String) -> [UInt8],
                          decode: ([UInt8], Int, String) throws -> [UInt8]) throws {
    for name in names {
        let frame = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
        let expected = content(name)
        #expect(try decode(frame, 1 << 20, name) == expected, "\(name)")
        #expect(try decode(frame, expected.count, name) == expected, "\(name)")
        if !expected.isEmpty {
            let e = inputError { try decode(frame, expected.count - 1, name) }
            #expect(e?.description.contains("limit") == true, "\(name): \(String(describing: e))")
        }
    }
}

/// 3000 random mutations of `frames` (`mutate`, cycling through them) decoded by `decode` with a
/// 200,000-byte cap: each either throws an `InputError` at a byte offset of "fuzz" or decodes
/// within the cap; `also` sees every mutated frame (e.g. a lenient reader). Most mutations must
/// be refused (checksums, sizes, bitstreams) and some still decode (they land in literals).
func expectMutationsRefusedOrCapped(_ frames: [[UInt8]], rng: inout RNG,
                                    decode: ([UInt8], Int) throws -> [UInt8], also: ([UInt8], Int) -> Void = { _, _ in }) {
    var decoded = 0, refused = 0
    let cap = 200_000
    for trial in 0..<3000 {
        var f = frames[trial % frames.count]
        mutate(&f, &rng)
        do {
            let out = try decode(f, cap)
            #expect(out.count <= cap)
            decoded += 1
        } catch let e as InputError {
            #expect(e.description.hasPrefix("fuzz: byte "))
            refused += 1
        } catch {
            Issue.record("not an InputError: \(error)")
        }
        also(f, cap)
    }
    #expect(refused > 1500 && decoded > 0)
}
