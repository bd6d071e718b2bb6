/// Typed reads of request fields; every failure is a 400 naming the field by JSON Pointer.
extension JSONNode {
    /// The members of an object, refusing any key not in `allowed` (a typo must not silently
    /// fall back to a default) and any key given twice.
    func fields(at pointer: String, allowed: [String]) throws(HTTPError) -> [String: JSONNode] {
        guard kind == .object else {
            throw .badField(pointer.isEmpty ? "" : pointer, "expected an object, got \(kind.article)")
        }
        var result: [String: JSONNode] = [:]
        for (key, value) in members {
            guard allowed.contains(key) else {
                throw .badField(pointer + "/" + JSONPointer.escape(key),
                                "unknown field \"\(key)\"; allowed here: \(allowed.joined(separator: ", "))")
            }
            guard result.updateValue(value, forKey: key) == nil else {
                // JSON leaves duplicates undefined and parsers disagree on which one wins: refuse them.
                throw .badField(pointer + "/" + JSONPointer.escape(key), "duplicate field \"\(key)\"")
            }
        }
        return result
    }

    /// A string value.
    func string(at pointer: String) throws(HTTPError) -> String {
        guard let value = string else { throw .badField(pointer, "expected a string, got \(kind.article)") }
        return value
    }

    /// The UTF-8 bytes of a string value, refusing strings over `maxBytes`. The pointer and the limit's name
    /// are only built on error: this runs once per rollout on the hot path.
    func utf8(at pointer: @autoclosure () -> String, maxBytes: Int,
              limitName: @autoclosure () -> String = Setting.maxResponseBytes.names) throws(HTTPError) -> UnsafeBufferPointer<UInt8> {
        guard let bytes = utf8 else { throw .badField(pointer(), "expected a string, got \(kind.article)") }
        guard bytes.count <= maxBytes else {
            throw HTTPError(413, "string of \(bytes.count) bytes is over the limit of \(maxBytes) (\(limitName()))",
                            pointer: pointer())
        }
        return bytes
    }

    /// An array value with at most `maxCount` elements (and at least `minCount`).
    func array(at pointer: String, minCount: Int = 0, maxCount: Int,
               limitName: @autoclosure () -> String) throws(HTTPError) -> JSONChildren {
        guard kind == .array else { throw .badField(pointer, "expected an array, got \(kind.article)") }
        guard count >= minCount else {
            throw .badField(pointer, "expected at least \(minCount) element\(minCount == 1 ? "" : "s"), got \(count)")
        }
        guard count <= maxCount else {
            throw HTTPError(413, "\(count) elements is over the limit of \(maxCount) (\(limitName()))", pointer: pointer)
        }
        return elements
    }

    /// One of an enumeration's string values.
    func choice<Choice: RawRepresentable & CaseIterable>(_ type: Choice.Type, at pointer: String,
                                                          allowed: [Choice]? = nil) throws(HTTPError) -> Choice
    where Choice.RawValue == String {
        let options = allowed ?? Array(Choice.allCases)
        guard let text = string, let value = Choice(rawValue: text), options.contains(where: { $0.rawValue == text }) else {
            let names = options.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            let got = string.map { "\"\($0)\"" } ?? kind.article
            throw .badField(pointer, "expected one of \(names), got \(got)")
        }
        return value
    }
}

/// Optional fields with defaults.
extension Optional where Wrapped == JSONNode {
    /// The choice named by the field, or `fallback` when the field is absent.
    func choice<Choice: RawRepresentable & CaseIterable>(_ type: Choice.Type, at pointer: String, default fallback: Choice,
                                                          allowed: [Choice]? = nil) throws(HTTPError) -> Choice
    where Choice.RawValue == String {
        guard let node = self else { return fallback }
        return try node.choice(type, at: pointer, allowed: allowed)
    }
}

extension JSONKind {
    /// "an object", "a string", ... for messages.
    var article: String {
        switch self {
        case .null: return "null"
        case .integer, .array, .object: return "an \(rawValue)"
        default: return "a \(rawValue)"
        }
    }
}

/// RFC 6901 JSON Pointers.
enum JSONPointer {
    /// Escapes one reference token (`~` as `~0`, `/` as `~1`).
    static func escape(_ token: String) -> String {
        var escaped = ""
        for character in token {
            switch character {
            case "~": escaped += "~0"
            case "/": escaped += "~1"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
