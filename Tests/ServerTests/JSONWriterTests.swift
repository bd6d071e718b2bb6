import Foundation
@testable import Server
import Testing

/// The byte writer of streamed answers against jansson (the writer of small answers) and against a JSON reader.
struct JSONWriterTests {
    /// The text the streaming writer gives `value`, as the one element of a streamed array.
    private func streamed(_ value: JSON) -> String {
        var stream = JSONWriter.ArrayStream()
        stream.append(value)
        let text = JSONWriter.string(stream.finish()) ?? ""
        return String(text.dropFirst().dropLast())
    }

    /// jansson's text of `value` (dumped as the one element of an array: jansson dumps only arrays and objects).
    private func jansson(_ value: JSON) -> String {
        String((JSONWriter.string(.array([value])) ?? "").dropFirst().dropLast())
    }

    static let strings: [String] = [
        "", "plain", "quote \" and backslash \\", "\\boxed{\\frac{1}{2}}", "tab\tline\nfeed\rcarriage",
        "bell \u{7} and NUL \u{0} and \u{1F}", "\u{8}\u{C}", "delete \u{7F} stays", "é, 中文, 🙂", "slash / stays",
        String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }),
    ]

    @Test("strings, integers and literals are written byte for byte as jansson writes them", arguments: [
        JSON.null, .bool(true), .bool(false), .int(0), .int(-1), .int(7), .int(1_000_000), .int(Int.max), .int(Int.min),
    ] + strings.map(JSON.string))
    func matchesJansson(_ value: JSON) {
        #expect(streamed(value) == jansson(value))
    }

    @Test("objects and arrays nest with keys escaped, in order", arguments: strings)
    func nested(_ key: String) throws {
        let value = JSON.object([(key, .array([.int(1), .string(key), .null])), ("b", .object([]))])
        if !key.utf8.contains(0) {  // jansson takes keys as C strings: it would cut this one at the NUL
            #expect(streamed(value) == jansson(value))
        }
        let parsed = try JSONSerialization.jsonObject(with: Data(streamed(value).utf8)) as? [String: Any]
        #expect((parsed?[key] as? [Any])?[1] as? String == key)
    }

    @Test("reals are the shortest text that reads back as the same double", arguments: [
        0.1, 0.5, 1.0, -2.0, 1e-5, 2.5e-7, 1e16, 1e21, 0.7071067811865476, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
        1 / 3.0, 123_456_789.125,
    ])
    func reals(_ number: Double) throws {
        let text = streamed(.double(number))
        #expect(Double(text) == number)
        #expect(text == number.description)
        let parsed = try JSONSerialization.jsonObject(with: Data("[\(text)]".utf8)) as? [NSNumber]
        #expect(parsed?.first?.doubleValue == number)
    }

    @Test("NaN and the infinities are written as null", arguments: [Double.nan, .infinity, -.infinity])
    func nonFinite(_ number: Double) {
        #expect(streamed(.double(number)) == "null")
    }

    @Test("a row of floats is written as the doubles they widen to")
    func floatRow() throws {
        let row: [Float] = [0.1, -0.046123456, 1, 0, .leastNonzeroMagnitude, 3.4e38]
        var stream = JSONWriter.ArrayStream()
        stream.append(numbers: row)
        stream.append(numbers: [])
        let text = try #require(JSONWriter.string(stream.finish()))
        #expect(text.hasPrefix("[[") && text.hasSuffix("],[]]"))
        // Read back with Swift's own parser: Foundation's JSONSerialization on Linux misreads the last digit.
        let numbers = text.dropFirst(2).dropLast(5).split(separator: ",").map { Double(String($0)) }
        #expect(numbers == row.map(Double.init))
    }

    @Test("a stream inside a tree is written around: the whole answer is one valid document")
    func rawInsideTree() throws {
        var stream = JSONWriter.ArrayStream()
        stream.append(.object([("a", .double(0.25))]))
        stream.append(.string("x\"y"))
        let text = JSONWriter.string(.object([("groups", stream.finish()), ("stats", .object([("n", .int(2))]))]))
        #expect(text == #"{"groups":[{"a":0.25},"x\"y"],"stats":{"n":2}}"#)
    }
}
