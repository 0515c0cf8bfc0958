import CSDL2
import Foundation

/// Why a window could not be opened (no display, SDL failure), as a value.
public struct WindowUnavailable: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The SDL2 window: owns the SDL window, renderer, streaming texture and game controller
/// (all `OpaquePointer`s), so nothing else touches SDL. Main-actor only.
///
/// Vsync is off; frames are paced by the run loop. The texture is ARGB8888 to match the
/// canvas' packed pixels, and the renderer keeps a logical size so a resized window scales.
///
/// ```swift
/// switch SDLWindow.open(title: "Swiftlet", width: 960, height: 540, driver: "dummy") {
/// case .success(let w): w.present(canvas); let shot = w.screenshot(); w.close()
/// case .failure(let why): print(why)
/// }
/// ```
@MainActor public final class SDLWindow {
    public let width: Int
    public let height: Int
    /// The SDL video driver in use (e.g. "x11", "wayland", "dummy", "offscreen").
    public let driver: String
    private var window: OpaquePointer?
    private var renderer: OpaquePointer?
    private var texture: OpaquePointer?
    private var controller: OpaquePointer?
    private var initFlags: UInt32
    private var leftHeld = false

    private init(width: Int, height: Int, driver: String, window: OpaquePointer, renderer: OpaquePointer,
                 texture: OpaquePointer, initFlags: UInt32) {
        self.width = width
        self.height = height
        self.driver = driver
        self.window = window
        self.renderer = renderer
        self.texture = texture
        self.initFlags = initFlags
    }

