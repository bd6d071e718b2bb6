/// A small seeded random number generator (SplitMix64): the same seed gives the same sequence on every platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator started at `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// A generator for one question and variant: the seed mixed with an FNV-1a hash of the text.
    public init(seed: UInt64, text: String, variant: Int) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        state = seed ^ hash ^ (UInt64(truncatingIfNeeded: variant) &* 0x9e37_79b9_7f4a_7c15)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// An index below `count` (which must be positive), without `Int.random`'s platform-dependent algorithm.
    public mutating func index(below count: Int) -> Int {
        Int(next() % UInt64(max(count, 1)))
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool {
        Double(next() >> 11) / Double(UInt64(1) << 53) < p
    }

    /// The items in an order drawn from this generator (Fisher-Yates, the same on every platform).
    public mutating func shuffled<T>(_ items: [T]) -> [T] {
        var result = items
        guard result.count > 1 else { return result }
        for index in stride(from: result.count - 1, to: 0, by: -1) {
            result.swapAt(index, self.index(below: index + 1))
        }
        return result
    }
}
