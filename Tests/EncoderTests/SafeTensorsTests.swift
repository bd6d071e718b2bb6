import Foundation
import Testing
@testable import Encoder

struct SafeTensorsTests {
    /// A safetensors file from a header (JSON text, space-padded to a multiple of 8 bytes as
    /// the format's writers do) and a data block.
    static func file(header: String, data: [UInt8]) -> [UInt8] {
        var json = Array(header.utf8)
        json += [UInt8](repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8)
        return withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + data
    }

    static func floats(_ values: [Float]) -> [UInt8] {
        values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
    }

    /// Writes `bytes` to a fresh temp file and returns its path.
    static func write(_ bytes: [UInt8], name: String = "model.safetensors") throws -> String {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("safetensors-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let valid = file(
        header: #"{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}"#,
        data: floats([1, 2, 3, 4, 5, 6]))

    @Test func misalignedDataIsRefused() throws {
        let json = Array(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#.utf8)   // 55 bytes
        let bytes = withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + Self.floats([1])
        let tensors = try SafeTensors(path: Self.write(bytes))
        #expect {
            _ = try tensors.floats("w", shape: [1])
        } throws: { error in
            "\(error)".contains("not 4-byte aligned")
        }
    }

    @Test func validFileMapsTensors() throws {
        let tensors = try SafeTensors(path: Self.write(Self.valid))
        let w = try tensors.floats("w", shape: [2, 2])
        let b = try tensors.floats("b", shape: [2])
        #expect(Array(UnsafeBufferPointer(start: w, count: 4)) == [1, 2, 3, 4])
        #expect(Array(UnsafeBufferPointer(start: b, count: 2)) == [5, 6])
    }

    @Test("a corrupted file is rejected with an error naming the problem", arguments: [
        ("bad header JSON",
         file(header: #"{"w":{"dtype":"F32","shape":[1],"#, data: floats([1])),
         "not valid JSON"),
        ("header length past the end",
         withUnsafeBytes(of: UInt64(4096).littleEndian, Array.init) + Array("{}".utf8),
         "runs past the end"),
        ("shorter than the length prefix",
         [1, 2, 3],
         "shorter than the 8-byte header length"),
        ("offsets past the end",
         file(header: #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: floats([1, 2])),
         "tensor 'w'"),
        ("shape disagrees with offsets",
         file(header: #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}"#, data: floats([1, 2, 3, 4])),
         "shape [3] of F32 needs 12 bytes"),
        ("overlapping tensors",
         file(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}"#,
              data: floats([1, 2, 3, 4, 5, 6])),
         "invalid tensor 'b'"),
        ("unknown dtype",
         file(header: #"{"w":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}"#, data: floats([1])),
         "unknown dtype F33"),
        ("reversed offsets",
         file(header: #"{"w":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}"#, data: floats([1])),
         "tensor 'w'"),
        ("negative dimension",
         file(header: #"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: floats([1])),
         "negative dimension"),
        ("offsets missing",
         file(header: #"{"w":{"dtype":"F32","shape":[1]}}"#, data: floats([1])),
         "data_offsets must be [begin, end]"),
        ("header is not an object of objects",
         file(header: #"[1, 2, 3]"#, data: []),
         "invalid safetensors header"),
    ])
    func corrupted(_ problem: String, _ bytes: [UInt8], _ expected: String) throws {
        let path = try Self.write(bytes)
        #expect(problem.isEmpty == false)
        #expect {
            try SafeTensors(path: path)
        } throws: { error in
            let message = "\(error)"
            return message.contains(expected) && message.contains(path)
        }
    }

    @Test("a tensor read with the wrong dtype, shape or name is refused", arguments: [
        ("w", [2, 2], "dtype is F16, expected F32"),
        ("b", [3], "shape is [2], expected [3]"),
        ("missing", [1], "tensor 'missing' is missing"),
    ])
    func wrongRequest(_ name: String, _ shape: [Int], _ expected: String) throws {
        let bytes = Self.file(
            header: #"{"w":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#,
            data: Self.floats([1, 2, 3, 4]))
        let tensors = try SafeTensors(path: Self.write(bytes))
        #expect {
            _ = try tensors.floats(name, shape: shape)
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    /// The real model cut short: the loader names the first tensor that no longer fits.
    @Test func truncatedModelIsRejectedByTheEncoder() throws {
        let source = Fixtures.modelDirectory + "/model.safetensors"
        let handle = try #require(FileHandle(forReadingAtPath: source), "model missing: run scripts/fetch-model.sh")
        let head = try #require(try handle.read(upToCount: 50_000_000))
        try handle.close()
        let path = try Self.write(Array(head))
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.copyItem(
            atPath: Fixtures.modelDirectory + "/vocab.txt", toPath: folder.appendingPathComponent("vocab.txt").path)
        #expect {
            try MiniLM(directory: folder.path, parallelism: .batches(workers: 1))
        } throws: { error in
            let message = "\(error)"
            return message.contains("invalid tensor 'encoder.layer.") && message.contains("run past the end")
        }
    }

    /// A model tensor stored as F16 is refused by name even though the header is consistent.
    @Test func wrongDtypeInModelIsRejectedByTheEncoder() throws {
        let bytes = Self.file(
            header: #"{"embeddings.word_embeddings.weight":{"dtype":"F16","shape":[30522,384],"data_offsets":[0,23440896]}}"#,
            data: [UInt8](repeating: 0, count: 23_440_896))
        let path = try Self.write(bytes)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.copyItem(
            atPath: Fixtures.modelDirectory + "/vocab.txt", toPath: folder.appendingPathComponent("vocab.txt").path)
        #expect {
            try MiniLM(directory: folder.path, parallelism: .batches(workers: 1))
        } throws: { error in
            "\(error)".contains("invalid tensor 'embeddings.word_embeddings.weight'") && "\(error)".contains("dtype is F16")
        }
    }
}
