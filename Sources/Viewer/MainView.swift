/// Where the main 3D view's pixels come from each frame.
public enum MainView: Sendable {
    /// Nothing supplied: the viewer draws a plain sky/ground horizon for the view camera.
    case horizon
    /// A ready image (scaled to the view area if its size differs).
    case image(RGBImage)
    /// A renderer: fill the buffer (already sized to the view area) for the given camera.
    /// Called once per drawn frame on the viewer's thread.
    case render(@Sendable (ViewCamera, inout RGBImage) -> Void)
}
