import Foundation

/// JSON config files read the same way by every command (`train collision --config`,
/// `experiment gts|hint --config`, and `experiment ldm --config` / `fly --ldm-config` as overlays
/// of a preset).
///
/// - syntax errors name the line and column (`JSONValue`'s parser);
/// - a key the config type does not have is refused, naming the known keys: a misspelt key
///   must not silently leave its default in force for an hour-long run;
/// - a value of the wrong type names its JSON path (`$.training.steps: expected a number`).
///
/// Known keys are those `defaults` encodes, recursively through nested objects; keys whose
/// default is nil are not encoded, so the caller lists them: in `optionalShapes` with a value
/// whose encoding gives the block's known keys (dotted path -> example, such as `"model":
/// CollisionPredictorConfig()`), so a misspelt key inside is refused too, or in `optionalKeys`
/// (dotted paths such as `training.schedule`; their contents are not checked). An object whose
/// default is empty is a free-form map and is not checked either.
public enum ConfigFile {
    /// The bytes of the config file at `path` (a relative path missing from the working
    /// directory is looked up in the checkout).
    public static func read(_ path: String) throws -> Data {
        try InputFile.read(BundledResource.resolve(path), as: "a JSON config file", display: path)
    }

    /// Decodes `T` from `data` after checking its syntax and keys; errors name `source`.
    /// Keys missing from `data` are left to `T`'s decoder (the project's configs default them).
    public static func decode<T: Codable>(_ type: T.Type, from data: Data, source: String, defaults: T,
                                          optionalKeys: Set<String> = [], optionalShapes: [String: any Encodable] = [:]) throws -> T {
        let template = try checked(data, against: defaults, source: source, optionalKeys: optionalKeys, optionalShapes: optionalShapes)
        return try decoded(T.self, from: data, source: source, user: data, template: template)
    }

