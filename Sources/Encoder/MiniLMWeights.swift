/// The model's tensors as read-only views into the memory-mapped safetensors file, assigned in
/// one pass and checked against `MiniLMConfig`, plus each layer's Q, K and V stacked into one
/// matrix at load time. Linear weights keep PyTorch's `[out, in]` layout; the forward pass
/// multiplies by their transpose.
struct MiniLMWeights: @unchecked Sendable {
    // @unchecked Sendable: every pointer points into `file`'s PROT_READ mapping or into
    // `stacked`, both kept alive by this struct and written by nobody after init.

    struct Layer {
        let queryKeyValue: UnsafePointer<Float>          // [3 × hidden, hidden]: query rows, key rows, value rows
        let queryKeyValueBias: UnsafePointer<Float>      // [3 × hidden]
        let attentionOutput: UnsafePointer<Float>        // [hidden, hidden]
        let attentionOutputBias: UnsafePointer<Float>    // [hidden]
        let attentionNormWeight: UnsafePointer<Float>    // [hidden]
        let attentionNormBias: UnsafePointer<Float>      // [hidden]
        let intermediate: UnsafePointer<Float>           // [intermediate, hidden]
        let intermediateBias: UnsafePointer<Float>       // [intermediate]
        let output: UnsafePointer<Float>                 // [hidden, intermediate]
        let outputBias: UnsafePointer<Float>             // [hidden]
        let outputNormWeight: UnsafePointer<Float>       // [hidden]
        let outputNormBias: UnsafePointer<Float>         // [hidden]
    }

    let wordEmbeddings: UnsafePointer<Float>             // [vocabulary, hidden]
    let positionEmbeddings: UnsafePointer<Float>         // [maxPositions, hidden]
    let tokenTypeEmbeddings: UnsafePointer<Float>        // [2, hidden]; row 0 is used
    let embeddingNormWeight: UnsafePointer<Float>        // [hidden]
    let embeddingNormBias: UnsafePointer<Float>          // [hidden]
    let layers: [Layer]                                  // [layers]
    /// Owner of the mapping the pointers above point into.
    let file: SafeTensors
    /// Owner of every layer's `queryKeyValue` and `queryKeyValueBias`.
    let stacked: FloatStorage

    /// Maps every tensor the forward pass needs; throws naming the first missing or
    /// mis-shaped one. The pooler and `position_ids` tensors in the file are not used.
    init(file: SafeTensors, config c: MiniLMConfig) throws {
        let (h, ffn) = (c.hidden, c.intermediate)
        func tensor(_ name: String, _ shape: Int...) throws -> UnsafePointer<Float> {
            try file.floats(name, shape: shape)
        }
        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", c.vocabulary, h)
        positionEmbeddings = try tensor("embeddings.position_embeddings.weight", c.maxPositions, h)
        tokenTypeEmbeddings = try tensor("embeddings.token_type_embeddings.weight", 2, h)
        embeddingNormWeight = try tensor("embeddings.LayerNorm.weight", h)
        embeddingNormBias = try tensor("embeddings.LayerNorm.bias", h)
        // One sgemm against [Wq; Wk; Wv] makes Q, K and V side by side in one pass over the activations.
        let stackedCount = 3 * h * h + 3 * h
        let stacked = FloatStorage(count: c.layers * stackedCount)
        layers = try (0..<c.layers).map { index in
            let p = "encoder.layer.\(index)."
            let weights = stacked.pointer + index * stackedCount
            let biases = weights + 3 * h * h
            for (part, name) in ["query", "key", "value"].enumerated() {
                (weights + part * h * h).initialize(from: try tensor(p + "attention.self.\(name).weight", h, h), count: h * h)
                (biases + part * h).initialize(from: try tensor(p + "attention.self.\(name).bias", h), count: h)
            }
            return Layer(
                queryKeyValue: weights,
                queryKeyValueBias: biases,
                attentionOutput: try tensor(p + "attention.output.dense.weight", h, h),
                attentionOutputBias: try tensor(p + "attention.output.dense.bias", h),
                attentionNormWeight: try tensor(p + "attention.output.LayerNorm.weight", h),
                attentionNormBias: try tensor(p + "attention.output.LayerNorm.bias", h),
                intermediate: try tensor(p + "intermediate.dense.weight", ffn, h),
                intermediateBias: try tensor(p + "intermediate.dense.bias", ffn),
                output: try tensor(p + "output.dense.weight", h, ffn),
                outputBias: try tensor(p + "output.dense.bias", h),
                outputNormWeight: try tensor(p + "output.LayerNorm.weight", h),
                outputNormBias: try tensor(p + "output.LayerNorm.bias", h))
        }
        self.file = file
        self.stacked = stacked
    }
}

/// Floats the weights own (rather than map), freed with the weights.
final class FloatStorage: @unchecked Sendable {
    // @unchecked Sendable: written only while MiniLMWeights.init runs, read-only afterwards.

    /// The first of `count` floats (uninitialised until the owner writes them).
    let pointer: UnsafeMutablePointer<Float>

    init(count: Int) {
        pointer = .allocate(capacity: count)
    }

    deinit { pointer.deallocate() }
}
