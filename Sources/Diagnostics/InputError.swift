/// A bad-input error: a file, flag or value the user supplied is wrong.
///
/// The message names where (file, JSON path, line, flag) and what (the bad value), so the CLI
/// prints it as one line and exits non-zero. Programmer errors are `precondition`s instead, and
/// numerical trouble is a counted warning (see DESIGN.md, "Errors in three kinds").
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file, flag or other source of the bad input ("Robots/cf2x.urdf", "--rate").
    public var source: String
    /// Where in the source (an element, JSON path or line), or empty.
    public var location: String
    /// What is wrong, naming the bad value.
    public var message: String

    public init(_ source: String, at location: String = "", _ message: String) {
        self.source = source
        self.location = location
        self.message = message
    }

    public var description: String {
        location.isEmpty ? "\(source): \(message)" : "\(source): \(location): \(message)"
    }
}

/// Range checks of settings loaded from `source` (a config file's path, or "settings"):
/// `try need(ok, "key.path", value)` throws an `InputError` located at `prefix + key`
/// ("$.key.path" by default: the JSON path) saying "out of range: value" when `ok` is false.
public struct SettingsRangeCheck: Sendable {
    public let source: String
    public let prefix: String

    public init(source: String, prefix: String = "$.") {
        self.source = source
        self.prefix = prefix
    }

    public func callAsFunction(_ ok: Bool, _ key: String, _ value: Any) throws {
        if !ok { throw InputError(source, at: prefix + key, "out of range: \(value)") }
    }
}
