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

    /// Most elements one buffer sized by settings may have (2^40): counts times sizes beyond it
    /// are refused before any arithmetic on them can overflow.
    public static let maxElements = 1 << 40

    /// Largest count setting (worlds, samples, episodes, epochs, steps, resamples): a million,
    /// so sums and small products of counts cannot overflow and no list of that length is huge.
    public static let maxCount = 1_000_000

    /// The first of `counts` above `maxCount`, or nil.
    public static func excessCount(_ counts: KeyValuePairs<String, Int>) -> (key: String, value: Int)? {
        counts.first { $0.value > maxCount }
    }

    /// Throws for the first of `counts` (key, value) above `maxCount`.
    public func counts(_ counts: KeyValuePairs<String, Int>) throws {
        if let (key, value) = Self.excessCount(counts) {
            throw InputError(source, at: prefix + key, "out of range: \(value) (at most \(Self.maxCount))")
        }
    }

    /// The product of `factors`, or nil when one is negative or the product passes `limit`
    /// (checked at every step, so it never overflows).
    public static func product(_ factors: [Int], limit: Int = maxElements) -> Int? {
        var p = 1
        for f in factors {
            guard f >= 0 else { return nil }
            let (r, overflow) = p.multipliedReportingOverflow(by: f)
            guard !overflow, r <= limit else { return nil }
            p = r
        }
        return p
    }

    /// Throws unless the product of `factors` (the sizes of one buffer the run allocates, e.g.
    /// worlds x samples x pixels) is at most `maxElements`; `what` names the buffer.
    public func size(_ key: String, _ factors: [Int], _ what: String, limit: Int = maxElements) throws {
        if Self.product(factors, limit: limit) == nil {
            throw InputError(source, at: prefix + key, "out of range: \(factors.map(String.init).joined(separator: " x ")) \(what) "
                             + "(at most \(limit == Self.maxElements ? "2^40" : String(limit)))")
        }
    }
}
