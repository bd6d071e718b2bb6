import Core
import Encoder
import Crypto
import Foundation
import Synchronization

/// The in-process sentence encoder as the service sees it: loading in the background at start-up,
/// then ready (with the weights' SHA-256), or failed with a reason that says how to fix it.
public final class EncoderModel: Sendable {
    /// Where loading stands.
    public enum State: Sendable {
        case loading
        case ready(MiniLM, sha256: String)
        case failed(String)
    }

    /// The folder the weights are loaded from.
    public let directory: String
    /// Forward passes that may run at once (each holds one scratch state, on one core).
    public let workers: Int
    /// Most tokens in one forward pass (`MiniLM.maxBatchTokens`).
    public let batchTokens: Int
    private let state = Mutex<State>(.loading)

    public init(directory: String, workers: Int, batchTokens: Int = MiniLM.defaultMaxBatchTokens) {
        self.directory = directory
        self.workers = max(1, workers)
        self.batchTokens = batchTokens
    }

    /// How the model will use the cores: one batch per worker, each on single-threaded OpenBLAS.
    public var parallelism: MiniLM.Parallelism { .batches(workers: workers) }

    /// The current state.
    public var current: State { state.withLock { $0 } }

    /// Loads the model (blocking: call it off the request threads) and records the outcome.
    public func load() {
        let weights = directory + "/model.safetensors"
        guard FileManager.default.fileExists(atPath: weights) else {
            state.withLock {
                $0 = .failed("no model at \(directory): run `make model` (or scripts/fetch-model.sh \(directory)), or point \(Setting.modelDir.names) at a folder holding model.safetensors and vocab.txt")
            }
            return
        }
        do {
            let model = try MiniLM(directory: directory, parallelism: parallelism, maxBatchTokens: batchTokens)
            let digest = try Self.sha256(of: weights)
            state.withLock { $0 = .ready(model, sha256: digest) }
        } catch {
            state.withLock { $0 = .failed("cannot load the model from \(directory): \(error)") }
        }
    }

    /// The loaded model, or a 503 saying why there is none.
    func model() throws(HTTPError) -> MiniLM {
        switch current {
        case .ready(let model, _): return model
        case .loading: throw HTTPError(503, "the encoder is still loading", headers: [("Retry-After", "1")])
        case .failed(let reason): throw HTTPError(503, "the encoder is not available: \(reason)", headers: [("Retry-After", "30")])
        }
    }

    /// `/v1/info`'s description of the model.
    var info: JSON {
        var fields: [(String, JSON)] = [("name", .string("all-MiniLM-L6-v2")), ("dim", .int(384)), ("directory", .string(directory))]
        switch current {
        case .loading: fields.append(("status", .string("loading")))
        case .ready(_, let sha256):
            fields.append(("status", .string("ready")))
            fields.append(("sha256", .string(sha256)))
        case .failed(let reason):
            fields.append(("status", .string("failed")))
            fields.append(("reason", .string(reason)))
        }
        return .object(fields)
    }

    /// SHA-256 of a file, read in 1 MiB chunks.
    private static func sha256(of path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw EncoderError.fileUnreadable(path: path, reason: "cannot open it")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
