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
