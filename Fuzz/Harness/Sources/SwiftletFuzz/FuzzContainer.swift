/// The multi-file input of the model-directory targets: several files of one directory in one
/// fuzz input, so that files which are each valid but disagree are one mutation apart.
///
/// ```
/// @@set:momentum\n                 optional: the baseline the other files keep (default: the first)
/// @@file:density.json\n<bytes>     a file replaced by <bytes>
/// \n@@file:levels.json\n<bytes>    the next one; "\n@@file:" separates sections
/// ```
///
/// A section runs to the next "\n@@file:" or the end, so a mutation that grows or shrinks one
/// file leaves the others framed (a length prefix would shift every later section). Unknown
/// names are ignored; a name given twice keeps its last bytes. An input that starts with neither
/// marker is the single-file format of session 11 (first byte: the file, the rest: its bytes), so
/// old corpora and artifacts replay unchanged.
enum FuzzContainer {
    static let setMarker = Array("@@set:".utf8)
    static let fileMarker = Array("@@file:".utf8)
    static let separator = Array("\n@@file:".utf8)

    /// The baseline's name (nil: the default) and the named sections, or nil when `bytes` is
    /// not a container.
    static func parse(_ bytes: [UInt8]) -> (set: String?, files: [(name: String, bytes: ArraySlice<UInt8>)])? {
        var rest = bytes[...]
        var set: String?
        if rest.starts(with: setMarker) {
            let line = rest.dropFirst(setMarker.count)
            let end = line.firstIndex(of: UInt8(ascii: "\n")) ?? line.endIndex
            set = String(decoding: line[..<end], as: UTF8.self)
            rest = line[end...].dropFirst()
        } else if !rest.starts(with: fileMarker) {
            return nil
        }
        guard rest.starts(with: fileMarker) else { return (set, []) }
        rest = rest.dropFirst(fileMarker.count)
        var files: [(name: String, bytes: ArraySlice<UInt8>)] = []
        while true {
            let end = firstIndex(of: separator, in: rest) ?? rest.endIndex
            let section = rest[..<end]
            let newline = section.firstIndex(of: UInt8(ascii: "\n")) ?? section.endIndex
            files.append((String(decoding: section[..<newline], as: UTF8.self), section[newline...].dropFirst()))
            guard end < rest.endIndex else { return (set, files) }
            rest = rest[(end + separator.count)...]
        }
    }

    /// The container of `files` over the baseline `set` (`parse` reads it back).
    static func encode(set: String?, files: [(name: String, bytes: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        if let set { out += setMarker + Array(set.utf8) + [UInt8(ascii: "\n")] }
        for (i, f) in files.enumerated() {
            out += (i == 0 ? fileMarker : separator) + Array(f.name.utf8) + [UInt8(ascii: "\n")] + f.bytes
        }
        return out
    }

    /// Start of the first occurrence of `needle` in `hay`.
    static func firstIndex(of needle: [UInt8], in hay: ArraySlice<UInt8>) -> Int? {
        guard let first = needle.first, hay.count >= needle.count else { return nil }
        var i = hay.startIndex
        let last = hay.endIndex - needle.count
        while i <= last {
            if hay[i] == first && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
