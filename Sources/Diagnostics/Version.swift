/// Swiftlet's version, written into logs and checkpoint metadata.
public enum SwiftletVersion {
    public static let string = "0.1.0"
}
