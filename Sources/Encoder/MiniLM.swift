import Dispatch
import Foundation
import Synchronization

/// The all-MiniLM-L6-v2 sentence encoder: WordPiece tokenizer plus a BERT forward pass on
/// OpenBLAS, mean pooling and L2 normalisation. Weights are shared read-only; `embed` is safe
/// to call from many threads at once.
public final class MiniLM: Sendable {
    /// How the encoder uses the machine's cores.
    public enum Parallelism: Sendable, Equatable {
        /// Up to `workers` batches in flight at once (within one call and across concurrent
        /// calls), each on one thread with single-threaded OpenBLAS.
        case batches(workers: Int)
        /// One batch at a time across the process, each matrix product split over `threads`
        /// OpenBLAS threads.
        case blas(threads: Int)

        /// OpenBLAS's thread count this mode is made for (1 for `.batches`, `threads` for `.blas`). OpenBLAS's
        /// count is process-wide, so the encoder does not set it: the program does, once, with
        /// `BLAS.setThreadCount(parallelism.blasThreads)`.
        public var blasThreads: Int {
            switch self {
            case .batches: return 1
            case .blas(let threads): return max(1, threads)
            }
        }
    }

    /// Embedding width (384).
    public let dimension: Int
    /// Model identifier reported to clients.
    public let modelName: String = "all-MiniLM-L6-v2"
    /// Path of the loaded model.safetensors (for hashing by the caller).
    public let weightsFile: String
    /// Path of the loaded vocab.txt.
    public let vocabularyFile: String
    /// The threading mode chosen at load time.
    public let parallelism: Parallelism

    let config: MiniLMConfig
    let weights: MiniLMWeights
    let tokenizer: WordPieceTokenizer
    private let pool: ScratchPool
    private let workers: Int
    /// Most token rows in one forward pass (a batch is cut further to stay under it): bounds each worker's scratch
    /// at about 13.8 KB a row, 28 MB at the default 2,048.
    public let maxBatchTokens: Int

    /// The default `maxBatchTokens`: 32 texts of 64 tokens, or 8 of 256.
    public static let defaultMaxBatchTokens = 2048

    /// Token rows a worker's scratch keeps between calls (7 MB); a call that needed more frees the rest when done,
    /// so that one large call does not leave its buffers resident.
    static let keptScratchRows = 512

    /// Loads model.safetensors and vocab.txt from a folder; throws EncoderError with a clear
    /// message (naming the file/tensor) if missing or invalid. Touches no process-wide state: the caller
    /// chooses the threading mode and sets OpenBLAS's thread count to `parallelism.blasThreads`.
    public init(directory: String, parallelism: Parallelism, maxBatchTokens: Int = MiniLM.defaultMaxBatchTokens) throws {
        let config = MiniLMConfig.allMiniLML6v2
        let folder = URL(fileURLWithPath: directory)
        weightsFile = folder.appendingPathComponent("model.safetensors").path
        vocabularyFile = folder.appendingPathComponent("vocab.txt").path
        weights = try MiniLMWeights(file: SafeTensors(path: weightsFile), config: config)
        tokenizer = try WordPieceTokenizer(vocabularyFile: vocabularyFile, maxTokens: config.maxTokens)
        self.config = config
        self.dimension = config.hidden
        self.parallelism = parallelism
        self.maxBatchTokens = max(maxBatchTokens, config.maxTokens)  // room for one text of the longest kind
        switch parallelism {
        case .batches(let count): workers = max(1, count)
        case .blas: workers = 1
        }
        pool = ScratchPool(size: workers, config: config)
    }

    /// Token ids exactly as the reference tokenizer gives them.
    public func tokenize(_ text: String) -> [Int32] {
        tokenizer.encode(text)
    }

    /// L2-normalised embeddings, one per text; safe to call from many threads at once.
    public func embed(_ texts: [String], batchSize: Int = 32) -> [[Float]] {
        embed(tokenIDs: texts.map(tokenizer.encode), batchSize: batchSize)
    }

