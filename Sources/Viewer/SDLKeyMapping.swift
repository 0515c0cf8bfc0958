import CSDL2

/// SDL keycodes and controller buttons to the viewer's SDL-free input values.
public enum SDLKeyMapping {
    /// The viewer key for an SDL keycode (`SDL_Keycode`, e.g. `SDLK_w.rawValue`), or nil.
    public static func key(_ sym: SDL_Keycode) -> ViewerKey? {
        let table: [(SDL_KeyCode, ViewerKey)] = [
            (SDLK_w, .w), (SDLK_a, .a), (SDLK_s, .s), (SDLK_d, .d),
            (SDLK_UP, .up), (SDLK_DOWN, .down), (SDLK_LEFT, .left), (SDLK_RIGHT, .right),
            (SDLK_SPACE, .space), (SDLK_LSHIFT, .shift), (SDLK_RSHIFT, .shift),
            (SDLK_TAB, .tab), (SDLK_p, .p), (SDLK_r, .r), (SDLK_n, .n), (SDLK_q, .q), (SDLK_c, .c),
            (SDLK_i, .i), (SDLK_j, .j), (SDLK_k, .k), (SDLK_l, .l),
            (SDLK_LEFTBRACKET, .leftBracket), (SDLK_RIGHTBRACKET, .rightBracket),
            (SDLK_F1, .f1), (SDLK_ESCAPE, .escape), (SDLK_HOME, .home), (SDLK_END, .end),
            (SDLK_PLUS, .plus), (SDLK_EQUALS, .plus), (SDLK_KP_PLUS, .plus),
            (SDLK_MINUS, .minus), (SDLK_KP_MINUS, .minus),
            (SDLK_COMMA, .comma), (SDLK_PERIOD, .period), (SDLK_v, .v),
        ]
        return table.first { Int64($0.0.rawValue) == Int64(sym) }?.1
    }

    /// The viewer button for an SDL controller button (`SDL_CONTROLLER_BUTTON_*`), or nil.
    public static func button(_ b: Int32) -> GamepadButton? {
        switch b {
        case SDL_CONTROLLER_BUTTON_A.rawValue: .a
        case SDL_CONTROLLER_BUTTON_B.rawValue: .b
        case SDL_CONTROLLER_BUTTON_X.rawValue: .x
        case SDL_CONTROLLER_BUTTON_Y.rawValue: .y
        case SDL_CONTROLLER_BUTTON_BACK.rawValue: .back
        case SDL_CONTROLLER_BUTTON_START.rawValue: .start
        case SDL_CONTROLLER_BUTTON_LEFTSHOULDER.rawValue: .leftShoulder
        case SDL_CONTROLLER_BUTTON_RIGHTSHOULDER.rawValue: .rightShoulder
        default: nil
        }
    }
}
