import Foundation

/// Output locations checked before a job starts, and file-system errors said in one line.
///
/// A long job (collection, evaluation, an experiment) that learns only at its end that `--out`
/// cannot be written wastes the whole run; the commands call `prepareDirectory` first.
public enum OutputPath {
    /// Creates `directory` and its parents now and checks that files can be created in it.
    /// Throws an `InputError` naming `source` (the flag) and the directory.
    public static func prepareDirectory(_ directory: String, source: String) throws {
        let path = directory.isEmpty ? "." : directory
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw InputError(source, at: path, "cannot create the directory (\(reason(error)))")
        }
        guard access(path, W_OK | X_OK) == 0 else {
            throw InputError(source, at: path, "the directory is not writable (\(String(cString: strerror(errno))))")
        }
    }

    /// Creates the directory that will hold `file` (a file path or a file-name prefix such as
    /// `runs/ep.mcap` for `runs/ep-lane0-ep0.mcap`).
    public static func prepareParent(of file: String, source: String) throws {
        try prepareDirectory((file as NSString).deletingLastPathComponent, source: source)
    }

    /// "PATH: reason" for a Foundation file-system error (`CocoaError` / `NSError` with a file
    /// path), nil for any other error. The CLI prints this instead of the error's dump.
    public static func describe(_ error: Error) -> String? {
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return nil }
        let path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
        guard let path else { return nil }
        return "\(path): \(reason(error))"
    }

    /// The innermost POSIX reason of a file-system error ("No such file or directory"), else its
    /// localized description.
    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = (ns.userInfo[NSUnderlyingErrorKey] as? any Error).map({ $0 as NSError }),
           underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription
    }
}
