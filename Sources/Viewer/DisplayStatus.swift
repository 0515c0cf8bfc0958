/// Whether a window can be shown, decided from the environment before touching SDL.
public enum DisplayStatus: Sendable, Equatable {
    /// A display (or an explicit SDL video driver such as `dummy`) is available.
    case available(driver: String?)
    /// No display: the reason, in one line.
    case unavailable(reason: String)

    /// Decides from environment variables: an explicit `SDL_VIDEODRIVER` always counts (dummy
    /// and offscreen work without a display); otherwise `DISPLAY` or `WAYLAND_DISPLAY` must be set.
    public static func probe(environment env: [String: String]) -> DisplayStatus {
        if let d = env["SDL_VIDEODRIVER"], !d.isEmpty { return .available(driver: d) }
        if let d = env["DISPLAY"], !d.isEmpty { return .available(driver: nil) }
        if let d = env["WAYLAND_DISPLAY"], !d.isEmpty { return .available(driver: nil) }
        return .unavailable(reason: "no display (DISPLAY and WAYLAND_DISPLAY unset, no SDL_VIDEODRIVER)")
    }

    /// True for drivers that show nothing on screen (no point pacing frames for them).
    public static func isHeadlessDriver(_ driver: String?) -> Bool {
        guard let d = driver?.lowercased() else { return false }
        return d == "dummy" || d == "offscreen" || d == "evdev"
    }
}