    /// Opens a window of `width` x `height` pixels. `driver` forces an SDL video driver (for
    /// example "dummy" or "offscreen" in tests); nil uses SDL's choice. Game controllers are
    /// opened when `gamepad` is true and SDL finds one. Failures come back as a value.
    public static func open(title: String, width: Int, height: Int, driver: String? = nil,
                            gamepad: Bool = true) -> Result<SDLWindow, WindowUnavailable> {
        precondition(width > 0 && height > 0, "window must be non-empty")
        if let d = driver {
            setenv("SDL_VIDEODRIVER", d, 1)
            SDL_SetHint("SDL_VIDEODRIVER", d)
        }
        SDL_SetHint("SDL_RENDER_VSYNC", "0")
        SDL_SetHint("SDL_NO_SIGNAL_HANDLERS", "1")
        // video first; the controller subsystem is optional
        guard SDL_InitSubSystem(UInt32(SDL_INIT_VIDEO)) == 0 else {
            return .failure(WindowUnavailable("SDL video init failed: \(lastError())"))
        }
        var flags = UInt32(SDL_INIT_VIDEO)
        if gamepad, SDL_InitSubSystem(UInt32(SDL_INIT_GAMECONTROLLER)) == 0 {
            flags |= UInt32(SDL_INIT_GAMECONTROLLER)
        }
        let driverName = SDL_GetCurrentVideoDriver().map { String(cString: $0) } ?? "unknown"
        let pos = Int32(bitPattern: UInt32(SDL_WINDOWPOS_UNDEFINED_MASK))
        guard let win = SDL_CreateWindow(title, pos, pos, Int32(width), Int32(height),
                                         SDL_WINDOW_SHOWN.rawValue | SDL_WINDOW_RESIZABLE.rawValue) else {
            let e = lastError()
            SDL_QuitSubSystem(flags)
            return .failure(WindowUnavailable("SDL could not open a window (driver \(driverName)): \(e)"))
        }
        // any renderer, then the software one
        var ren = SDL_CreateRenderer(win, -1, 0)
        if ren == nil { ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE.rawValue) }
        guard let ren else {
            let e = lastError()
            SDL_DestroyWindow(win)
            SDL_QuitSubSystem(flags)
            return .failure(WindowUnavailable("SDL could not create a renderer (driver \(driverName)): \(e)"))
        }
        SDL_RenderSetLogicalSize(ren, Int32(width), Int32(height))
        guard let tex = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888.rawValue,
                                          Int32(SDL_TEXTUREACCESS_STREAMING.rawValue), Int32(width), Int32(height)) else {
            let e = lastError()
            SDL_DestroyRenderer(ren)
            SDL_DestroyWindow(win)
            SDL_QuitSubSystem(flags)
            return .failure(WindowUnavailable("SDL could not create a texture: \(e)"))
        }
        let w = SDLWindow(width: width, height: height, driver: driverName, window: win, renderer: ren,
                          texture: tex, initFlags: flags)
        w.openFirstController()
        return .success(w)
    }

    /// SDL's last error message.
    static func lastError() -> String { String(cString: SDL_GetError()) }

    /// True when a game controller is open.
    public var hasGamepad: Bool { controller != nil }

    /// Uploads `canvas` to the texture and shows it.
    public func present(_ canvas: Canvas) {
        guard let renderer, let texture else { return }
        precondition(canvas.width == width && canvas.height == height, "canvas size differs from the window")
        upload(canvas, renderer: renderer, texture: texture)
        SDL_RenderPresent(renderer)
    }

    private func upload(_ canvas: Canvas, renderer: OpaquePointer, texture: OpaquePointer) {
        canvas.pixels.withUnsafeBytes { raw in
            _ = SDL_UpdateTexture(texture, nil, raw.baseAddress, Int32(width * 4))
        }
        SDL_RenderClear(renderer)
        SDL_RenderCopy(renderer, texture, nil, nil)
    }

    /// Reads back what the window shows (the last uploaded canvas, as drawn by the renderer)
    /// as RGB pixels at the window's logical size, via `SDL_RenderReadPixels`. Nil on failure.
    public func screenshot() -> RGBImage? {
        guard let renderer, let texture else { return nil }
        // redraw the texture into the back buffer, then read it before any present
        SDL_RenderClear(renderer)
        SDL_RenderCopy(renderer, texture, nil, nil)
        var out = [UInt8](repeating: 0, count: 3 * width * height)
        var outW: Int32 = 0, outH: Int32 = 0
        SDL_GetRendererOutputSize(renderer, &outW, &outH)
        // the output may be larger than the logical size after a resize: read the logical
        // size only when they agree, else give up rather than return a mis-scaled image
        guard Int(outW) == width, Int(outH) == height else { return nil }
        let rc = out.withUnsafeMutableBytes { raw in
            SDL_RenderReadPixels(renderer, nil, SDL_PIXELFORMAT_RGB24.rawValue, raw.baseAddress, Int32(width * 3))
        }
        return rc == 0 ? RGBImage(width: width, height: height, pixels: out) : nil
    }

    /// Drains SDL's event queue into viewer events.
    public func pollEvents() -> [ViewerInputEvent] {
        var out: [ViewerInputEvent] = []
        var e = SDL_Event()
        while SDL_PollEvent(&e) != 0 {
            switch e.type {
            case SDL_QUIT.rawValue:
                out.append(.quit)
            case SDL_WINDOWEVENT.rawValue where e.window.event == UInt8(SDL_WINDOWEVENT_CLOSE.rawValue):
                out.append(.quit)
            case SDL_KEYDOWN.rawValue:
                if let k = SDLKeyMapping.key(e.key.keysym.sym) { out.append(.keyDown(k, isRepeat: e.key.repeat != 0)) }
            case SDL_KEYUP.rawValue:
                if let k = SDLKeyMapping.key(e.key.keysym.sym) { out.append(.keyUp(k)) }
            case SDL_MOUSEBUTTONDOWN.rawValue:
                if e.button.button == UInt8(SDL_BUTTON_LEFT) { leftHeld = true }
                out.append(.mouseDown(x: Int(e.button.x), y: Int(e.button.y), button: Int(e.button.button)))
            case SDL_MOUSEBUTTONUP.rawValue:
                if e.button.button == UInt8(SDL_BUTTON_LEFT) { leftHeld = false }
                out.append(.mouseUp(x: Int(e.button.x), y: Int(e.button.y), button: Int(e.button.button)))
            case SDL_MOUSEMOTION.rawValue:
                out.append(.mouseMotion(x: Int(e.motion.x), y: Int(e.motion.y), dx: Int(e.motion.xrel),
                                        dy: Int(e.motion.yrel), leftHeld: leftHeld))
            case SDL_MOUSEWHEEL.rawValue:
                out.append(.wheel(Double(e.wheel.y)))
            case SDL_CONTROLLERBUTTONDOWN.rawValue:
                if let b = SDLKeyMapping.button(Int32(e.cbutton.button)) { out.append(.gamepadButton(b)) }
            case SDL_CONTROLLERDEVICEADDED.rawValue:
                if controller == nil {
                    openFirstController()
                    if controller != nil { out.append(.gamepadConnected) }
                }
            case SDL_CONTROLLERDEVICEREMOVED.rawValue:
                if let c = controller, SDL_GameControllerGetAttached(c) == SDL_FALSE {
                    SDL_GameControllerClose(c)
                    controller = nil
                    out.append(.gamepadDisconnected)
                }
            default:
                break
            }
        }
        return out
    }

    /// The open controller's sticks and triggers, or nil without a controller.
    public func gamepadState() -> GamepadState? {
        guard let c = controller else { return nil }
        func ax(_ a: SDL_GameControllerAxis) -> Double { GamepadState.normalise(SDL_GameControllerGetAxis(c, a)) }
        return GamepadState(leftX: ax(SDL_CONTROLLER_AXIS_LEFTX), leftY: ax(SDL_CONTROLLER_AXIS_LEFTY),
                            rightX: ax(SDL_CONTROLLER_AXIS_RIGHTX), rightY: ax(SDL_CONTROLLER_AXIS_RIGHTY),
                            leftTrigger: Swift.max(0, ax(SDL_CONTROLLER_AXIS_TRIGGERLEFT)),
                            rightTrigger: Swift.max(0, ax(SDL_CONTROLLER_AXIS_TRIGGERRIGHT)))
    }

    private func openFirstController() {
        guard initFlags & UInt32(SDL_INIT_GAMECONTROLLER) != 0, controller == nil else { return }
        for i in 0..<SDL_NumJoysticks() where SDL_IsGameController(i) == SDL_TRUE {
            if let c = SDL_GameControllerOpen(i) {
                controller = c
                return
            }
        }
    }

    /// Sets the window title.
    public func setTitle(_ title: String) {
        if let window { SDL_SetWindowTitle(window, title) }
    }

    /// Destroys the window and shuts down the SDL subsystems it started. Idempotent.
    public func close() {
        if let c = controller { SDL_GameControllerClose(c) }
        if let t = texture { SDL_DestroyTexture(t) }
        if let r = renderer { SDL_DestroyRenderer(r) }
        if let w = window { SDL_DestroyWindow(w) }
        controller = nil
        texture = nil
        renderer = nil
        window = nil
        if initFlags != 0 {
            SDL_QuitSubSystem(initFlags)
            initFlags = 0
            SDL_Quit()
        }
    }

    isolated deinit {
        close()
    }
}
