import ArgumentParser
import Server

extension Option {
    /// An option named and described by its entry in the settings table.
    init<Wrapped: ExpressibleByArgument>(_ setting: Setting) where Value == Wrapped? {
        self.init(name: .customLong(setting.name), help: ArgumentHelp(setting.help))
    }
}

extension ParsableArguments {
    /// The settings given on the command line, as text by setting name (`["max-pairs": "100"]`).
    ///
    /// ArgumentParser lists no parsed options, so they are read by reflection, the way ArgumentParser finds
    /// them itself: every optional `@Option` is a setting's, named after its flag in camel case
    /// (`maxJsonDepth` for `--max-json-depth`).
    func givenSettings() -> [String: String] {
        var given: [String: String] = [:]
        for child in Mirror(reflecting: self).children {
            guard let label = child.label, let option = child.value as? any SettingOption else { continue }
            if let text = option.givenText { given[Self.settingName(label)] = text }
        }
        return given
    }

    /// The names of the settings this type has an option for.
    static var settingOptions: [String] {
        Mirror(reflecting: Self()).children.compactMap { child in
            guard let label = child.label, child.value is any SettingOption else { return nil }
            return settingName(label)
        }
    }

    /// `max-json-depth` for the property `_maxJsonDepth` (its wrapper's storage).
    private static func settingName(_ label: String) -> String {
        var name = ""
        for character in label.drop(while: { $0 == "_" }) {
            if character.isUppercase {
                name += "-" + character.lowercased()
            } else {
                name.append(character)
            }
        }
        return name
    }
}

/// An optional `@Option`, whose value is a setting's.
private protocol SettingOption {
    /// The value given, as text; nil when not given.
    var givenText: String? { get }
}

/// A value ArgumentParser parsed, or none.
private protocol GivenValue {
    /// The value as text; nil when none.
    var givenText: String? { get }
}

extension Optional: GivenValue where Wrapped: ExpressibleByArgument {
    fileprivate var givenText: String? { map { "\($0)" } }
}

extension Option: SettingOption where Value: GivenValue {
    fileprivate var givenText: String? { wrappedValue.givenText }
}
