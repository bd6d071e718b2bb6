import Foundation

/// The server's clock for the assembly buffer: a thread that calls `GroupAssembler.tick()` every tenth of the
/// assembly timeout (between 1 and 50 ms), for as long as the assembler exists.
enum AssemblyTimer {
    /// Seconds between two ticks: a group is scored at most this late after its timeout.
    static func interval(for settings: AssemblySettings) -> Double {
        min(0.05, max(0.001, settings.timeoutSeconds / 10))
    }

    /// Starts ticking `assembler`; the thread ends once the assembler is gone.
    static func start(driving assembler: GroupAssembler) {
        let interval = interval(for: assembler.settings)
        let thread = Thread { [weak assembler] in
            while let assembler {
                assembler.tick()
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "coreward-assembly"
        thread.start()
    }
}
