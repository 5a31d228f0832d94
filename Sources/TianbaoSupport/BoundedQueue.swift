import Foundation

/// Items handed from one producing thread to one consuming thread, at most `capacity` waiting:
/// the producer waits when the consumer is behind, the consumer when the producer is. The
/// producer ends with `finish` (its error, if one stopped it, is thrown to the consumer after
/// the items before it); the consumer may `cancel`, after which `put` returns false.
public final class BoundedQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var items: [Element] = []
    private var head = 0
    private var finished = false
    private var cancelled = false
    private var failure: Error?

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Producer: adds `item`, waiting while `capacity` items wait. False when the consumer
    /// cancelled (the item is dropped: stop producing).
    public func put(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Producer: nothing more comes; `error` is what stopped it early, if anything.
    public func finish(throwing error: Error? = nil) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// Consumer: the next item, waiting for it; nil after the last one. Throws the producer's
    /// error once the items put before it are taken.
    public func take() throws -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !finished { condition.wait() }
        guard head < items.count else {
            if let failure { throw failure }
            return nil
        }
        let item = items[head]
        head += 1
        if head >= 64 && head * 2 >= items.count {  // drop what was taken, now and then
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return item
    }

    /// How many items wait now.
    public var waiting: Int {
        condition.lock()
        defer { condition.unlock() }
        return items.count - head
    }

    /// Consumer: stops taking; the producer's next `put` returns false.
    public func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
