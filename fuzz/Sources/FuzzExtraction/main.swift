import Core

/// Extraction never crashes on any text, and what it returns is a well-formed slice of the input.
/// The input is made valid UTF-8 first, as the server's is (simdjson validates every request body).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExtraction(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    text.withUTF8 { bytes in
        for mode in ExtractionMode.allCases {
            guard let found = AnswerExtractor.extract(bytes, mode: mode) else { continue }
            precondition(found.byteRange.lowerBound >= 0 && found.byteRange.upperBound <= bytes.count,
                         "range outside the input")
            precondition(found.answer.utf8.count <= found.byteRange.count, "answer longer than its span")
            if mode == .strict {
                precondition([.boxed, .boxedSpace, .fbox].contains(found.method), "strict used a fallback")
            }
        }
    }
    return 0
}
