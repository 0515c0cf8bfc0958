import Testing
@testable import Viewer

@Suite struct PlayheadTests {
    let times = [0.0, 0.1, 0.2, 0.35, 0.5]

    @Test func startsPausedAtFirstFrame() {
        let h = Playhead(times: times)
        #expect(h.time == 0 && h.index == 0 && !h.isPlaying && h.speed == 1)
        #expect(h.duration == 0.5)
    }

    @Test func stepsOneFrameAndPauses() {
        var h = Playhead(times: times)
        h.play()
        h.stepForward()
        #expect(!h.isPlaying && h.index == 1 && h.time == 0.1)
        h.stepForward(); h.stepForward()
        #expect(h.index == 3 && h.time == 0.35)
        h.stepForward(); h.stepForward(); h.stepForward()
        #expect(h.index == 4 && h.time == 0.5, "clamps at the last frame")
        h.stepBackward()
        #expect(h.index == 3)
        // from between frames, a step back goes to the current frame's start
        h.seek(to: 0.27)
        #expect(h.index == 2)
        h.stepBackward()
        #expect(h.time == 0.2 && h.index == 2)
        h.stepBackward(); h.stepBackward(); h.stepBackward()
        #expect(h.index == 0 && h.time == 0, "clamps at the first frame")
        // from between frames, a step forward goes to the next frame
        h.seek(to: 0.05)
        h.stepForward()
        #expect(h.time == 0.1)
    }

    @Test func playAdvancesBySpeedAndStopsAtEnd() {
        var h = Playhead(times: times)
        h.advance(wallSeconds: 0.2)
        #expect(h.time == 0, "paused playhead does not move")
        h.togglePlay()
        h.advance(wallSeconds: 0.15)
        #expect(abs(h.time - 0.15) < 1e-12 && h.index == 1)
        h.speedUp()
        #expect(h.speed == 2)
        h.advance(wallSeconds: 0.1)
        #expect(abs(h.time - 0.35) < 1e-12 && h.index == 3)
        h.advance(wallSeconds: 10)
        #expect(h.time == 0.5 && !h.isPlaying && h.isAtEnd)
        // playing again from the end restarts
        h.play()
        #expect(h.time == 0 && h.isPlaying)
    }

    @Test func scrubAndSeekClamp() {
        var h = Playhead(times: times)
        h.scrub(toFraction: 0.5)
        #expect(abs(h.time - 0.25) < 1e-12 && h.index == 2)
        h.scrub(toFraction: 1.7)
        #expect(h.time == 0.5 && h.index == 4)
        h.scrub(toFraction: -3)
        #expect(h.time == 0)
        h.seek(to: 99)
        #expect(h.time == 0.5)
        h.seek(to: .nan)
        #expect(h.time == 0.5, "NaN is ignored")
        h.apply(.toStart)
        #expect(h.time == 0)
        h.apply(.toEnd)
        #expect(h.time == 0.5)
        h.apply(.scrub(fraction: 0.2))
        #expect(abs(h.fraction - 0.2) < 1e-12)
    }

    @Test func speedLadderClamps() {
        var h = Playhead(times: times)
        for _ in 0..<30 { h.speedUp() }
        #expect(h.speed == 16)
        for _ in 0..<30 { h.slowDown() }
        #expect(h.speed == 1.0 / 16)
        h.apply(.speedUp)
        #expect(h.speed == 1.0 / 8)
    }

    @Test func singleFrameLog() {
        var h = Playhead(times: [3])
        h.play()
        h.advance(wallSeconds: 1)
        h.stepForward(); h.stepBackward()
        #expect(h.time == 3 && h.index == 0 && h.fraction == 0)
    }

    @Test func duplicateTimesStepPastBoth() {
        var h = Playhead(times: [0, 0.1, 0.1, 0.2])
        h.stepForward()
        #expect(h.time == 0.1 && h.index == 2)
        h.stepForward()
        #expect(h.time == 0.2)
    }
}
