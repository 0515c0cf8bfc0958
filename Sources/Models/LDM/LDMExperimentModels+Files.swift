extension LDMExperimentModels {
    /// Models read back from files (`LDMFlightModelFiles`): the training log-densities are not
    /// stored, only the levels, so `trainingLogDensities` is empty and the timings are 0.
    public init(stateDim: Int, actionDim: Int, density: any DensityModel, ldm: LearnedLDM, levels: [DensityLevel],
                oodLevel: DensityLevel) {
        self.init(stateDim: stateDim, actionDim: actionDim, density: density, ldm: ldm, levels: levels, oodLevel: oodLevel,
                  trainingLogDensities: [], densitySeconds: 0, ldmSeconds: 0)
    }
}

extension LDMExperimentModels {
    /// The same density, levels and training log-densities with another learned G (trained
    /// again on more states).
    public func replacingLDM(_ ldm: LearnedLDM, seconds: Double) -> LDMExperimentModels {
        LDMExperimentModels(stateDim: stateDim, actionDim: actionDim, density: density, ldm: ldm, levels: levels, oodLevel: oodLevel,
                            trainingLogDensities: trainingLogDensities, densitySeconds: densitySeconds, ldmSeconds: ldmSeconds + seconds)
    }
}
