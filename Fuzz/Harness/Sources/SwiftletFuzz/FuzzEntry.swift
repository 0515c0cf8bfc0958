import Foundation

// libFuzzer entry points (C names). libFuzzer owns `main`; the target comes from the
// FUZZ_TARGET environment variable, and FUZZ_WRITE_SEEDS=DIR writes the seed corpora and exits.

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutableRawPointer) -> CInt {
    let env = ProcessInfo.processInfo.environment
    if let dir = env["FUZZ_WRITE_SEEDS"] {
        do {
            try FuzzSeeds.write(into: dir)
            exit(0)
        } catch {
            FileHandle.standardError.write(Data("fuzz: cannot write seeds: \(error)\n".utf8))
            exit(2)
        }
    }
    guard let name = env["FUZZ_TARGET"], FuzzTarget(rawValue: name) != nil else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("fuzz: set FUZZ_TARGET to one of: \(names)\n".utf8))
        exit(2)
    }
    return 0
}

/// The selected target, read once.
let selectedTarget = FuzzTarget(rawValue: ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "") ?? .mcap

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    selectedTarget.run([UInt8](UnsafeBufferPointer(start: data, count: size)))
    return 0
}