    /// `base` with the JSON object in `data` laid over it at any depth (objects merge key by
    /// key, everything else replaces), with the same checks as `decode`: for settings whose
    /// file is a partial overlay of a preset (`experiment ldm --config`).
    public static func overlay<T: Codable>(_ base: T, json data: Data, source: String, optionalKeys: Set<String> = []) throws -> T {
        let template = try checked(data, against: base, source: source, optionalKeys: optionalKeys)
        guard let b = try JSONSerialization.jsonObject(with: template) as? [String: Any],
              let u = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw InputError(source, at: "$", "expected a JSON object")
        }
        func merge(_ a: [String: Any], _ b: [String: Any]) -> [String: Any] {
            var out = a
            for (k, v) in b {
                if let ao = a[k] as? [String: Any], let bo = v as? [String: Any] { out[k] = merge(ao, bo) } else { out[k] = v }
            }
            return out
        }
        let merged = try JSONSerialization.data(withJSONObject: merge(b, u))
        return try decoded(T.self, from: merged, source: source, user: data, template: template)
    }

    /// Non-finite numbers as strings, both ways, so any settings value can be encoded.
    static let nonFinite = (positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

    /// Checks `data`'s syntax and keys against `template`'s encoding; returns that encoding.
    static func checked<T: Encodable>(_ data: Data, against template: T, source: String, optionalKeys: Set<String>,
                                      optionalShapes: [String: any Encodable] = [:]) throws -> Data {
        let user = try JSONValue.parse([UInt8](data), source: source)
        guard case .object = user else { throw InputError(source, at: "$", "expected a JSON object") }
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: nonFinite.positiveInfinity,
                                                                      negativeInfinity: nonFinite.negativeInfinity, nan: nonFinite.nan)
        let encoded = try encoder.encode(template)
        var shapes: [String: JSONValue] = [:]
        for (path, example) in optionalShapes {
            shapes[path] = try JSONValue.parse([UInt8](try encoder.encode(example)), source: "defaults")
        }
        try checkKeys(user, known: try JSONValue.parse([UInt8](encoded), source: "defaults"), path: "", source: source,
                      optionalKeys: optionalKeys, shapes: shapes)
        return encoded
    }

    /// Decodes `bytes`; a decoding error becomes an `InputError` at the JSON path of the value
    /// in `user` (the file as written) that is wrong.
    static func decoded<T: Decodable>(_ type: T.Type, from bytes: Data, source: String, user: Data, template: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: nonFinite.positiveInfinity,
                                                                        negativeInfinity: nonFinite.negativeInfinity, nan: nonFinite.nan)
        do {
            return try decoder.decode(T.self, from: bytes)
        } catch let error as DecodingError {
            if case .dataCorrupted(let c) = error, c.codingPath.isEmpty,
               let (path, value) = culprit(T.self, user: user, defaults: template, decoder: decoder) {
                // Foundation reports a number that does not fit its type (2.5 for an Int, -1 for
                // a UInt64) without a path; find the value by trying each one in the defaults
                throw InputError(source, at: path, "\(value) does not fit this setting's type (a whole or non-negative number?)")
            }
            throw InputError(source, at: location(of: error), explanation(of: error))
        }
    }

    /// The first leaf value of `user` that fails to decode when put alone into `defaults`.
    static func culprit<T: Decodable>(_ type: T.Type, user: Data, defaults: Data, decoder: JSONDecoder) -> (String, Any)? {
        guard let userObject = try? JSONSerialization.jsonObject(with: user) as? [String: Any],
              let base = try? JSONSerialization.jsonObject(with: defaults) as? [String: Any] else { return nil }
        func leaves(_ object: [String: Any], _ path: [String]) -> [([String], Any)] {
            object.keys.sorted().flatMap { key -> [([String], Any)] in
                if let inner = object[key] as? [String: Any] { return leaves(inner, path + [key]) }
                return [(path + [key], object[key]!)]
            }
        }
        func setting(_ object: [String: Any], _ path: ArraySlice<String>, _ value: Any) -> [String: Any] {
            var out = object
            guard let key = path.first else { return out }
            if path.count == 1 { out[key] = value } else { out[key] = setting(out[key] as? [String: Any] ?? [:], path.dropFirst(), value) }
            return out
        }
        for (path, value) in leaves(userObject, []) {
            let trial = setting(base, path[...], value)
            guard let bytes = try? JSONSerialization.data(withJSONObject: trial) else { continue }
            if (try? decoder.decode(T.self, from: bytes)) == nil { return ("$." + path.joined(separator: "."), value) }
        }
        return nil
    }

    static func checkKeys(_ user: JSONValue, known: JSONValue, path: String, source: String, optionalKeys: Set<String>,
                          shapes: [String: JSONValue] = [:]) throws {
        guard case .object(let members, let keys) = user, case .object(let knownMembers, let knownKeys) = known else { return }
        // an empty default object is a free-form map (per-platform overrides and the like)
        if knownKeys.isEmpty { return }
        for key in keys {
            let here = path.isEmpty ? key : path + "." + key
            if optionalKeys.contains(here) { continue }
            guard let knownValue = knownMembers[key] ?? shapes[here] else {
                throw InputError(source, at: "$." + here, "unknown key (known here: \(knownKeys.sorted().joined(separator: ", ")))")
            }
            if let value = members[key] {
                try checkKeys(value, known: knownValue, path: here, source: source, optionalKeys: optionalKeys, shapes: shapes)
            }
        }
    }

    /// `$.a.b[2]` for a decoding error's coding path.
    static func location(of error: DecodingError) -> String {
        let path: [CodingKey]
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): path = c.codingPath
        case .keyNotFound(let key, let c): path = c.codingPath + [key]
        @unknown default: return "$"
        }
        return path.reduce("$") { text, key in
            if let i = key.intValue, key.stringValue == "Index \(i)" || key.stringValue == "\(i)" { return text + "[\(i)]" }
            return text + "." + key.stringValue
        }
    }

    static func explanation(of error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, _): return "expected \(kind(type))"
        case .valueNotFound(let type, _): return "expected \(kind(type)), got null"
        case .keyNotFound: return "missing required key"
        case .dataCorrupted(let c): return c.debugDescription
        @unknown default: return "invalid value"
        }
    }

    static func kind(_ type: Any.Type) -> String {
        switch type {
        case is any BinaryInteger.Type: return "an integer"
        case is any BinaryFloatingPoint.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") || name.hasPrefix("[") { return "a JSON array" }
            if name.hasPrefix("Dictionary") { return "a JSON object" }
            return "a JSON object (\(name))"
        }
    }
}
