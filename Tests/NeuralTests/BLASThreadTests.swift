import Foundation
@testable import Neural
import Testing

/// OpenBLAS runs single-threaded unless a caller raises it: its products can depend on its
/// thread count, and a count that changed during a process made two runs of one experiment in
/// one process differ (HIntTests' end-to-end test failed that way).
struct BLASThreadTests {
    @Test func openBLASStartsSingleThreaded() {
        BLAS.prepare()
        #expect(BLAS.threads == 1)
    }
}

/// SWIFTLET_BLAS_KERNELS: which OpenBLAS kernel family a process ends up with.
struct BLASKernelChoiceTests {
    typealias Level = BLAS.CPUVectorLevel

    @Test func defaultUpgradesOnlyAnUnpinnedPreAVX2Fallback() {
        // Debian's OpenBLAS 0.3.21 on the Intel Xeon of model 207: Prescott; SkylakeX is right
        #expect(BLAS.kernelChoice(mode: "", openBLAS: "Prescott", pinned: false, cpu: .avx512) == "SkylakeX")
        #expect(BLAS.kernelChoice(mode: "default", openBLAS: "Core2", pinned: false, cpu: .avx2fma) == "Haswell")
        // a pin in the environment stands, whatever it names
        #expect(BLAS.kernelChoice(mode: "", openBLAS: "Prescott", pinned: true, cpu: .avx512) == nil)
        // a CPU that really has no AVX2 keeps its fallback
        #expect(BLAS.kernelChoice(mode: "", openBLAS: "Sandybridge", pinned: false, cpu: .older) == nil)
        // OpenBLAS's own AVX2/AVX-512 choices stand by default
        for name in ["Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"] {
            #expect(BLAS.kernelChoice(mode: "", openBLAS: name, pinned: false, cpu: .avx512) == nil)
        }
    }

    @Test func systemKeepsAndAutoWidensAndOthersName() {
        #expect(BLAS.kernelChoice(mode: "system", openBLAS: "Prescott", pinned: false, cpu: .avx512) == nil)
        #expect(BLAS.kernelChoice(mode: "SYSTEM", openBLAS: "Haswell", pinned: false, cpu: .avx512) == nil)
        #expect(BLAS.kernelChoice(mode: "auto", openBLAS: "Zen", pinned: false, cpu: .avx512) == "SkylakeX")
        #expect(BLAS.kernelChoice(mode: "auto", openBLAS: "Haswell", pinned: false, cpu: .avx2fma) == nil)
        #expect(BLAS.kernelChoice(mode: "auto", openBLAS: "Prescott", pinned: false, cpu: .avx512) == "SkylakeX")
        #expect(BLAS.kernelChoice(mode: "auto", openBLAS: "Prescott", pinned: true, cpu: .avx512) == nil)
        #expect(BLAS.kernelChoice(mode: "Haswell", openBLAS: "SkylakeX", pinned: true, cpu: .avx512) == "Haswell")
    }

    @Test func theProcessRunsTheChosenFamily() {
        // this machine's choice, read back from OpenBLAS after the one-time setup
        let name = BLAS.coreName
        #expect(!name.isEmpty)
        if Level.current > .older && ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil
            && (ProcessInfo.processInfo.environment["SWIFTLET_BLAS_KERNELS"] ?? "").isEmpty {
            #expect(!BLAS.preAVX2Families.contains(name.lowercased()), "OpenBLAS still runs \(name) on an AVX2/AVX-512 CPU")
        }
    }
}
