import Foundation

/// Finds Swiftlet's bundled files (`Robots/`, `Worlds/`, `Assets/`, `tools/`) when the program
/// runs from another directory than the checkout.
///
/// A relative path is read from the working directory when it exists there (so user files and
/// the usual `cd repo && swiftlet ...` keep working unchanged); otherwise it is looked up under the
/// checkout root: `$SWIFTLET_ROOT` when set, else the nearest directory above the running
/// executable that holds `Package.swift` and `Robots/cf2x.urdf` (the binary lives in
/// `.build/<config>/` of its checkout).
public enum BundledResource {
    /// The checkout root, or nil when neither `$SWIFTLET_ROOT` nor the executable's location
    /// leads to one.
    public static let root: String? = locateRoot(environment: ProcessInfo.processInfo.environment,
                                                 executable: Bundle.main.executablePath)

    /// `path` itself when it is absolute or exists relative to the working directory, else the
    /// same relative path under `root` when a file or directory exists there, else `path`
    /// unchanged (so the caller's error names what the user typed).
    public static func resolve(_ path: String) -> String {
        resolve(path, root: root)
    }

    /// `resolve(_:)` against an explicit root (testable).
    public static func resolve(_ path: String, root: String?) -> String {
        let fm = FileManager.default
        if path.isEmpty || path.hasPrefix("/") || fm.fileExists(atPath: path) { return path }
        guard let root else { return path }
        let candidate = (root as NSString).appendingPathComponent(path)
        return fm.fileExists(atPath: candidate) ? candidate : path
    }

    /// The checkout root from an environment and an executable path (testable).
    public static func locateRoot(environment: [String: String], executable: String?) -> String? {
        if let env = environment["SWIFTLET_ROOT"], !env.isEmpty, isCheckout(env) { return env }
        guard let executable else { return nil }
        var dir = (URL(fileURLWithPath: executable).resolvingSymlinksInPath().path as NSString).deletingLastPathComponent
        while dir != "/" && !dir.isEmpty {
            if isCheckout(dir) { return dir }
            dir = (dir as NSString).deletingLastPathComponent
        }
        return nil
    }

    /// Whether `dir` looks like a Swiftlet checkout.
    public static func isCheckout(_ dir: String) -> Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: (dir as NSString).appendingPathComponent("Package.swift"))
            && fm.fileExists(atPath: (dir as NSString).appendingPathComponent("Robots/cf2x.urdf"))
    }
}
