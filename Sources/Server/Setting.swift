/// One setting of `coreward serve`: its flag and variable, the values it takes, its default, unit and help, and
/// its `/v1/info` key. `Setting.all` is the table; the command line, the environment parsing, `/v1/info`'s
/// limits, the limit names in errors and docs/configuration.md are derived from it.
public struct Setting: Sendable {
    /// The flag's long name without its dashes, e.g. `max-pairs`.
    public let name: String
    /// The flag, e.g. `--max-pairs`.
    public let flag: String
    /// The environment variable, e.g. `COREWARD_MAX_PAIRS`.
    public let variable: String
    /// The flag and the variable as error messages name them, e.g. `--max-pairs, COREWARD_MAX_PAIRS`.
    public let names: String
    /// The values it takes, and where in a `ServerConfiguration` it goes.
    public let kind: Kind
    /// The part of the program that reads it, and so how its flag and variable combine.
    public let section: Section
    /// The unit of its value, if it has one.
    public let unit: Unit?
    /// What it is: the start of its `--help` line and its meaning in the docs.
    public let summary: String
    /// `/v1/info`'s key for it under `limits`, if `/v1/info` reports it.
    public let infoKey: String?
    /// The default in words, when the configuration's own value is not what applies (e.g. "the number of CPUs").
    let describedDefault: String?
    /// Said after the default in `--help`.
    let note: String?

    init(_ name: String, _ kind: Kind, section: Section = .server, unit: Unit? = nil, info: Bool = false,
         default describedDefault: String? = nil, note: String? = nil, _ summary: String) {
        self.name = name
        flag = "--" + name
        variable = "COREWARD_" + String(name.uppercased().map { $0 == "-" ? "_" : $0 })
        names = flag + ", " + variable
        self.kind = kind
        self.section = section
        self.unit = unit
        self.summary = summary
        infoKey = info ? String(name.map { $0 == "-" ? "_" : $0 }) : nil
        self.describedDefault = describedDefault
        self.note = note
    }

    /// The values a setting takes, and where in a `ServerConfiguration` it goes.
    public enum Kind: Sendable {
        /// A whole number in a range.
        case integer(WritableKeyPath<ServerConfiguration, Int> & Sendable, ClosedRange<Int>)
        /// A number of seconds, fractions allowed, above 0 and at most a day.
        case seconds(WritableKeyPath<ServerConfiguration, Double> & Sendable)
        /// A TCP port, or none.
        case port(WritableKeyPath<ServerConfiguration, Int?> & Sendable)
        /// Text, taken as given.
        case text(WritableKeyPath<ServerConfiguration, String> & Sendable)
        /// An http(s) URL, or none; `ServerConfiguration.applyAugmentation` checks it.
        case url(WritableKeyPath<ServerConfiguration, String?> & Sendable)
        /// A whole number, at least `atLeast`.
        case count(WritableKeyPath<ServerConfiguration, Int> & Sendable, atLeast: Int)
        /// A number, above 0 when `positive`.
        case number(WritableKeyPath<ServerConfiguration, Double> & Sendable, positive: Bool)
        /// A file the program reads at startup; the configuration does not hold it.
        case file
        /// One of a few names (given as a function: a plain array in this multi-payload enum would be a pointer
        /// tagged with the case, which LeakSanitizer cannot follow); the configuration does not hold it.
        case choice(names: @Sendable () -> [String], default: String)
    }

    /// The part of the program that reads a setting, and so how its flag and variable combine.
    public enum Section: Sendable, CaseIterable {
        /// The HTTP service: a variable that is set and not empty is checked and applied, then a flag overrides it.
        case server
        /// `/v1/augment`: a flag replaces the variable, which counts even when empty.
        case augmentation
        /// Log lines: a flag replaces the variable; an empty one counts as unset.
        case logging

        /// The section's title in `--help` and in the docs.
        public var title: String {
            switch self {
            case .server: "Server"
            case .augmentation: "Augmentation (/v1/augment)"
            case .logging: "Logging"
            }
        }

        /// How a flag and its variable combine, as the docs say it.
        var rule: String {
            switch self {
            case .server: "A flag wins over its variable, which wins over the default; an empty variable counts as unset."
            case .augmentation: "A flag wins over its variable, which wins over the default; an empty variable counts as given."
            case .logging: "A flag wins over its variable, which wins over the default; an empty one counts as unset."
            }
        }
    }

    /// The unit of a setting's value.
    public enum Unit: String, Sendable {
        case bytes, seconds
    }

    /// Where a setting's text came from.
    enum Origin {
        case flag, variable
    }

    /// The `--help` text: the summary, the variable, the default and the note.
    public var help: String {
        var details = ["env " + variable]
        if let describedDefault {
            details.append("default: " + describedDefault)
        } else if let shown = shownDefault {
            details.append("default " + shown)
        }
        if let note { details.append(note) }
        return "\(summary) (\(details.joined(separator: "; ")))."
    }

