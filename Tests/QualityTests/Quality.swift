import Foundation
import Testing

/// The switch of the quality suite: dataset-scale checks that `make quality` runs in release.
enum Quality {
    /// `COREWARD_QUALITY=1` (set by `make quality`) runs the suite; plain `swift test` skips it.
    static let enabled = ProcessInfo.processInfo.environment["COREWARD_QUALITY"] == "1"

    /// `COREWARD_REGENERATE=1` (set by `make paper-pair-cosines`) rewrites the committed data files.
    static let regenerate = ProcessInfo.processInfo.environment["COREWARD_REGENERATE"] == "1"
}

extension Trait where Self == ConditionTrait {
    /// Runs only in the quality suite (`make quality`, or `COREWARD_QUALITY=1 swift test`).
    static var quality: Self {
        .enabled(if: Quality.enabled, "dataset scale: run with `make quality` (COREWARD_QUALITY=1)")
    }
}
