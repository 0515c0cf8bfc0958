import Foundation

/// Reading a whole input file with an error the user can act on: a missing file, a directory and
/// an unreadable file each say so (FileManager's `contents(atPath:)` returns nil for all three).
public enum InputFile {
    /// The bytes of the file at `path`. `what` names the kind of file, with its article, in errors
    /// ("a URDF robot file", "an MCAP log"); `display` is the name errors show (default `path`;
    /// e.g. the path as the user wrote it when `path` is the resolved one).
    public static func read(_ path: String, as what: String, display: String? = nil) throws -> Data {
        let name = display ?? path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(name, "no such file (expected \(what))")
        }
        if isDirectory.boolValue { throw InputError(name, "is a directory, not \(what)") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(name, "cannot read \(what) (permission denied or I/O error)")
        }
        return data
    }
}
