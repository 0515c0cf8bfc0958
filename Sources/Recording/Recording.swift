/// The Recording module: MCAP writer and reader, Foxglove schemas, episode logs.
///
/// See docs/architecture.md for where it sits.
public enum RecordingModule {
    /// Module name, for diagnostics.
    public static let name = "Recording"
}
