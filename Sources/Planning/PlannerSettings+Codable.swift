// JSON for planner settings (config files such as `swiftlet train collision --config`): every
// key is optional and falls back to the METHODS.md default, so `{"elites": 64}` is a valid
// CEM configuration. Unknown keys are ignored by the decoder.

extension CEMPlanner.Settings: Codable {
    private enum CodingKeys: String, CodingKey {
        case initialSamples, samples, elites, iterations, covariance, minStdFraction, priorStdFraction
        case includeNominal, execute
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        initialSamples = try c.decodeIfPresent(Int.self, forKey: .initialSamples) ?? initialSamples
        samples = try c.decodeIfPresent(Int.self, forKey: .samples) ?? samples
        elites = try c.decodeIfPresent(Int.self, forKey: .elites) ?? elites
        iterations = try c.decodeIfPresent(Int.self, forKey: .iterations) ?? iterations
        covariance = try c.decodeIfPresent(CEMPlanner.Covariance.self, forKey: .covariance) ?? covariance
        minStdFraction = try c.decodeIfPresent(Float.self, forKey: .minStdFraction) ?? minStdFraction
        priorStdFraction = try c.decodeIfPresent(Float.self, forKey: .priorStdFraction) ?? priorStdFraction
        includeNominal = try c.decodeIfPresent(Bool.self, forKey: .includeNominal) ?? includeNominal
        execute = try c.decodeIfPresent(CEMPlanner.Execute.self, forKey: .execute) ?? execute
        guard initialSamples > 0, samples > 0, iterations >= 1, elites > 0, elites <= min(initialSamples, samples) else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath,
                debugDescription: "CEM settings need positive sample counts, iterations >= 1 and 1 <= elites <= min(initialSamples, samples); got initialSamples \(initialSamples), samples \(samples), elites \(elites), iterations \(iterations)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(initialSamples, forKey: .initialSamples)
        try c.encode(samples, forKey: .samples)
        try c.encode(elites, forKey: .elites)
        try c.encode(iterations, forKey: .iterations)
        try c.encode(covariance, forKey: .covariance)
        try c.encode(minStdFraction, forKey: .minStdFraction)
        try c.encode(priorStdFraction, forKey: .priorStdFraction)
        try c.encode(includeNominal, forKey: .includeNominal)
        try c.encode(execute, forKey: .execute)
    }
}

extension MPPIPlanner.Settings: Codable {
    private enum CodingKeys: String, CodingKey {
        case samples, noiseScale, inverseTemperature, smoothing, keepBest
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        samples = try c.decodeIfPresent(Int.self, forKey: .samples) ?? samples
        noiseScale = try c.decodeIfPresent(Float.self, forKey: .noiseScale) ?? noiseScale
        inverseTemperature = try c.decodeIfPresent(Float.self, forKey: .inverseTemperature) ?? inverseTemperature
        smoothing = try c.decodeIfPresent(Float.self, forKey: .smoothing) ?? smoothing
        keepBest = try c.decodeIfPresent(Int.self, forKey: .keepBest) ?? keepBest
        guard samples > 0, noiseScale >= 0, inverseTemperature > 0, smoothing > 0, smoothing <= 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath,
                debugDescription: "MPPI settings need samples > 0, noiseScale >= 0, inverseTemperature > 0 and smoothing in (0, 1]; got samples \(samples), noiseScale \(noiseScale), inverseTemperature \(inverseTemperature), smoothing \(smoothing)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(samples, forKey: .samples)
        try c.encode(noiseScale, forKey: .noiseScale)
        try c.encode(inverseTemperature, forKey: .inverseTemperature)
        try c.encode(smoothing, forKey: .smoothing)
        try c.encode(keepBest, forKey: .keepBest)
    }
}

extension RandomShootingPlanner.Settings: Codable {
    private enum CodingKeys: String, CodingKey { case samples, includeNominal, keepBest }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        samples = try c.decodeIfPresent(Int.self, forKey: .samples) ?? samples
        includeNominal = try c.decodeIfPresent(Bool.self, forKey: .includeNominal) ?? includeNominal
        keepBest = try c.decodeIfPresent(Int.self, forKey: .keepBest) ?? keepBest
        guard samples > 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath,
                debugDescription: "random-shooting settings need samples > 0; got \(samples)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(samples, forKey: .samples)
        try c.encode(includeNominal, forKey: .includeNominal)
        try c.encode(keepBest, forKey: .keepBest)
    }
}
