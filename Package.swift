// swift-tools-version: 6.0
// Swiftlet: robotics simulation and learning-based control in Swift.
// Module map and dependency direction: see docs/architecture.md.
import PackageDescription

/// Release builds: no exclusivity checks in hot loops, cross-module optimisation so the small
/// math of Geometry inlines into Physics and Rendering.
let fast: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked", "-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "Swiftlet",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "swiftlet", targets: ["swiftlet"]),
        // the file parsers as a library, for the libFuzzer harness in Fuzz/ (see docs/fuzzing.md)
        .library(name: "SwiftletParsers", targets: ["Diagnostics", "Recording", "Neural", "Physics", "World", "Autonomy", "App"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C shims: one tiny target per system library.
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CSDL2", path: "Sources/CSDL2",
                       providers: [.apt(["libsdl2-dev"])]),
        // Swiftlet's own AVX-512 SGEMM for the neural engine (runtime-dispatched, see docs/neural.md).
        .target(name: "CNeuralKernels"),
        // the CRC-32 folding kernel (PCLMULQDQ) behind Diagnostics' CRC32
        .target(name: "CChecksum"),

        // Foundation layers.
        .target(name: "Geometry", swiftSettings: fast),
        .target(name: "Diagnostics", dependencies: ["Geometry", "CChecksum"], swiftSettings: fast),
        .target(name: "World", dependencies: ["Geometry", "Diagnostics"], swiftSettings: fast),
        .target(name: "Physics", dependencies: ["Geometry", "World", "Diagnostics"], swiftSettings: fast),
        .target(name: "Rendering", dependencies: ["Geometry", "World", "Diagnostics"], swiftSettings: fast),
        .target(name: "Neural", dependencies: ["COpenBLAS", "CNeuralKernels", "Geometry", "Diagnostics"], swiftSettings: fast),
        .target(name: "Recording", dependencies: ["Geometry", "Diagnostics"], swiftSettings: fast),

        // Composition layers.
        .target(name: "Planning", dependencies: ["Geometry", "Diagnostics"], swiftSettings: fast),
        .target(name: "Models", dependencies: ["Geometry", "Neural", "Planning", "Diagnostics"], swiftSettings: fast),
        .target(name: "Runtime", dependencies: ["Geometry", "World", "Physics", "Rendering", "Recording", "Diagnostics"],
                swiftSettings: fast),
        .target(name: "Autonomy", dependencies: ["Geometry", "World", "Physics", "Rendering", "Neural", "Models",
                                                 "Planning", "Runtime", "Recording", "Diagnostics"],
                swiftSettings: fast),
        .target(name: "Viewer", dependencies: ["CSDL2", "Geometry", "World", "Physics", "Rendering", "Runtime",
                                               "Recording", "Autonomy", "Diagnostics"],
                swiftSettings: fast),

        // The app layer: fly/demo/replay wiring of the env, viewer, renderer and recorder.
        .target(name: "App", dependencies: ["Geometry", "World", "Physics", "Rendering", "Runtime", "Recording", "Planning",
                                            "Autonomy", "Viewer", "Diagnostics"],
                swiftSettings: fast),

        // The command line: parse, call one library function, print.
        .executableTarget(name: "swiftlet", dependencies: [
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            "Geometry", "Diagnostics", "World", "Physics", "Rendering", "Neural", "Recording",
            "Planning", "Models", "Runtime", "Autonomy", "Viewer", "App",
        ], swiftSettings: fast),

        // Tests: one target per module plus shared helpers.
        .target(name: "TestSupport", dependencies: ["Geometry"], path: "Tests/TestSupport"),
        .testTarget(name: "GeometryTests", dependencies: ["Geometry", "TestSupport"]),
        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics", "TestSupport"]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "TestSupport"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "Neural", "Planning", "Diagnostics", "TestSupport"]),
        .testTarget(name: "ViewerTests", dependencies: ["Viewer", "CSDL2", "Geometry", "TestSupport"]),
        .testTarget(name: "PhysicsTests", dependencies: ["Physics", "Geometry", "Diagnostics", "TestSupport"]),
        .testTarget(name: "WorldTests", dependencies: ["World", "TestSupport"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "World", "TestSupport"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Physics", "World", "Geometry", "Diagnostics", "TestSupport"]),
        .testTarget(name: "AutonomyTests", dependencies: ["Autonomy", "Runtime", "Physics", "World", "Geometry", "Diagnostics", "Models",
                                                       "Neural", "Planning", "TestSupport"]),
        .testTarget(name: "RecordingTests", dependencies: ["Recording", "TestSupport"]),
        .testTarget(name: "AppTests", dependencies: ["App", "Viewer", "Runtime", "Recording", "Rendering", "World", "Autonomy", "Models",
                                                     "Geometry", "TestSupport"]),
        .testTarget(name: "NeuralTests", dependencies: ["Neural", "TestSupport"]),
        // the command tree itself (@testable import of the executable): every documented command line parses
        .testTarget(name: "SwiftletTests", dependencies: [
            "swiftlet", "App", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