    /// The default as `--help` and the docs show it; nil when there is none or it is described in words.
    var shownDefault: String? {
        guard describedDefault == nil else { return nil }
        let defaults = ServerConfiguration()
        switch kind {
        case .integer(let key, _), .count(let key, _): return String(defaults[keyPath: key])
        case .seconds(let key), .number(let key, _): return Self.format(defaults[keyPath: key])
        case .port(let key): return defaults[keyPath: key].map { String($0) }
        case .text(let key): return defaults[keyPath: key]
        case .url(let key): return defaults[keyPath: key]
        case .file: return nil
        case .choice(_, let name): return name
        }
    }

    /// The values it takes, as the docs say them.
    var allowed: String {
        switch kind {
        case .integer(_, let range): "\(range.lowerBound)...\(range.upperBound)"
        case .seconds: "above 0, at most 86400"
        case .port: "0...65535"
        case .text: "text"
        case .url: "an http(s) URL"
        case .count(_, let minimum): "at least \(minimum)"
        case .number(_, let positive): positive ? "above 0" : "a number"
        case .file: "a file path"
        case .choice(let names, _): names().joined(separator: ", ")
        }
    }

    /// Its value in `configuration` as JSON (null for what the configuration does not hold).
    func value(in configuration: ServerConfiguration) -> JSON {
        switch kind {
        case .integer(let key, _), .count(let key, _): .int(configuration[keyPath: key])
        case .seconds(let key), .number(let key, _): .double(configuration[keyPath: key])
        case .port(let key): configuration[keyPath: key].map { .int($0) } ?? .null
        case .text(let key): .string(configuration[keyPath: key])
        case .url(let key): configuration[keyPath: key].map { .string($0) } ?? .null
        case .file, .choice: .null
        }
    }

    /// Checks `text` and stores it in `configuration`; a file or a choice is left to the program.
    func apply(_ text: String, from origin: Origin, to configuration: inout ServerConfiguration) throws(ConfigurationError) {
        let source = origin == .flag ? "\(flag) \(text)" : "\(variable)=\(text)"
        let named = origin == .flag ? flag : variable
        switch kind {
        case .integer(let key, let range):
            guard let value = Int(text), range.contains(value) else {
                throw ConfigurationError(description: "\(source): expected a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            configuration[keyPath: key] = value
        case .seconds(let key):
            guard let value = Double(text), value > 0, value <= 86400 else {
                throw ConfigurationError(description: "\(source): expected a number of seconds above 0 and at most 86400")
            }
            configuration[keyPath: key] = value
        case .port(let key):
            guard let value = Int(text), (0 ... 65535).contains(value) else {
                throw ConfigurationError(description: "\(source): expected a port number")
            }
            configuration[keyPath: key] = value
        case .text(let key):
            configuration[keyPath: key] = text
        case .url(let key):
            configuration[keyPath: key] = text
        case .count(let key, let minimum):
            guard let value = Int(text) else { throw ConfigurationError(description: "\(named) is not an integer: \(text)") }
            guard value >= minimum else {
                throw ConfigurationError(description: minimum == 0 ? "\(flag) must not be negative" : "\(flag) must be at least \(minimum)")
            }
            configuration[keyPath: key] = value
        case .number(let key, let positive):
            guard let value = Double(text) else { throw ConfigurationError(description: "\(named) is not a number: \(text)") }
            guard !positive || value > 0 else { throw ConfigurationError(description: "\(flag) must be positive") }
            configuration[keyPath: key] = value
        case .file, .choice:
            break
        }
    }

    /// The text given for a setting the program reads itself (a file, a choice): its flag, or else its variable,
    /// as `flags` (text by setting name) and `environment` hold them; nil when neither is given, and outside
    /// the augmentation section when the text is empty.
    public func text(flags: [String: String], environment: [String: String]) -> String? {
        guard let text = flags[name] ?? environment[variable] else { return nil }
        return text.isEmpty && section != .augmentation ? nil : text
    }

    /// A choice setting's value: the flag, or else the variable, or else the default.
    public func choice<Value: RawRepresentable & CaseIterable>(
        _ type: Value.Type, flags: [String: String], environment: [String: String]
    ) throws(ConfigurationError) -> Value where Value.RawValue == String {
        guard case .choice(let names, let defaultName) = kind else {
            throw ConfigurationError(description: "\(flag) is not a choice")
        }
        let text = self.text(flags: flags, environment: environment) ?? defaultName
        guard let value = Value(rawValue: text) else {
            throw ConfigurationError(description: "\(flag) \(text): expected one of \(names().joined(separator: ", "))")
        }
        return value
    }

    /// A number as `--help` shows it: whole numbers without a fraction.
    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }
}
