import Foundation

/// A token bucket per link: `burst` requests at once, then `perMinute` a minute. A link over
/// its limit is told how many seconds to wait (429 with Retry-After); other links are not
/// affected.
public final class RateLimiter: @unchecked Sendable {
    public let perMinute: Int
    public let burst: Int
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, at: Date)] = [:]

    /// `perMinute` 0 turns the limit off.
    public init(perMinute: Int, burst: Int) {
        self.perMinute = perMinute
        self.burst = max(burst, 1)
    }

    /// Nil when the request may go on; else the seconds to wait.
    public func admit(_ link: String, now: Date = Date()) -> Int? {
        guard perMinute > 0 else { return nil }
        lock.lock()
        defer { lock.unlock() }
        let rate = Double(perMinute) / 60
        var bucket = buckets[link] ?? (Double(burst), now)
        bucket.tokens = min(Double(burst), bucket.tokens + now.timeIntervalSince(bucket.at) * rate)
        bucket.at = now
        if bucket.tokens >= 1 {
            bucket.tokens -= 1
            buckets[link] = bucket
            return nil
        }
        buckets[link] = bucket
        return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
    }
}
