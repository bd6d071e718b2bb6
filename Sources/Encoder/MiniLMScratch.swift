/// Activation buffers for one forward pass over a batch of up to `capacity` token rows (the
/// texts' tokens packed one text after another, no padding). Allocated once and grown only
/// when a larger batch arrives; `MiniLM.forward` only writes into them. A scratch is used by
/// one thread at a time: the pool in `MiniLM` hands each out to a single worker.
final class MiniLMScratch: @unchecked Sendable {
    // @unchecked Sendable: owned by exactly one worker between ScratchPool.acquire and release.

    /// Token rows the buffers hold.
    private(set) var capacity = 0
    private let config: MiniLMConfig

    private(set) var hidden = UnsafeMutablePointer<Float>.allocate(capacity: 0)        // [rows, hidden] residual stream
    private(set) var queryKeyValue = UnsafeMutablePointer<Float>.allocate(capacity: 0) // [rows, 3 × hidden]: Q, K, V side by side
    private(set) var context = UnsafeMutablePointer<Float>.allocate(capacity: 0)       // [rows, hidden] attention output
    private(set) var intermediate = UnsafeMutablePointer<Float>.allocate(capacity: 0)  // [rows, intermediate]
    let scores: UnsafeMutablePointer<Float>                                            // [maxTokens, maxTokens] one head's attention
    /// Time the forward passes on this scratch spent per stage since the pool last collected it.
    var seconds = StageSeconds()

    init(config: MiniLMConfig) {
        self.config = config
        scores = .allocate(capacity: config.maxTokens * config.maxTokens)
    }

    deinit {
        for buffer in [hidden, queryKeyValue, context, intermediate, scores] {
            buffer.deallocate()
        }
    }

    /// Frees the row buffers when they hold more than `rows` rows (the next pass allocates what it needs).
    func release(above rows: Int) {
        guard capacity > rows else { return }
        for buffer in [hidden, queryKeyValue, context, intermediate] {
            buffer.deallocate()
        }
        (hidden, queryKeyValue, context, intermediate) = (.allocate(capacity: 0), .allocate(capacity: 0),
                                                          .allocate(capacity: 0), .allocate(capacity: 0))
        capacity = 0
    }

    /// Makes room for `rows` token rows; reallocates only when the batch is larger than any
    /// seen before (contents are not preserved).
    func reserve(rows: Int) {
        guard rows > capacity else { return }
        let (h, ffn) = (config.hidden, config.intermediate)
        for buffer in [hidden, queryKeyValue, context, intermediate] {
            buffer.deallocate()
        }
        hidden = .allocate(capacity: rows * h)
        queryKeyValue = .allocate(capacity: rows * 3 * h)
        context = .allocate(capacity: rows * h)
        intermediate = .allocate(capacity: rows * ffn)
        capacity = rows
    }
}
