import Diagnostics

extension Checkpoint {
    /// Weights of `copies` identical MLPs `inputs -> hidden[0] -> ... -> outputs` (`Dense` layers
    /// with biases), computed without building them; nil when a width, `inputs`, `outputs` or
    /// `copies` is not positive, or the total passes `limit` (checked at every step, so it never
    /// overflows). For sizes read from a checkpoint's metadata, before the model is built.
    public static func mlpWeights(inputs: Int, hidden: [Int], outputs: Int, copies: Int = 1, limit: Int = 1 << 40) -> Int? {
        guard inputs >= 1, inputs < limit, outputs >= 1, copies >= 1, hidden.allSatisfy({ $0 >= 1 }) else { return nil }
        var total = 0, fanIn = inputs
        for width in hidden + [outputs] {
            guard let layer = SettingsRangeCheck.product([fanIn + 1, width], limit: limit) else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(layer)
            guard !overflow, sum <= limit else { return nil }
            total = sum
            fanIn = width
        }
        return SettingsRangeCheck.product([total, copies], limit: limit)
    }

    /// Throws unless `loaded` (a checkpoint's tensors, from `source`) holds at least `needed`
    /// weights (nil: more than a limit): called before a model sized by the metadata is built,
    /// so the metadata alone cannot size an allocation. `location` names the metadata entry.
    public static func requireWeights(_ needed: Int?, in loaded: Parameters, source: String, at location: String) throws {
        guard let needed, needed <= loaded.scalarCount else {
            throw InputError(source, at: location, "the metadata's network needs \(needed.map(String.init) ?? "too many") weights, "
                             + "the checkpoint holds \(loaded.scalarCount)")
        }
    }
}
