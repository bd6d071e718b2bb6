@testable import Server
import Testing

/// The SVG chart of one signal of one run: scale, line, verdict bands and change marks.
struct RunReportChartTests {
    /// A run whose steps 1...n have `values` (nil: not recorded) and `states`.
    static func run(_ values: [Double?], states: [RunReport.State]? = nil) -> RunReport.Run {
        RunReport.Run(name: "r", steps: values.enumerated().map { index, value in
            RunReport.Step(step: index + 1, signals: value.map { [.answerConcentration: $0, .meanResponseBytes: $0 * 1000] } ?? [:],
                           verdict: states?[index] ?? .healthy, reasons: ["reason \(index + 1)"])
        })
    }

    @Test func sharesUseAZeroToOneAxisAndOthersARoundTopAboveTheLargestValue() {
        let run = Self.run([0.2, 0.4, 0.33])
        #expect(RunReport.Chart(run: run, signal: .answerConcentration).yDomain == 0...1)
        #expect(RunReport.Chart(run: run, signal: .meanResponseBytes).yDomain == 0...500)
    }

    @Test func stepsSpreadOverThePlotWithHalfAStepOfRoomEachSide() {
        let chart = RunReport.Chart(run: Self.run([0, 1]), signal: .answerConcentration)
        #expect(chart.xDomain == 0.5...2.5)
        #expect(chart.x(0.5) == RunReport.Chart.left)
        #expect(chart.x(2.5) == RunReport.Chart.width - RunReport.Chart.right)
        #expect(chart.y(0) == RunReport.Chart.height - RunReport.Chart.bottom)
        #expect(chart.y(1) == RunReport.Chart.top)
        #expect(chart.y(7) == RunReport.Chart.top)
    }

    @Test func aStepWithoutTheSignalBreaksTheLineAndALoneStepIsADot() {
        let svg = RunReport.Chart(run: Self.run([0.1, 0.2, nil, 0.3, 0.4, nil, 0.5]), signal: .answerConcentration).line()
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        // Few points: every one is also a dot.
        #expect(svg.components(separatedBy: "<circle").count - 1 == 5)
    }

    @Test func eachUnhealthyStretchIsABandAndEachChangeALine() {
        let states: [RunReport.State] = [.healthy, .warning, .warning, .collapseSuspected, .healthy, .collapseSuspected]
        let chart = RunReport.Chart(run: Self.run([0.1, 0.2, 0.3, 0.6, 0.2, 0.7], states: states), signal: .answerConcentration)
        let bands = chart.bands()
        #expect(bands.components(separatedBy: #"<rect class="band warning""#).count - 1 == 1)
        #expect(bands.components(separatedBy: #"<rect class="band collapse_suspected""#).count - 1 == 2)
        #expect(bands.contains("warning from step 2 to step 3: reason 2"))
        #expect(bands.contains("collapse_suspected from step 6 to the last step: reason 6"))
        // The warning band covers steps 2 and 3 whole: from 1.5 to 3.5.
        let width = RunReport.Chart.number(chart.x(3.5) - chart.x(1.5))
        #expect(bands.contains(#"x="\#(RunReport.Chart.number(chart.x(1.5)))" y="36" width="\#(width)""#))
        let lines = chart.changeLines()
        #expect(lines.components(separatedBy: #"<g class="change "#).count - 1 == 4)
        #expect(lines.contains(#"<g class="change healthy" data-step="5">"#))
        #expect(lines.contains("step 4: warning → collapse_suspected; reason 4"))
    }

