import Foundation
import Testing
@testable import Encoder
import TestSupport

/// Where the tests find the model and the shared fixtures, and the parsed reference file.
enum Fixtures {
    static var packageRoot: URL { TestData.packageRoot }
    static var modelDirectory: String { TestData.modelDirectory }
    static var sharedDirectory: String { TestData.sharedDirectory.path }

    static var referencePath: String { sharedDirectory + "/data/minilm/reference.jsonl" }

    /// One text line of reference.jsonl.
    struct TextCase: Decodable, Sendable, CustomTestStringConvertible {
        let tag: String
        let text: String
        let input_ids: [Int32]
        let embedding: [Double]
        var testDescription: String {
            "\(tag): \(Fixtures.oneLine(text))"
        }
    }

    /// One pair line of reference.jsonl.
    struct PairCase: Decodable, Sendable, CustomTestStringConvertible {
        let a: String
        let b: String
        let cosine: Double
        var testDescription: String { "\(Fixtures.oneLine(a)) ~ \(Fixtures.oneLine(b))" }
    }

    private struct Line: Decodable {
        let text: String?
    }

    static let (textCases, pairCases): ([TextCase], [PairCase]) = {
        guard let data = FileManager.default.contents(atPath: referencePath) else {
            Issue.record("cannot read \(referencePath); set COREWARD_SHARED")
            return ([], [])
        }
        let decoder = JSONDecoder()
        var texts: [TextCase] = []
        var pairs: [PairCase] = []
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            do {
                if try decoder.decode(Line.self, from: line).text != nil {
                    texts.append(try decoder.decode(TextCase.self, from: line))
                } else {
                    pairs.append(try decoder.decode(PairCase.self, from: line))
                }
            } catch {
                Issue.record("bad line in \(referencePath): \(error)")
            }
        }
        return (texts, pairs)
    }()

    /// The encoder shared by all tests (one batch per core), or nil with a recorded issue.
    static let model: MiniLM? = {
        do {
            // One batch per core, each on single-threaded OpenBLAS (as the server runs it).
            let parallelism = MiniLM.Parallelism.batches(workers: ProcessInfo.processInfo.activeProcessorCount)
            BLAS.setThreadCount(parallelism.blasThreads)
            return try MiniLM(directory: modelDirectory, parallelism: parallelism)
        } catch {
            Issue.record("cannot load the model from \(modelDirectory) (run scripts/fetch-model.sh or set COREWARD_MODEL_DIR): \(error)")
            return nil
        }
    }()

    /// The first 40 scalars of `text` on one line, for test names.
    static func oneLine(_ text: String) -> String {
        text.unicodeScalars.prefix(40).map { $0.properties.isWhitespace || $0.value < 0x20 ? " " : String($0) }.joined()
    }

    static func maxAbsDifference(_ a: [Float], _ b: [Double]) -> Double {
        zip(a, b).map { abs(Double($0) - $1) }.max() ?? .infinity
    }

    static func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var (dot, na, nb) = (0.0, 0.0, 0.0)
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            na += Double(x) * Double(x)
            nb += Double(y) * Double(y)
        }
        return dot / (na.squareRoot() * nb.squareRoot())
    }
}
