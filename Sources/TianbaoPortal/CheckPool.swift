import Foundation

/// Checking runs here: at most `width` files at once, each on a thread of its own (checking
/// is CPU work that must not hold the server's event loops), and at most `queueLimit` more
/// waiting. Beyond that an upload is refused at once with 503 and Retry-After, before its file
/// is checked or stored: the queue never grows without bound, and a refused upload is one the
/// client knows to send again.
public actor CheckPool {
    public let width: Int
    public let queueLimit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Thrown when the pool and its queue are full.
    public struct Full: Error {}

    public init(width: Int, queueLimit: Int) {
        self.width = max(1, width)
        self.queueLimit = max(0, queueLimit)
    }

    /// Runs `work` on a thread of its own once a place is free.
    public func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: work()) }
        }
    }

    /// Files being checked and waiting, for the board.
    public var load: (running: Int, waiting: Int) { (running, waiting.count) }

    private func acquire() async throws {
        if running < width {
            running += 1
            return
        }
        guard waiting.count < queueLimit else { throw Full() }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()  // the place passes on: `running` stays
        }
    }
}
