/// Which images a render call produces.
public struct RenderOutputs: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// Float32 planar depth in metres (distance along the optical axis), `maxRange` for misses.
    public static let depth = RenderOutputs(rawValue: 1)
    /// 8-bit gray, row-major, row 0 at the top.
    public static let gray = RenderOutputs(rawValue: 2)
    /// 8-bit RGB, interleaved, row-major.
    public static let rgb = RenderOutputs(rawValue: 4)
}

/// Per-worker scratch memory for rendering one frame at a time: allocated once, reused for
/// every frame, so rendering allocates nothing per frame.
public struct RenderScratch: Sendable {
    var stamp: [UInt32]
    var epoch: UInt32 = 0
    /// The largest image this scratch serves.
    let width: Int
    let height: Int
    var spans: [Span]
    var radiance: [Float]
    var line: [Float]
    /// One row's sensor-noise samples and their second uniforms (post-process).
    var rowNoise: [Double]
    /// The image's radiance before the vertical motion blur (sized on first use, then reused).
    var blurCopy: [Float] = []
    // per image row of the current column (level path)
    var rowBest: [Float]
    var rowKind: [Int32]
    var rowSpan: [Int32]
    var rowZc: [Float]
    var rowKind0: [Int32]
    var rowBase: [Float]
    // tilted path: the frame's set-up (whole-image `render` only; column windows read a shared
    // one), one column's candidates and its rows
    var tiltedSetup: TiltedSetup
    var cand: [Int32]
    var tiltedRows: [TiltedRow]
    var tiltedRowLimit: [Double]
    var tiltedZc: [Double]
    // fallback: one tile's candidates' pixel rectangles, boxes and columns in the current row
    // (the candidates in `cand`)
    var fallbackRect: [FallbackRect]
    var fallbackBox: [FallbackBox]
    var fallbackSpan: [SIMD2<Int32>]
    // moving bodies (sized on first use, then reused): the scene's depth when the caller wants
    // none, per pixel the nearest body hit, the body that made it and its colour; bodies in view
    var bodyDepth: [Float] = []
    var bodyT: [Double] = []
    var bodyWho: [Int32] = []
    var bodyColor: [SIMD3<Float>] = []
    var bodyViews: [BodyView] = []
    var partRects: [PixelRect] = []

    /// Scratch for `renderer` at up to `camera`'s resolution.
    public init(renderer: Renderer, camera: CameraIntrinsics) {
        let n = renderer.scene.obstacles.count
        stamp = [UInt32](repeating: 0, count: max(n, 1))
        spans = [Span](repeating: Span(), count: max(n, 1))
        radiance = [Float](repeating: 0, count: camera.pixelCount * 3)
        line = [Float](repeating: 0, count: max(camera.width, camera.height) * 3 + 8)
        rowNoise = [Double](repeating: 0, count: 2 * max(camera.width, 1))
        rowBest = [Float](repeating: 0, count: camera.height)
        rowKind = [Int32](repeating: 0, count: camera.height)
        rowSpan = [Int32](repeating: 0, count: camera.height)
        rowZc = [Float](repeating: 0, count: camera.height)
        rowKind0 = [Int32](repeating: 0, count: camera.height)
        rowBase = [Float](repeating: 0, count: camera.height)
        tiltedSetup = TiltedSetup(renderer: renderer, camera: camera)
        cand = [Int32](repeating: 0, count: max(n, 1))
        tiltedRows = [TiltedRow](repeating: TiltedRow(), count: camera.height)
        tiltedRowLimit = [Double](repeating: 0, count: camera.height)
        tiltedZc = tiltedRowLimit
        fallbackRect = [FallbackRect](repeating: FallbackRect(), count: max(n, 1))
        fallbackBox = [FallbackBox](repeating: FallbackBox(), count: max(n, 1))
        fallbackSpan = [SIMD2<Int32>](repeating: .zero, count: max(n, 1))
        height = camera.height
        width = camera.width
    }

    /// Grows the vertical motion blur's copy to `floats` floats (allocates only the first time
    /// a frame needs more than before).
    mutating func reserveBlurCopy(_ floats: Int) {
        if blurCopy.count < floats { blurCopy = [Float](repeating: 0, count: floats) }
    }

    /// Makes room for `count` more mailbox epochs (one per column or tile): when they would
    /// overflow, clears the stamps and restarts the epoch at zero.
    mutating func reserveEpochs(_ count: Int) {
        if epoch > UInt32.max - UInt32(count) - 2 {
            for k in stamp.indices { stamp[k] = 0 }
            epoch = 0
        }
    }

    /// Grows the moving-body buffers to `pixels` pixels, `bodies` bodies and `parts` parts
    /// (allocates only the first time a frame needs more than before).
    mutating func reserveBodies(pixels: Int, bodies: Int, parts: Int) {
        if bodyT.count < pixels {
            bodyT = [Double](repeating: .infinity, count: pixels)
            bodyWho = [Int32](repeating: -1, count: pixels)
            bodyColor = [SIMD3<Float>](repeating: .zero, count: pixels)
        }
        if bodyViews.count < bodies { bodyViews = [BodyView](repeating: BodyView(), count: bodies) }
        if partRects.count < parts { partRects = [PixelRect](repeating: PixelRect(), count: parts) }
    }
}

/// One obstacle's crossing of a level camera's image column (vertical plane), relative to the
/// camera: horizontal entry/exit distances and vertical extent.
struct Span: Sendable {
    var hIn: Float = 0
    var hOut: Float = 0
    var zMinRel: Float = 0
    var zMaxRel: Float = 0
    /// Lambert light of the side face at the entry.
    var light: Float = 0
    /// Texture u of the side face at the entry.
    var texU: Float = 0
    var material: Int32 = 0
    /// 0: vertical prism (box, cylinder); 1: sphere.
    var kind: Int32 = 0
    /// Sphere: centre distance along the column, centre height relative to the camera, radius of the circle in the plane, true radius.
    var hc: Float = 0
    var zc: Float = 0
    var rp: Float = 0
    var radius: Float = 0
    /// Sphere centre (x, y) relative to the camera.
    var cx: Float = 0
    var cy: Float = 0
}
