import Diagnostics
import Foundation
import Geometry
import Testing
@testable import Recording

/// `SwarmRecorder` -> `SwarmLog`: per-vehicle topics, exact numbers, contacts, bad indexes.
@Suite struct SwarmLogTests {
    static func metadata(vehicles: Int) -> EpisodeMetadata {
        EpisodeMetadata(world: "field:4", seed: 9, robot: "Robots/cf2x.urdf", profile: "sim", dt: 0.25,
                        commandNames: ["a", "b"], extra: ["vehicles": "\(vehicles)", "swarm_settings": "{}"])
    }

    @Test func recordsEveryVehicleOnItsOwnTopicsAndReadsThemBackExactly() throws {
        let w = MCAPWriter(options: MCAPWriter.Options(background: false))
        let rec = try SwarmRecorder(writer: w, metadata: Self.metadata(vehicles: 3), vehicles: 3)
        var rng = SystemRandomNumberGenerator()
        var poses: [[Pose]] = [[], [], []]
        for k in 0..<4 {
            for i in 0..<3 where !(i == 2 && k == 3) {
                // random bit patterns survive the text round trip
                let p = Pose(position: Vec3(Double(bitPattern: rng.next() >> 2), -.ulpOfOne, Double(k) + 0.1),
                             orientation: Quaternion(x: 0.1, y: -0.2, z: Double(i), w: 1e-300))
                if k > 0 { try rec.command(vehicle: i, time: Double(k - 1) * 0.25, step: k - 1, values: [Double(i), 1.0 / 3]) }
                try rec.pose(vehicle: i, time: Double(k) * 0.25, p)
                poses[i].append(p)
            }
        }
        try rec.event(vehicle: 1, time: 0.5, step: 2, kind: .collision, detail: "vehicle 2", position: Vec3(1, 2, 3), other: 2)
        try rec.event(vehicle: 0, time: 0.5, step: 2, kind: .warning, detail: "timeLimit")
        try rec.close()
        let log = try SwarmLog.load(try MCAPReader(bytes: w.memory, source: "mem"))
        #expect(log.metadata == Self.metadata(vehicles: 3) && SwarmLog.isSwarm(log.metadata))
        #expect(log.vehicles.map { $0.poses.map(\.pose) } == poses)
        #expect(log.vehicles.map(\.commands.count) == [3, 3, 2] && log.steps == 3)
        let third: Double = 1.0 / 3
        let values: [[Double]] = [[2, third], [2, third]]
        #expect(log.vehicles[2].commands.map(\.values) == values)
        #expect(log.vehicles[1].events == [SwarmLog.Event(logTime: 500_000_000, step: 2, kind: .collision, detail: "vehicle 2",
                                                          position: Vec3(1, 2, 3), other: 2)])
        #expect(log.vehicles[0].events.first?.other == nil && log.vehicles[2].events.isEmpty)
        #expect(log.messageCounts["/tf"] == 11 && log.messageCounts[SwarmTopics.pose(2)] == 3)
        #expect(log.pose(2, atStep: 3) == poses[2][2] && log.pose(0, atStep: 3) == poses[0][3])
        // an episode reader ignores the vehicle topics but knows the log for a swarm
        let episode = try EpisodeLog.load(try MCAPReader(bytes: w.memory, source: "mem"))
        #expect(episode.poses.isEmpty && SwarmLog.isSwarm(episode))
    }

    @Test func topicNamesParseOnlyAsWritten() {
        #expect(SwarmTopics.parse(SwarmTopics.pose(12))! == (12, "pose"))
        #expect(SwarmTopics.parse(SwarmTopics.events(0))! == (0, "events"))
        for bad in ["/pose", "/swarm/x/pose", "/swarm//pose", "/swarm/-1/pose", "/swarm/1", "swarm/1/pose", "/swarm/1/pose/x",
                    "/swarm/99999999999999999999/pose", "/swarm/+1/pose"] {
            #expect(SwarmTopics.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func aVehicleTopicPastTheVehicleCountIsRefused() throws {
        let w = MCAPWriter(options: MCAPWriter.Options(background: false))
        let rec = try SwarmRecorder(writer: w, metadata: Self.metadata(vehicles: 2), vehicles: 3)
        try rec.pose(vehicle: 2, time: 0, .identity)
        try rec.close()
        let e = inputError { try SwarmLog.load(try MCAPReader(bytes: w.memory, source: "mem")) }
        #expect(e?.description.contains("vehicle 2 is past the log's 2 vehicles") == true, "\(String(describing: e))")
        // a contact naming a vehicle that does not exist
        let w2 = MCAPWriter(options: MCAPWriter.Options(background: false))
        let rec2 = try SwarmRecorder(writer: w2, metadata: Self.metadata(vehicles: 2), vehicles: 2)
        try rec2.event(vehicle: 0, time: 0, step: 1, kind: .collision, other: 7)
        try rec2.close()
        let e2 = inputError { try SwarmLog.load(try MCAPReader(bytes: w2.memory, source: "mem")) }
        #expect(e2?.description.contains("other_vehicle") == true, "\(String(describing: e2))")
    }
}
