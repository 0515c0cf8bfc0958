// swift-tools-version:5.4
// The libFuzzer harness for Swiftlet's file parsers, kept out of the main build (see docs/fuzzing.md).
// It sits in Fuzz/Harness, not Fuzz/: SwiftPM names a path package after its folder, so a package
// in Fuzz/ would collide with a checkout folder named "fuzz".
// Tools version 5.4 on purpose: from 5.5 on SwiftPM renames an executable's entry point and the
// libFuzzer link fails (REFERENCE.md, "Fuzzing parsers"). Build and run through `make fuzz`.
import PackageDescription

let package = Package(
    name: "SwiftletFuzz",
    dependencies: [
        .package(name: "Swiftlet", path: "../.."),
    ],
    targets: [
        .executableTarget(name: "SwiftletFuzz", dependencies: [
            .product(name: "SwiftletParsers", package: "Swiftlet"),
        ]),
    ]
)
