import Foundation

/// What keeps a merge's view of a round's submissions folder consistent: uploads store their
/// files (a rename) and records inside `store`, a merge runs inside `merge`. While a merge runs,
/// an upload that is ready to store waits for it to end (and is told that it did); a merge
/// waits for the stores already under way. Only one merge at a time: a second is refused.
actor FolderGate {
    private var storing = 0
    private var merging = false
    private var storeWaiters: [CheckedContinuation<Void, Never>] = []
    private var mergeWaiter: CheckedContinuation<Void, Never>?

    /// Thrown by `merge` while another merge runs.
    struct Busy: Error {}

    var isMerging: Bool { merging }

    /// Runs `body` while no merge reads the folder; returns whether it had to wait for one.
    func store<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> (value: T, waited: Bool) {
        var waited = false
        while merging {
            waited = true
            await withCheckedContinuation { storeWaiters.append($0) }
        }
        storing += 1
        defer {
            storing -= 1
            if storing == 0, let w = mergeWaiter { mergeWaiter = nil; w.resume() }
        }
        return (try await body(), waited)
    }

    /// Runs `body` with the folder to itself (no store under way, none starting).
    func merge<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        guard !merging else { throw Busy() }
        merging = true
        defer {
            merging = false
            let waiters = storeWaiters
            storeWaiters = []
            for w in waiters { w.resume() }
        }
        if storing > 0 { await withCheckedContinuation { mergeWaiter = $0 } }
        return try await body()
    }
}

/// One caller at a time per key (a unit's uploads are decided in order, so a retried upload
/// sees the record of the first).
actor KeyedLock {
    private var held: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    func with<T: Sendable>(_ key: String, _ body: @Sendable () async throws -> T) async rethrows -> T {
        while held.contains(key) {
            await withCheckedContinuation { waiters[key, default: []].append($0) }
        }
        held.insert(key)
        defer {
            held.remove(key)
            if var list = waiters[key], !list.isEmpty {
                list.removeFirst().resume()
                waiters[key] = list.isEmpty ? nil : list
            }
        }
        return try await body()
    }
}
