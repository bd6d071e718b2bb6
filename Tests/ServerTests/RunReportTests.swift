import Foundation
@testable import Server
import Testing

/// Reading run history (stats logs, `GET /v1/runs/{run}` answers), the verdict changes, and the HTML page.
struct RunReportTests {
    /// A stats-log line of `run` at `step` with the given verdict and a few signals.
    static func line(_ run: String, _ step: Int, _ verdict: String = "healthy", concentration: Double = 0.1,
                     extra: String = "", reasons: [String] = []) -> String {
        let reasonsJSON = reasons.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"run":"\#(run)","step":\#(step),"time":"2026-11-30T13:\#(10 + step):00Z","groups":128,"#
            + #""answer_concentration":\#(concentration),"consensus":0.7,"empty_rate":0.05\#(extra),"#
            + #""verdict":"\#(verdict)","reasons":[\#(reasonsJSON)]}"#
    }

    @Test func aStatsLogGivesEachRunItsStepsInStepOrder() throws {
        let log = [
            Self.line("a", 1), Self.line("b", 1), Self.line("a", 3), Self.line("a", 2, extra: #","label_accuracy":0.5"#),
        ].joined(separator: "\n") + "\n"
        let (runs, skipped) = try RunReport.runs(statsLog: log)
        #expect(skipped.isEmpty)
        #expect(runs.map(\.name) == ["a", "b"])
        #expect(runs[0].steps.map(\.step) == [1, 2, 3])
        #expect(runs[0].steps[1].signals[.labelAccuracy] == 0.5)
        #expect(runs[0].steps[0].signals[.labelAccuracy] == nil)
        #expect(runs[0].steps[0].signals[.answerConcentration] == 0.1)
        #expect(runs[0].steps[0].time == "2026-11-30T13:11:00Z")
        #expect(runs[0].signals == [.answerConcentration, .consensus, .emptyRate, .labelAccuracy])
    }

    @Test func aRepeatedStepNumberKeepsTheLaterLine() throws {
        let log = [Self.line("a", 1, concentration: 0.1), Self.line("a", 1, concentration: 0.9)].joined(separator: "\n")
        let run = try #require(try RunReport.runs(statsLog: log).runs.first)
        #expect(run.steps.count == 1)
        #expect(run.steps[0].signals[.answerConcentration] == 0.9)
    }

    @Test(arguments: [
        (#"{"run":"a","step":2,"verdict":"heal"#, "not a JSON object"),
        (#"[1,2]"#, "not a JSON object"),
        (#"{"step":2,"verdict":"healthy"}"#, "no \"run\""),
        (#"{"run":"a","verdict":"healthy"}"#, "\"step\" must be a non-negative integer"),
        (#"{"run":"a","step":true,"verdict":"healthy"}"#, "\"step\" must be a non-negative integer"),
        (#"{"run":"a","step":2.5,"verdict":"healthy"}"#, "\"step\" must be a non-negative integer"),
        (#"{"run":"a","step":2,"verdict":"sick"}"#, "\"verdict\" must be one of healthy, warning, collapse_suspected"),
        (#"{"run":"a","step":2,"verdict":"healthy","consensus":"high"}"#, "\"consensus\" must be a number"),
        (#"{"run":"a","step":2,"verdict":"healthy","reasons":"none"}"#, "\"reasons\" must be an array of strings"),
    ])
    func aLineThatIsNotAStepIsSkippedWithItsNumberAndWhy(bad: String, why: String) throws {
        let log = [Self.line("a", 1), "", bad, Self.line("a", 3)].joined(separator: "\n")
        let (runs, skipped) = try RunReport.runs(statsLog: log)
        #expect(runs.first?.steps.map(\.step) == [1, 3])
        #expect(skipped == ["line 3: \(why)"])
    }

    @Test(arguments: ["", "\n\n", "garbage\n"])
    func aLogWithoutAStepIsRefused(log: String) {
        #expect(throws: RunReport.Failure.self) { try RunReport.runs(statsLog: log) }
    }

    @Test func aServerHistoryKeepsTheServersVerdict() throws {
        let body = #"{"run":"r","verdict":{"state":"warning","reasons":["consensus 0.97 over the last 5 steps is at least 0.95"]},"#
            + #""steps":[{"step":7,"verdict":"healthy","reasons":[],"consensus":0.9},{"step":8,"verdict":"warning","consensus":0.97}]}"#
        let run = try RunReport.run(history: Data(body.utf8))
        #expect(run.name == "r")
        #expect(run.verdict == .warning)
        #expect(run.reasons == ["consensus 0.97 over the last 5 steps is at least 0.95"])
        #expect(run.steps.map(\.step) == [7, 8])
        #expect(run.steps[1].reasons.isEmpty)
    }

    @Test(arguments: [
        (#"[]"#, "not a JSON object"),
        (#"{"steps":[]}"#, "no \"run\""),
        (#"{"run":"r"}"#, "no \"steps\" array"),
        (#"{"run":"r","steps":[{"step":1,"verdict":"healthy"},3]}"#, "steps/1: not an object"),
        (#"{"run":"r","steps":[{"step":1,"verdict":"bad"}]}"#, "steps/0: \"verdict\" must be one of"),
    ])
    func aHistoryThatIsNotOneIsRefused(body: String, says: String) {
        #expect {
            try RunReport.run(history: Data(body.utf8))
        } throws: { error in
            (error as? RunReport.Failure)?.description.contains(says) == true
        }
    }

    @Test func verdictChangesAreTheStepsWhereTheVerdictDiffersFromTheOneBefore() {
        let states: [RunReport.State] = [.healthy, .healthy, .warning, .warning, .collapseSuspected, .healthy, .healthy]
        let run = RunReport.Run(name: "r", steps: states.enumerated().map { index, state in
            RunReport.Step(step: index + 1, signals: [:], verdict: state, reasons: ["because \(index + 1)"])
        })
        #expect(run.changes.map(\.step) == [3, 5, 6])
        #expect(run.changes.map(\.from) == [.healthy, .warning, .collapseSuspected])
        #expect(run.changes.map(\.to) == [.warning, .collapseSuspected, .healthy])
        #expect(run.changes[1].reasons == ["because 5"])
        #expect(run.verdict == .healthy)
    }

    @Test func aHistoryStartingUnhealthyOpensWithAChangeFromNothing() {
        let run = RunReport.Run(name: "r", steps: [RunReport.Step(step: 40, signals: [:], verdict: .warning)])
        #expect(run.changes == [RunReport.Change(step: 40, time: nil, from: nil, to: .warning, reasons: [])])
    }

    @Test func thePageHasAChartPerRecordedSignalAndTheChangesTable() throws {
        let log = [
            Self.line("grpo", 1), Self.line("grpo", 2, "warning", reasons: ["consensus 0.97 is at least 0.95"]),
            Self.line("grpo", 3, "collapse_suspected", concentration: 0.8, reasons: ["answer_concentration 0.80 is at least 0.50"]),
        ].joined(separator: "\n")
        let (runs, _) = try RunReport.runs(statsLog: log)
        let page = RunReport.page(runs: runs, source: "the stats log x.jsonl")
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(Self.count(#"<svg class="chart""#, in: page) == 3)
        for signal in ["answer_concentration", "consensus", "empty_rate"] {
            #expect(page.contains(#"<svg class="chart" data-signal="\#(signal)""#))
        }
        #expect(page.contains("Not recorded by any step: top_answer_share, answer_classes_per_group, mean_response_bytes, p10_response_bytes, mean_reward, views_agree_rate, label_accuracy."))
        #expect(Self.count("<tr class=", in: page) == 2)
        #expect(page.contains("<li>answer_concentration 0.80 is at least 0.50</li>"))
        #expect(page.contains(#"Verdict: <span class="state collapse_suspected">collapse_suspected</span>"#))
    }

    @Test func thePageFetchesNothingAndRunsNoScript() throws {
        let (runs, _) = try RunReport.runs(statsLog: [Self.line("a", 1), Self.line("b", 1, "warning")].joined(separator: "\n"))
        let page = RunReport.page(runs: runs, source: "x")
        for forbidden in ["<script", "src=", "url(", "@import", "<link", "@font-face"] {
            #expect(!page.contains(forbidden), "\(forbidden)")
        }
        let links = page.matches(of: /href="([^"]*)"/).map { String($0.output.1) }
        #expect(links == ["#run-1", "#run-2"])
    }

    @Test func textFromTheLogIsEscaped() throws {
        let log = Self.line("a", 1, "warning", reasons: [#"empty_rate 0.5 <b>over</b> & \"up\""#])
        let page = RunReport.page(runs: try RunReport.runs(statsLog: log).runs, source: "<x>", skipped: ["line 9: <bad>"])
        #expect(page.contains("empty_rate 0.5 &lt;b&gt;over&lt;/b&gt; &amp; &quot;up&quot;"))
        #expect(!page.contains("<b>over"))
        #expect(page.contains("From &lt;x&gt;."))
        #expect(page.contains("line 9: &lt;bad&gt;"))
    }

    /// How many times `needle` occurs in `text`.
    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}
