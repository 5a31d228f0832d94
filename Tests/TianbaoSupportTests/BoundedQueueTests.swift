import Dispatch
import Foundation
import XCTest
@testable import TianbaoSupport

/// The queue between the archive's row encoder and the thread storing the rows.
final class BoundedQueueTests: XCTestCase {
    struct Stop: Error, Equatable {}

    /// Items arrive in order, never more than `capacity` wait, and the producer's error comes
    /// after every item it put.
    func testItemsInOrderAtMostCapacityWaitingThenTheProducersError() throws {
        let queue = BoundedQueue<Int>(capacity: 3)
        let mostWaiting = ManagedMax()
        let done = DispatchGroup()
        done.enter()
        DispatchQueue.global().async {
            for i in 0..<1000 {
                XCTAssertTrue(queue.put(i))
                mostWaiting.note(queue)
            }
            queue.finish(throwing: Stop())
            done.leave()
        }
        var taken: [Int] = []
        do {
            while let item = try queue.take() {
                taken.append(item)
                if item % 100 == 0 { Thread.sleep(forTimeInterval: 0.002) }  // the consumer falls behind now and then
            }
            XCTFail("the producer's error was not thrown")
        } catch let error as Stop {
            XCTAssertEqual(error, Stop())
        }
        done.wait()
        XCTAssertEqual(taken, Array(0..<1000))
        XCTAssertLessThanOrEqual(mostWaiting.value, 3)
        XCTAssertThrowsError(try queue.take(), "after the end, the error again")
    }

    /// A consumer that cancels releases a producer waiting on a full queue, whose puts then
    /// return false.
    func testCancelReleasesAWaitingProducer() {
        let queue = BoundedQueue<Int>(capacity: 1)
        let stopped = expectation(description: "producer stopped")
        DispatchQueue.global().async {
            var i = 0
            while queue.put(i) { i += 1 }
            XCTAssertLessThanOrEqual(i, 2)
            stopped.fulfill()
        }
        XCTAssertEqual(try queue.take(), 0)
        queue.cancel()
        wait(for: [stopped], timeout: 10)
    }

    /// A producer that ends at once gives nil.
    func testNothingPutGivesNil() throws {
        let queue = BoundedQueue<String>(capacity: 2)
        queue.finish()
        XCTAssertNil(try queue.take())
    }
}

/// The most items seen waiting in a queue (read under the queue's own discipline: approximate
/// from outside, but never above what was waiting at some moment).
private final class ManagedMax: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var value = 0
    func note(_ queue: BoundedQueue<Int>) {
        let waiting = queue.waiting
        lock.lock()
        value = max(value, waiting)
        lock.unlock()
    }
}
