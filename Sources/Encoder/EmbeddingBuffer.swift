/// The output of one `embed` call: `count × dimension` floats that concurrent workers fill,
/// each row written by exactly one worker.
final class EmbeddingBuffer: @unchecked Sendable {
    // @unchecked Sendable: workers write disjoint rows; rows() is read after all have joined.
    private let storage: UnsafeMutablePointer<Float>
    private let count: Int
    private let dimension: Int

    init(count: Int, dimension: Int) {
        self.count = count
        self.dimension = dimension
        storage = .allocate(capacity: count * dimension)
        storage.initialize(repeating: 0, count: count * dimension)
    }

    deinit { storage.deallocate() }

    func row(_ index: Int) -> UnsafeMutablePointer<Float> {
        storage + index * dimension
    }

    func rows() -> [[Float]] {
        (0..<count).map { Array(UnsafeBufferPointer(start: storage + $0 * dimension, count: dimension)) }
    }
}
