import Foundation
import Synchronization

/// `--stats-log`: every step of every run appended to a file as one JSON line, for `coreward report` and for
/// whatever else reads JSON Lines. The file is opened once at start (an unwritable path stops the server there) and
/// written under a lock, a line at a time.
final class StatsLog: Sendable {
    private let handle: Mutex<FileHandle>

    /// Why the log cannot be opened.
    struct OpenError: Error, CustomStringConvertible {
        let description: String
    }

    /// Opens `path` for appending, creating it when missing.
    init(path: String) throws(OpenError) {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw OpenError(description: "cannot create the stats log \(path)")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw OpenError(description: "cannot open the stats log \(path) for writing")
        }
        _ = try? handle.seekToEnd()
        self.handle = Mutex(handle)
    }

    /// Appends one line (a newline is added); false when the write failed (a full disk, say): the step is still
    /// kept in memory and served.
    @discardableResult
    func append(_ line: [UInt8]) -> Bool {
        handle.withLock { handle in
            (try? handle.write(contentsOf: Data(line + [0x0A]))) != nil
        }
    }
}
