import Dispatch
import Synchronization

/// At most `size` scratch states, lent to one worker at a time. Bounds how many forward passes
/// run at once across all concurrent `embed` calls; a worker that finds none free waits.
final class ScratchPool: Sendable {
    private let free: Mutex<[MiniLMScratch]>
    private let available: DispatchSemaphore
    private let spent = Mutex(StageSeconds())
    let size: Int

    init(size: Int, config: MiniLMConfig) {
        self.size = size
        free = Mutex((0..<size).map { _ in MiniLMScratch(config: config) })
        available = DispatchSemaphore(value: size)
    }

    /// Runs `body` with a scratch state no other thread holds meanwhile.
    func withScratch<Result>(_ body: (MiniLMScratch) -> Result) -> Result {
        available.wait()
        let scratch = free.withLock { $0.removeLast() }
        defer {
            let seconds = scratch.seconds
            scratch.seconds = StageSeconds()
            spent.withLock { $0 = $0 + seconds }
            free.withLock { $0.append(scratch) }
            available.signal()
        }
        return body(scratch)
    }

    /// Frees the buffers of every scratch not in use that holds more than `rows` token rows.
    func release(above rows: Int) {
        free.withLock { scratches in
            for scratch in scratches { scratch.release(above: rows) }
        }
    }

    /// Stage times of every forward pass that has returned its scratch so far.
    var stageSeconds: StageSeconds {
        spent.withLock { $0 }
    }
}
