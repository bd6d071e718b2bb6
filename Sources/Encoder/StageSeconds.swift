import Foundation

/// Time the forward passes spent in each kind of work, summed over every batch and worker
/// (so with two workers busy it grows about twice as fast as the wall clock). encoder-bench
/// prints it to say where the time goes.
@_spi(Benchmark) public struct StageSeconds: Sendable, Equatable {
    /// The dense products: Q, K and V, the attention output projection, the FFN up and down.
    public var products = 0.0
    /// Scores, masked softmax and the weighted sum of values, per text and head.
    public var attention = 0.0
    /// Embedding lookup, biases, LayerNorms, GELU and pooling.
    public var elementWise = 0.0

    /// Stage by stage sum.
    public static func + (a: StageSeconds, b: StageSeconds) -> StageSeconds {
        StageSeconds(
            products: a.products + b.products, attention: a.attention + b.attention,
            elementWise: a.elementWise + b.elementWise)
    }

    /// Stage by stage difference (the time between two readings).
    public static func - (a: StageSeconds, b: StageSeconds) -> StageSeconds {
        StageSeconds(
            products: a.products - b.products, attention: a.attention - b.attention,
            elementWise: a.elementWise - b.elementWise)
    }
}

/// A monotonic stopwatch read between the stages of one forward pass.
struct StageClock {
    private var mark = StageClock.now()

    /// Seconds since the previous lap (or since the clock was made).
    mutating func lap() -> Double {
        let time = StageClock.now()
        defer { mark = time }
        return time - mark
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
