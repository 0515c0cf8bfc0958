import Viewer

extension ViewerOptions {
    /// A `width` x `height` window under SDL's dummy video driver that stops after `frames`
    /// frames: no gamepad, and an empty environment so the host's display settings do not matter.
    static func dummyWindow(width: Int, height: Int, frames: Int) -> ViewerOptions {
        var options = ViewerOptions(width: width, height: height, frameLimit: frames)
        options.videoDriver = "dummy"
        options.gamepad = false
        options.environment = [:]
        return options
    }
}
