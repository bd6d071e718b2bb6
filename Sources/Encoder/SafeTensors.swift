import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory-mapped `.safetensors` file whose header has been validated: every tensor
/// has a known dtype, a non-negative shape whose byte size matches its offsets, lies inside the
/// file, and overlaps no other tensor. Tensor data is handed out as views into the mapping,
/// which lives as long as this object.
///
/// Layout: 8-byte little-endian header length `N`, `N` bytes of JSON
/// (`{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}`),
/// then the data block; offsets are relative to the start of the data block.
final class SafeTensors: @unchecked Sendable {
    // @unchecked Sendable: the mapping is PROT_READ and never changes after init; `entries` is
    // immutable. Unmapped only in deinit, when no view can outlive the owner (views are used by
    // MiniLMWeights, which keeps a strong reference to this object).

    /// One tensor's header entry, already validated against the file.
    struct Entry: Sendable {
        let dtype: String
        let shape: [Int]
        /// Byte range relative to the start of the data block.
        let begin: Int
        let end: Int
    }

    let path: String
    let entries: [String: Entry]
    private let base: UnsafeRawPointer
    private let mappedSize: Int
    private let dataStart: Int

    /// Bytes per element of the dtypes safetensors defines.
    static let dtypeSizes: [String: Int] = [
        "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1,
        "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
        "I32": 4, "U32": 4, "F32": 4,
        "I64": 8, "U64": 8, "F64": 8,
    ]

    /// Largest header accepted (the format's own limit is 100 MB).
    static let maxHeaderSize = 100_000_000

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw EncoderError.fileUnreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw EncoderError.fileUnreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw EncoderError.fileUnreadable(path: path, reason: "not a regular file")
        }
        let size = Int(info.st_size)
        guard size >= 8 else {
            throw EncoderError.invalidHeader(
                path: path, reason: "file is \(size) bytes, shorter than the 8-byte header length")
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw EncoderError.fileUnreadable(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        let base = UnsafeRawPointer(mapped)
        do {
            let (entries, dataStart) = try Self.parseHeader(base: base, fileSize: size, path: path)
            self.entries = entries
            self.dataStart = dataStart
        } catch {
            munmap(mapped, size)
            throw error
        }
        self.base = base
        self.mappedSize = size
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), mappedSize)
    }

    /// A view of an F32 tensor with exactly the expected shape.
    func floats(_ name: String, shape expected: [Int]) throws -> UnsafePointer<Float> {
        guard let entry = entries[name] else {
            throw EncoderError.missingTensor(path: path, tensor: name)
        }
        guard entry.dtype == "F32" else {
            throw EncoderError.invalidTensor(
                path: path, tensor: name, reason: "dtype is \(entry.dtype), expected F32")
        }
        guard entry.shape == expected else {
            throw EncoderError.invalidTensor(
                path: path, tensor: name, reason: "shape is \(entry.shape), expected \(expected)")
        }
        let offset = dataStart + entry.begin
        guard offset % MemoryLayout<Float>.alignment == 0 else {
            throw EncoderError.invalidTensor(
                path: path, tensor: name, reason: "data at file offset \(offset) is not 4-byte aligned")
        }
        return (base + offset).assumingMemoryBound(to: Float.self)
    }

    // MARK: - Header validation

    /// The JSON shape of one header entry; every field optional so that missing ones are
    /// reported by name rather than as a generic decoding failure.
    private struct RawEntry: Decodable {
        let dtype: String?
        let shape: [Int]?
        let data_offsets: [Int]?
    }

    private static func parseHeader(
        base: UnsafeRawPointer, fileSize: Int, path: String
    ) throws -> ([String: Entry], Int) {
        let headerLength = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(maxHeaderSize) else {
            throw EncoderError.invalidHeader(
                path: path, reason: "header length \(headerLength) exceeds the \(maxHeaderSize)-byte limit")
        }
        guard Int(headerLength) <= fileSize - 8 else {
            throw EncoderError.invalidHeader(
                path: path,
                reason: "header length \(headerLength) runs past the end of the \(fileSize)-byte file (truncated?)")
        }
        let dataStart = 8 + Int(headerLength)
        let dataSize = fileSize - dataStart
        let json = Data(bytes: base + 8, count: Int(headerLength))

        let raw: [String: RawEntry]
        do {
            raw = try JSONDecoder().decode([String: RawEntry].self, from: json)
        } catch let DecodingError.dataCorrupted(context) {
            throw EncoderError.invalidHeader(path: path, reason: "header is not valid JSON: \(describe(context))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw EncoderError.invalidHeader(path: path, reason: "unexpected JSON type at \(describe(context))")
        } catch {
            throw EncoderError.invalidHeader(path: path, reason: "cannot decode header JSON: \(error)")
        }

        // Checked in file order (by offset, then name), so that an error names the same tensor every time: the
        // first in the file that is wrong (a Dictionary's own order changes from one process to the next).
        var entries: [String: Entry] = [:]
        let inFileOrder = raw.filter { $0.key != "__metadata__" }.sorted {
            ($0.value.data_offsets?.first ?? Int.max, $0.key) < ($1.value.data_offsets?.first ?? Int.max, $1.key)
        }
        for (name, rawEntry) in inFileOrder {
            entries[name] = try validate(name: name, raw: rawEntry, dataSize: dataSize, path: path)
        }

        // No two tensors may share bytes (empty tensors occupy nothing).
        let ordered = entries.filter { $0.value.end > $0.value.begin }
            .sorted { ($0.value.begin, $0.key) < ($1.value.begin, $1.key) }
        for (previous, next) in zip(ordered, ordered.dropFirst()) where next.value.begin < previous.value.end {
            throw EncoderError.invalidTensor(
                path: path, tensor: next.key,
                reason: "data_offsets [\(next.value.begin), \(next.value.end)] overlap tensor '\(previous.key)' [\(previous.value.begin), \(previous.value.end)]")
        }
        return (entries, dataStart)
    }

    private static func validate(name: String, raw: RawEntry, dataSize: Int, path: String) throws -> Entry {
        func bad(_ reason: String) -> EncoderError {
            .invalidTensor(path: path, tensor: name, reason: reason)
        }
        guard let dtype = raw.dtype else { throw bad("no dtype") }
        guard let elementSize = dtypeSizes[dtype] else { throw bad("unknown dtype \(dtype)") }
        guard let shape = raw.shape else { throw bad("no shape") }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw bad("negative dimension in shape \(shape)") }
        guard let offsets = raw.data_offsets, offsets.count == 2 else {
            throw bad("data_offsets must be [begin, end]")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, begin <= end else { throw bad("data_offsets [\(begin), \(end)] are not an ordered range") }
        guard end <= dataSize else {
            throw bad("data_offsets [\(begin), \(end)] run past the end of the data block (\(dataSize) bytes; file truncated?)")
        }
        var bytes = elementSize
        for dimension in shape {
            let (product, overflow) = bytes.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw bad("shape \(shape) is too large") }
            bytes = product
        }
        guard bytes == end - begin else {
            throw bad("shape \(shape) of \(dtype) needs \(bytes) bytes but data_offsets [\(begin), \(end)] hold \(end - begin)")
        }
        return Entry(dtype: dtype, shape: shape, begin: begin, end: end)
    }

    private static func describe(_ context: DecodingError.Context) -> String {
        let keyPath = context.codingPath.map(\.stringValue).joined(separator: ".")
        let detail = (context.underlyingError.map { "\($0)" }) ?? context.debugDescription
        return keyPath.isEmpty ? detail : "\(keyPath): \(detail)"
    }
}