    /// Embeddings of already tokenized texts (each `[CLS] … [SEP]`, at most 256 ids).
    /// Texts are sorted by length, longest first, so the batches the workers take last are the
    /// cheapest, then the results are put back in input order. `batchSize` caps the texts per
    /// batch, and `maxBatchTokens` the tokens; with several workers a call is cut into at least
    /// `2 × workers` batches when it has enough texts.
    public func embed(tokenIDs: [[Int32]], batchSize: Int = 32) -> [[Float]] {
        defer { pool.release(above: Self.keptScratchRows) }
        let count = tokenIDs.count
        guard count > 0 else { return [] }
        // With several workers, cut the call into at least two batches per worker (when there
        // are enough texts) so that every core gets work and the last batches, taken
        // longest-first, even out; more, smaller batches cost little once a batch has a few
        // hundred token rows.
        let batchCount = workers > 1
            ? max((count + batchSize - 1) / max(1, batchSize), min(count, 2 * workers))
            : (count + batchSize - 1) / max(1, batchSize)
        let batchSize = (count + batchCount - 1) / batchCount
        let order = tokenIDs.indices.sorted { (tokenIDs[$0].count, $1) > (tokenIDs[$1].count, $0) }
        var cut: [[Int]] = [[]]
        var tokens = 0
        for index in order {
            let length = min(tokenIDs[index].count, config.maxTokens)
            if let current = cut.last, !current.isEmpty,
               current.count == batchSize || tokens + length > maxBatchTokens {
                cut.append([])
                tokens = 0
            }
            cut[cut.count - 1].append(index)
            tokens += length
        }
        let batches = cut
        let output = EmbeddingBuffer(count: count, dimension: dimension)
        let nextBatch = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: min(workers, batches.count)) { _ in
            while true {
                let index = nextBatch.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < batches.count else { return }
                let members = batches[index]
                pool.withScratch { scratch in
                    forward(members.map { tokenIDs[$0] }, scratch: scratch) { position in
                        output.row(members[position])
                    }
                }
            }
        }
        return output.rows()
    }

    /// Time all forward passes so far spent in each stage, summed over workers.
    @_spi(Benchmark) public var stageSeconds: StageSeconds {
        pool.stageSeconds
    }

    /// Number of floating-point operations (multiply and add counted apart) the matrix
    /// products of one forward pass perform on a text of `tokens` ids, padding excluded.
    public func flops(tokens: Int) -> Double {
        let (t, h, ffn) = (Double(tokens), Double(config.hidden), Double(config.intermediate))
        let dense = 2 * t * (4 * h * h + 2 * h * ffn)      // Q, K, V, output; FFN up and down
        let attention = 2 * 2 * t * t * h                   // QKᵀ and P·V over all heads
        return Double(config.layers) * (dense + attention)
    }

    // MARK: - Forward pass

    /// BERT forward pass over one batch, its texts' tokens packed one after another (no
    /// padding: every product runs on the real tokens only), writing each text's pooled,
    /// L2-normalised embedding to `destination(i)`.
    private func forward(
        _ sequences: [[Int32]], scratch s: MiniLMScratch,
        destination: (Int) -> UnsafeMutablePointer<Float>
    ) {
        let c = config
        let w = weights
        let (h, ffn) = (c.hidden, c.intermediate)
        let lengths = sequences.map { min($0.count, c.maxTokens) }
        var starts = [0]   // first row of each text, then the total
        for length in lengths { starts.append(starts[starts.count - 1] + length) }
        let rows = starts[lengths.count]
        s.reserve(rows: rows)
        var clock = StageClock()

        // Embeddings: word + position (0…T-1) + token type 0, then LayerNorm.
        let vocabulary = Int32(c.vocabulary)
        for (b, sequence) in sequences.enumerated() {
            for t in 0..<lengths[b] {
                var token = sequence[t]
                if token < 0 || token >= vocabulary { token = tokenizer.unknownID }   // never read outside the table
                let row = s.hidden + (starts[b] + t) * h
                let word = w.wordEmbeddings + Int(token) * h
                let position = w.positionEmbeddings + t * h
                for i in 0..<h { row[i] = word[i] + position[i] + w.tokenTypeEmbeddings[i] }
            }
        }
        VectorMath.layerNorm(
            s.hidden, rows: rows, width: h, addingBias: nil,
            weight: w.embeddingNormWeight, shift: w.embeddingNormBias, epsilon: c.layerNormEpsilon)
        s.seconds.elementWise += clock.lap()

        for layer in w.layers {
            // Q, K and V in one product, onto their biases.
            VectorMath.copyRows(layer.queryKeyValueBias, into: s.queryKeyValue, rows: rows, width: 3 * h)
            s.seconds.elementWise += clock.lap()
            BLAS.sgemm(
                transB: true, m: rows, n: 3 * h, k: h, a: s.hidden, lda: h, b: layer.queryKeyValue, ldb: h,
                beta: 1, c: s.queryKeyValue, ldc: 3 * h)
            s.seconds.products += clock.lap()

            attention(lengths: lengths, starts: starts, scratch: s)
            s.seconds.attention += clock.lap()

            // Output projection added onto the residual stream, then its bias and LayerNorm.
            BLAS.sgemm(transB: true, m: rows, n: h, k: h, a: s.context, lda: h, b: layer.attentionOutput, ldb: h,
                       beta: 1, c: s.hidden, ldc: h)
            s.seconds.products += clock.lap()
            VectorMath.layerNorm(
                s.hidden, rows: rows, width: h, addingBias: layer.attentionOutputBias,
                weight: layer.attentionNormWeight, shift: layer.attentionNormBias, epsilon: c.layerNormEpsilon)

            // Feed-forward: GELU(x·W1ᵀ + b1)·W2ᵀ added onto the residual stream, then its bias and LayerNorm.
            VectorMath.copyRows(layer.intermediateBias, into: s.intermediate, rows: rows, width: ffn)
            s.seconds.elementWise += clock.lap()
            BLAS.sgemm(transB: true, m: rows, n: ffn, k: h, a: s.hidden, lda: h, b: layer.intermediate, ldb: h,
                       beta: 1, c: s.intermediate, ldc: ffn)
            s.seconds.products += clock.lap()
            VectorMath.gelu(s.intermediate, count: rows * ffn)
            s.seconds.elementWise += clock.lap()
            BLAS.sgemm(transB: true, m: rows, n: h, k: ffn, a: s.intermediate, lda: ffn, b: layer.output, ldb: ffn,
                       beta: 1, c: s.hidden, ldc: h)
            s.seconds.products += clock.lap()
            VectorMath.layerNorm(
                s.hidden, rows: rows, width: h, addingBias: layer.outputBias,
                weight: layer.outputNormWeight, shift: layer.outputNormBias, epsilon: c.layerNormEpsilon)
        }

        // Mean pooling over each text's tokens, then L2 normalisation.
        for b in lengths.indices {
            VectorMath.meanPoolNormalised(s.hidden + starts[b] * h, count: lengths[b], width: h, into: destination(b))
        }
        s.seconds.elementWise += clock.lap()
    }

    /// Self-attention per text and head, softmax(QKᵀ/√d)·V over the text's own tokens, from
    /// `scratch.queryKeyValue` into `scratch.context` (each head's d columns of its text's rows).
    private func attention(lengths: [Int], starts: [Int], scratch s: MiniLMScratch) {
        let (h, d) = (config.hidden, config.headSize)
        let scale = 1 / Float(d).squareRoot()
        for (b, length) in lengths.enumerated() where length > 0 {
            for head in 0..<config.heads {
                let query = s.queryKeyValue + starts[b] * 3 * h + head * d
                BLAS.sgemm(
                    transB: true, m: length, n: length, k: d, alpha: scale,
                    a: query, lda: 3 * h, b: query + h, ldb: 3 * h, c: s.scores, ldc: length)
                for i in 0..<length {
                    VectorMath.softmax(s.scores + i * length, count: length)
                }
                BLAS.sgemm(
                    m: length, n: d, k: length, a: s.scores, lda: length, b: query + 2 * h, ldb: 3 * h,
                    c: s.context + starts[b] * h + head * d, ldc: h)
            }
        }
    }
}
