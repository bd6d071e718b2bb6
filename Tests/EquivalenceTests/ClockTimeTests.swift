import Testing
@testable import Equivalence

/// Clock times: a.m./p.m. kept, seconds optional, a 24-hour reading without a.m./p.m.
struct ClockTimeTests {
    static func same(_ a: String, _ b: String) -> Bool {
        let ab = MathEquivalence.equivalent(a, b)
        #expect(ab == MathEquivalence.equivalent(b, a), "asymmetric: \(a) | \(b)")
        return ab
    }

    @Test(arguments: [
        ("7:15 a.m.", "7:15 p.m."), ("\\text{9:30 AM}", "\\text{9:30 PM}"), ("7 a.m.", "7 p.m."), ("12:00 a.m.", "12:00 p.m."),
        ("2:05 \\text{ p.m.}", "2:05"), ("7 a.m.", "7"), ("11:21", "11:22"), ("10:00:01", "10:00"),
    ])
    func meridiemAndSecondsAreKept(_ p: (String, String)) {
        #expect(!ClockTimeTests.same(p.0, p.1))
    }

    @Test(arguments: [
        ("14:05", "14:05:00"), ("2:05 p.m.", "14:05"), ("\\text{2:05 PM}", "2:05 \\text{ p.m.}"), ("7:15 a.m.", "\\text{7:15 AM}"),
        ("12:30 a.m.", "00:30"), ("12 p.m.", "12:00"), ("9 pm", "21:00:00"), ("07:05", "7:05"), ("11:59:30 p.m.", "23:59:30"),
    ])
    func clockTimes(_ p: (String, String)) {
        #expect(ClockTimeTests.same(p.0, p.1))
    }

    /// A sentence's clock time is the whole time, not its last number.
    @Test(arguments: [
        ("The train leaves at 7:15 a.m.", "7:15 a.m.", true), ("The train leaves at 7:15 a.m.", "The train leaves at 7:15 p.m.", false),
        ("We meet at 14:05 today", "2:05 p.m.", true), ("The store opens at 9 am and closes at 5 pm.", "17:00", true),
        ("So there are 8 in total", "8", true),
    ])
    func timesInProse(_ p: (String, String, Bool)) {
        #expect(ClockTimeTests.same(p.0, p.1) == p.2)
    }
}
