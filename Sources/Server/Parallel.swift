import Dispatch

/// Work cut into parts that run on every core at once.
enum Parallel {
    /// `body(i)` for each `i` in `0..<count`, run on the machine's cores (one part inline), the results in order.
    /// `body` runs on several threads at once: it may read what it captures, and must not change it.
    static func map<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
        guard count > 1 else { return count == 1 ? [body(0)] : [] }
        return withoutActuallyEscaping(body) { body in
            let job = Job(count: count, body: body)
            DispatchQueue.concurrentPerform(iterations: count) { job.run($0) }
            return job.results()
        }
    }

    /// The closure and one result slot per part, shared by the threads: each writes only its own slot (no lock), and
    /// the slots are read after `concurrentPerform` has returned.
    private final class Job<T>: @unchecked Sendable {
        private let body: (Int) -> T
        private let slots: UnsafeMutableBufferPointer<T?>

        init(count: Int, body: @escaping (Int) -> T) {
            self.body = body
            slots = .allocate(capacity: count)
            slots.initialize(repeating: nil)
        }

        deinit { slots.deinitialize().deallocate() }

        func run(_ index: Int) {
            slots[index] = body(index)
        }

        func results() -> [T] {
            slots.compactMap { $0 }
        }
    }
}
