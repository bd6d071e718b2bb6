/// Why the encoder could not be loaded: each case names the file or tensor at fault.
public enum EncoderError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A required file does not exist or cannot be opened/read.
    case fileUnreadable(path: String, reason: String)
    /// The safetensors header (length prefix or JSON) is malformed.
    case invalidHeader(path: String, reason: String)
    /// One tensor's header entry is inconsistent (dtype, shape, offsets, overlap).
    case invalidTensor(path: String, tensor: String, reason: String)
    /// A tensor the model needs is absent from the file.
    case missingTensor(path: String, tensor: String)
    /// vocab.txt is empty, lacks a required token, or is not UTF-8.
    case invalidVocabulary(path: String, reason: String)

    public var description: String {
        switch self {
        case .fileUnreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .invalidHeader(let path, let reason):
            return "invalid safetensors header in \(path): \(reason)"
        case .invalidTensor(let path, let tensor, let reason):
            return "invalid tensor '\(tensor)' in \(path): \(reason)"
        case .missingTensor(let path, let tensor):
            return "tensor '\(tensor)' is missing from \(path)"
        case .invalidVocabulary(let path, let reason):
            return "invalid vocabulary \(path): \(reason)"
        }
    }
}
