/// Messages per topic and the log-time range of a log's messages, counted per channel id (an
/// array slot, no hashing of topic strings per message) and folded into topics at the end.
struct MessageTally {
    /// Topic of each channel id; nil for ids no channel defines.
    let topics: [String?]
    var perChannel: [Int]
    var timeRange: ClosedRange<UInt64>?

    init(channels: [UInt16: MCAPChannel]) {
        var t = [String?](repeating: nil, count: Int(channels.keys.max() ?? 0) + 1)
        for (id, ch) in channels { t[Int(id)] = ch.topic }
        topics = t
        perChannel = [Int](repeating: 0, count: t.count)
    }

    /// The topic of channel `id`, nil when no channel defines it.
    @inline(__always) func topic(_ id: UInt16) -> String? {
        Int(id) < topics.count ? topics[Int(id)] : nil
    }

    /// Counts message `m` and widens the time range by it; false (and nothing counted) when no
    /// channel defines its channel id.
    @inline(__always) mutating func count(_ m: MCAPMessage) -> Bool {
        let i = Int(m.channelID)
        guard i < topics.count, topics[i] != nil else { return false }
        perChannel[i] += 1
        if let r = timeRange {
            if m.logTime < r.lowerBound || m.logTime > r.upperBound {
                timeRange = min(r.lowerBound, m.logTime)...max(r.upperBound, m.logTime)
            }
        } else {
            timeRange = m.logTime...m.logTime
        }
        return true
    }

    /// Messages per topic (channels that share a topic add up); topics without messages are left out.
    func countsByTopic() -> [String: Int] {
        var out: [String: Int] = [:]
        for (i, n) in perChannel.enumerated() where n > 0 {
            if let t = topics[i] { out[t, default: 0] += n }
        }
        return out
    }
}
