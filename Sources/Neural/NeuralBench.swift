import Diagnostics
import Foundation
import Geometry

/// `swiftlet bench nn`: training and inference speed of the reference model, with the PyTorch
/// peer (tools/bench_torch.py) side by side when available.
public enum NeuralBench {
    public static let suite = BenchSuite(name: "nn", summary: "neural engine: reference conv model train/infer vs PyTorch") { opts in
        try run(opts)
    }

    /// One training step of the reference model on a batch; returns the loss.
    @discardableResult
    public static func trainStep(_ model: ReferenceModel, _ g: Graph, _ params: inout Parameters, _ opt: inout Adam,
                                 images: Tensor, actions: Tensor, targets: Tensor) -> Float {
        g.reset()
        g.setParameters(params)
        let logits = model(images: g.input(images), actions: g.input(actions))
        let loss = g.sigmoidCrossEntropy(logits, targets: g.input(targets), positiveWeight: 2)
        g.backward(loss)
        opt.step(&params, graph: g)
        return g.value(loss).scalar
    }

    static func run(_ opts: BenchOptions) throws -> [BenchRecord] {
        // one OpenBLAS thread measured fastest here: the two vCPUs share one core's vector units
        // (a 2048^3 SGEMM runs no faster on two threads), so a second thread only adds sync cost
        let threads = Int(ProcessInfo.processInfo.environment["SWIFTLET_NN_THREADS"] ?? "") ?? 1
        // convolutions split over both cores by the engine itself (SWIFTLET_NN_PARALLEL=0 to disable)
        let parallel = ProcessInfo.processInfo.environment["SWIFTLET_NN_PARALLEL"] != "0"
        BLAS.setThreads(threads)
        var rng = RNG(seed: 7)
        let model = ReferenceModel()
        var params = Parameters()
        model.initialize(&params, rng: &rng)
        let batch = 64
        let images = Tensor.uniform([batch, 64, 64, 1], 0, 1, rng: &rng)
        let actions = Tensor.uniform([batch, 20], -1, 1, rng: &rng)
        var targets = Tensor(shape: [batch, 10])
        for i in targets.data.indices { targets.data[i] = rng.uniform() < 0.3 ? 1 : 0 }
        var opt = Adam(learningRate: 1e-3)
        let g = Graph()
        g.parallel = parallel
        let extra = ["blas_threads": "\(threads)", "conv_threads": parallel ? "2" : "1", "blas": BLAS.coreName, "gemm": BLAS.gemmName, "batch": "\(batch)", "peer": "swiftlet"]
        opts.log("nn: training")
        let cpu0 = cpuSeconds(), wall0 = Stopwatch.now()
        var steps = 0
        let train = Stopwatch.rate(seconds: 6 * opts.timeScale, rounds: 3, batch: batch) {
            trainStep(model, g, &params, &opt, images: images, actions: actions, targets: targets)
            steps += 1
        }
        // samples per second of this process's CPU time: steadier than wall time on a shared machine
        let perCPU = Double(steps * batch) / max(cpuSeconds() - cpu0, 1e-9)
        opts.log("nn: \(steps) training steps in \(String(format: "%.1f", Stopwatch.now() - wall0)) s")
        var records = [BenchRecord(suite: "nn", metric: "train_samples_per_s", value: train, unit: "samples/s", extra: extra),
                       BenchRecord(suite: "nn", metric: "train_samples_per_cpu_s", value: perCPU, unit: "samples/cpu-s", extra: extra)]
        let inf = Graph(parameters: params, recording: false)
        inf.parallel = parallel
        for n in [1, 1024] {
            let img = Tensor.uniform([n, 64, 64, 1], 0, 1, rng: &rng), act = Tensor.uniform([n, 20], -1, 1, rng: &rng)
            let repeats = max(3, Int((n == 1 ? 200 : 10) * opts.timeScale))
            let t = Stopwatch.median(repeats: repeats) {
                inf.reset()
                _ = model(images: inf.input(img), actions: inf.input(act))
            }
            records.append(BenchRecord(suite: "nn", metric: "infer_ms_batch\(n)", value: t * 1000, unit: "ms",
                                       extra: ["blas_threads": "\(threads)", "peer": "swiftlet"]))
        }
        records.append(lstmInference(opts, threads: threads))
        if opts.runPeers { records += peer(opts) }
        let torch = records.filter { $0.metric == "train_samples_per_s" && $0.extra["peer"] == "torch" }.map(\.value).max() ?? 0
        if torch > 0 {
            records.append(BenchRecord(suite: "nn", metric: "train_speedup_vs_best_torch", value: train / torch, unit: "x",
                                       extra: ["threads": "\(threads)"]))
        }
        return records
    }

    /// CPU time used by this process so far, seconds (all threads).
    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Planner-shaped recurrent inference: an LSTM-128 over 12 steps for 4096 sequences, each step
    /// fed a dense-16 embedding of a 2-D action (about 7.5 GFLOP).
    static func lstmInference(_ opts: BenchOptions, threads: Int) -> BenchRecord {
        var rng = RNG(seed: 9)
        let embed = Dense("act", 2, 16, activation: .relu), lstm = LSTM("lstm", inputs: 16, hidden: 128)
        var p = Parameters()
        embed.initialize(&p, rng: &rng)
        lstm.initialize(&p, rng: &rng)
        let n = 4096, steps = 12
        let actions = (0..<steps).map { _ in Tensor.uniform([n, 2], -1, 1, rng: &rng) }
        let g = Graph(parameters: p, recording: false)
        let t = Stopwatch.median(repeats: max(3, Int(5 * opts.timeScale))) {
            g.reset()
            _ = lstm(actions.map { embed(g.input($0)) })
        }
        return BenchRecord(suite: "nn", metric: "infer_ms_lstm128_b4096_h12", value: t * 1000, unit: "ms",
                           extra: ["blas_threads": "\(threads)", "peer": "swiftlet"])
    }

    /// Runs tools/bench_torch.py with the venv's Python when torch is importable there.
    static func peer(_ opts: BenchOptions) -> [BenchRecord] {
        let python = opts.root + "/tools/.venv/bin/python"
        let script = opts.root + "/tools/bench_torch.py"
        guard FileManager.default.isExecutableFile(atPath: python), FileManager.default.fileExists(atPath: script) else {
            opts.log("nn: peer skipped (no tools/.venv or tools/bench_torch.py)")
            return []
        }
        opts.log("nn: running PyTorch peer")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [script, "--seconds", String(6 * opts.timeScale), "--threads", "2,1"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { opts.log("nn: peer failed to start: \(error)"); return [] }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0,
              let rows = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            opts.log("nn: peer skipped (torch not importable or script failed, status \(p.terminationStatus))")
            return []
        }
        return rows.compactMap { r in
            guard let m = r["metric"] as? String, let v = (r["value"] as? NSNumber)?.doubleValue, let u = r["unit"] as? String else { return nil }
            let threads = (r["threads"] as? NSNumber)?.stringValue ?? "?"
            return BenchRecord(suite: "nn", metric: m, value: v, unit: u, extra: ["threads": threads, "peer": "torch"])
        }
    }
}
