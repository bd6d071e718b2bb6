extension RunReport {
    /// Why a report could not be made: an input that is not run history, or a run that is not in it.
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// What went wrong, in words for the command line.
        public let description: String

        /// A failure saying `description`.
        public init(description: String) {
            self.description = description
        }
    }
}