    @Test func closeChangesStackTheirLabelsInTwoRowsAndDropTheRestButKeepEveryLine() {
        var states = [RunReport.State](repeating: .healthy, count: 100)
        states[9] = .warning
        states[10] = .collapseSuspected
        for index in 11..<100 { states[index] = .healthy }
        states[99] = .warning
        let lines = RunReport.Chart(run: Self.run(Array(repeating: 0.1, count: 100), states: states), signal: .answerConcentration).changeLines()
        #expect(lines.components(separatedBy: "<line ").count - 1 == 4)
        let labels = lines.matches(of: /<text x="[^"]*" y="([^"]*)"[^>]*text-anchor="([a-z]*)">([^<]*)</).map {
            (String($0.output.1), String($0.output.2), String($0.output.3))
        }
        // Steps 10 and 11 fit one row each, 12 fits neither; step 100's label turns left at the right edge.
        #expect(labels.map(\.2) == ["warning @10", "collapse_suspected @11", "warning @100"])
        #expect(labels.map(\.0) == ["15", "27", "15"])
        #expect(labels.map(\.1) == ["start", "start", "end"])
    }

    @Test func aHealthyRunHasNeitherBandsNorChangeLines() {
        let chart = RunReport.Chart(run: Self.run([0.1, 0.2, 0.3]), signal: .answerConcentration)
        #expect(chart.bands().isEmpty)
        #expect(chart.changeLines().isEmpty)
    }

    @Test func aLongHistoryIsThinnedToItsBucketsExtremes() {
        var points = (0..<10_000).map { (x: Double($0), y: Double($0 % 7)) }
        points[4_321].y = 9
        points[7_000].y = -9
        let kept = RunReport.Chart.thinned(points, limit: 1_000)
        #expect(kept.count <= 1_000)
        #expect(kept.contains { $0.y == 9 } && kept.contains { $0.y == -9 })
        #expect(zip(kept, kept.dropFirst()).allSatisfy { $0.x < $1.x })
        #expect(RunReport.Chart.thinned(Array(points.prefix(50)), limit: 1_000).count == 50)
    }

    @Test func aLongRunDrawsAtMostTheLimitOfPointsAndNoDots() {
        let svg = RunReport.Chart(run: Self.run((0..<5_000).map { Double($0 % 10) / 10 }), signal: .answerConcentration).line()
        let points = svg.matches(of: /points="([^"]*)"/).flatMap { $0.output.1.split(separator: " ") }
        #expect(points.count <= RunReport.Chart.maxPoints)
        #expect(points.count > RunReport.Chart.maxPoints / 2)
        #expect(!svg.contains("<circle"))
    }

    @Test(arguments: [(0.7, 1.0), (1.0, 1.0), (1.2, 2.0), (2.2, 2.5), (3, 5), (7, 10), (1234, 2000), (0.03, 0.05)] as [(Double, Double)])
    func roundUpPicksTheNextRoundNumber(value: Double, expected: Double) {
        #expect(abs(RunReport.Chart.roundUp(value) - expected) < 1e-12)
    }

    @Test(arguments: [(1.0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]), (500, [0, 100, 200, 300, 400, 500]), (2.5, [0, 0.5, 1, 1.5, 2, 2.5])] as [(Double, [Double])])
    func ticksRunFromZeroToTheTop(top: Double, expected: [Double]) {
        let ticks = RunReport.Chart.ticks(upTo: top)
        #expect(ticks.count == expected.count)
        #expect(zip(ticks, expected).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test(arguments: [(1, 1, [1]), (1, 7, [1, 2, 3, 4, 5, 6, 7]), (1, 100, [1, 20, 40, 60, 80, 100]), (37, 60, [37, 40, 45, 50, 55, 60])] as [(Int, Int, [Int])])
    func stepTicksAreRoundStepsAfterTheFirst(first: Int, last: Int, expected: [Int]) {
        #expect(RunReport.Chart.stepTicks(from: first, to: last) == expected)
    }

    @Test(arguments: [(3.0, "3"), (0.25, "0.25"), (0.1 + 0.2, "0.3"), (-2.5, "-2.5"), (123.4567, "123.457")] as [(Double, String)])
    func numbersAreShortAndExact(value: Double, text: String) {
        #expect(RunReport.Chart.number(value) == text)
    }
}
