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
        opt.step(&params, gradients: g.gradients())
        return g.value(loss).scalar
    }

    static func run(_ opts: BenchOptions) throws -> [BenchRecord] {
        let threads = Int(ProcessInfo.processInfo.environment["SWIFTLET_NN_THREADS"] ?? "") ?? 2
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
        let extra = ["threads": "\(threads)", "blas": BLAS.coreName, "batch": "\(batch)", "peer": "swiftlet"]
        opts.log("nn: training")
        let train = Stopwatch.rate(seconds: 6 * opts.timeScale, rounds: 3, batch: batch) {
            trainStep(model, g, &params, &opt, images: images, actions: actions, targets: targets)
        }
        var records = [BenchRecord(suite: "nn", metric: "train_samples_per_s", value: train, unit: "samples/s", extra: extra)]
        let inf = Graph(parameters: params, recording: false)
        for n in [1, 1024] {
            let img = Tensor.uniform([n, 64, 64, 1], 0, 1, rng: &rng), act = Tensor.uniform([n, 20], -1, 1, rng: &rng)
            let repeats = max(3, Int((n == 1 ? 200 : 10) * opts.timeScale))
            let t = Stopwatch.median(repeats: repeats) {
                inf.reset()
                _ = model(images: inf.input(img), actions: inf.input(act))
            }
            records.append(BenchRecord(suite: "nn", metric: "infer_ms_batch\(n)", value: t * 1000, unit: "ms",
                                       extra: ["threads": "\(threads)", "peer": "swiftlet"]))
        }
        if opts.runPeers { records += peer(opts) }
        if let t = records.first(where: { $0.metric == "train_samples_per_s" && $0.extra["peer"] == "torch" }), t.value > 0 {
            records.append(BenchRecord(suite: "nn", metric: "train_speedup_vs_torch", value: train / t.value, unit: "x",
                                       extra: ["threads": "\(threads)"]))
        }
        return records
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
        p.arguments = [script, "--seconds", String(6 * opts.timeScale), "--threads", "2"]
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
            return BenchRecord(suite: "nn", metric: m, value: v, unit: u, extra: ["threads": "2", "peer": "torch"])
        }
    }
}
