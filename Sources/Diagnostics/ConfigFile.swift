import Foundation

/// JSON config files read the same way by every command (`train collision --config`,
/// `experiment gts|hint --config`).
///
/// - syntax errors name the line and column (`JSONValue`'s parser);
/// - a key the config type does not have is refused, naming the known keys: a misspelt key
///   must not silently leave its default in force for an hour-long run;
/// - a value of the wrong type names its JSON path (`$.training.steps: expected a number`).
///
/// Known keys are those `defaults` encodes, recursively through nested objects; keys whose
/// default is nil are not encoded, so the caller lists them in `optionalKeys` (dotted paths
/// such as `model` or `training.schedule`; their contents are not checked). An object whose
/// default is empty is a free-form map and is not checked either.
public enum ConfigFile {
    /// The bytes of the config file at `path` (a relative path missing from the working
    /// directory is looked up in the checkout).
    public static func read(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: BundledResource.resolve(path)) else {
            throw InputError(path, "cannot read the config file")
        }
        return data
    }

    /// Decodes `T` from `data` after checking its syntax and keys; errors name `source`.
    public static func decode<T: Codable>(_ type: T.Type, from data: Data, source: String, defaults: T,
                                          optionalKeys: Set<String> = []) throws -> T {
        let user = try JSONValue.parse([UInt8](data), source: source)
        guard case .object = user else { throw InputError(source, at: "$", "expected a JSON object") }
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let known = try JSONValue.parse([UInt8](encoder.encode(defaults)), source: "defaults")
        try checkKeys(user, known: known, path: "", source: source, optionalKeys: optionalKeys)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let c) = error, c.codingPath.isEmpty,
               let (path, value) = culprit(T.self, user: data, defaults: try encoder.encode(defaults)) {
                // Foundation reports a number that does not fit its type (2.5 for an Int, -1 for
                // a UInt64) without a path; find the value by trying each one in the defaults
                throw InputError(source, at: path, "\(value) does not fit this setting's type (a whole or non-negative number?)")
            }
            throw InputError(source, at: location(of: error), explanation(of: error))
        }
    }

    /// The first leaf value of `user` that fails to decode when put alone into `defaults`.
    static func culprit<T: Decodable>(_ type: T.Type, user: Data, defaults: Data) -> (String, Any)? {
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
            if (try? JSONDecoder().decode(T.self, from: bytes)) == nil { return ("$." + path.joined(separator: "."), value) }
        }
        return nil
    }

    static func checkKeys(_ user: JSONValue, known: JSONValue, path: String, source: String, optionalKeys: Set<String>) throws {
        guard case .object(let members, let keys) = user, case .object(let knownMembers, let knownKeys) = known else { return }
        // an empty default object is a free-form map (per-platform overrides and the like)
        if knownKeys.isEmpty { return }
        for key in keys {
            let here = path.isEmpty ? key : path + "." + key
            if optionalKeys.contains(here) { continue }
            guard let knownValue = knownMembers[key] else {
                throw InputError(source, at: "$." + here, "unknown key (known here: \(knownKeys.sorted().joined(separator: ", ")))")
            }
            if let value = members[key] {
                try checkKeys(value, known: knownValue, path: here, source: source, optionalKeys: optionalKeys)
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
