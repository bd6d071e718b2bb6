/// Hyperparameters of sentence-transformers/all-MiniLM-L6-v2 (a BERT encoder); the weight
/// loader checks every tensor's shape against them.
struct MiniLMConfig: Sendable {
    /// Width of the residual stream.
    let hidden: Int
    /// Attention heads per layer; `hidden / heads` is the head size.
    let heads: Int
    /// Encoder layers.
    let layers: Int
    /// Width of the feed-forward block.
    let intermediate: Int
    /// Word-piece vocabulary size.
    let vocabulary: Int
    /// Rows of the learned position embedding table.
    let maxPositions: Int
    /// Token limit per text, [CLS] and [SEP] included (sentence-transformers' max_seq_length);
    /// at most `maxPositions`.
    let maxTokens: Int
    /// LayerNorm epsilon.
    let layerNormEpsilon: Float

    var headSize: Int { hidden / heads }

    static let allMiniLML6v2 = MiniLMConfig(
        hidden: 384, heads: 12, layers: 6, intermediate: 1536,
        vocabulary: 30522, maxPositions: 512, maxTokens: 256, layerNormEpsilon: 1e-12)
}
