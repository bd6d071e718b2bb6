import Foundation

extension RunReport {
    /// One signal of one run as an inline SVG line chart over steps: shaded bands where the verdict was not
    /// healthy, a vertical line at each verdict change, the signal's values as a line broken where a step did
    /// not record it. Colours are attributes, so the SVG draws the same outside the page.
    struct Chart {
        /// The drawing's size and margins, in SVG user units.
        static let width = 760.0, height = 230.0, left = 60.0, right = 16.0, top = 36.0, bottom = 32.0
        /// The most points a chart's line keeps; longer histories keep each bucket's lowest and highest value.
        static let maxPoints = 2000
        /// Up to this many points, each is also drawn as a dot.
        static let maxDots = 60

        /// The run drawn.
        let run: Run
        /// The signal drawn.
        let signal: Signal
        /// The steps' span on the x axis: half a step of room on each side, so a band covers whole steps.
        let xDomain: ClosedRange<Double>
        /// The y axis: 0 to 1 for shares, else 0 to a round number at or above the largest value.
        let yDomain: ClosedRange<Double>

        /// The chart of `signal` over the steps of `run`.
        init(run: Run, signal: Signal) {
            self.run = run
            self.signal = signal
            let first = Double(run.steps.first?.step ?? 0), last = Double(run.steps.last?.step ?? 0)
            xDomain = (first - 0.5)...(last + 0.5)
            if signal.isShare {
                yDomain = 0...1
            } else {
                let largest = run.steps.compactMap { $0.signals[signal] }.max() ?? 0
                yDomain = 0...Chart.roundUp(max(largest, 1e-9))
            }
        }

        /// The SVG element.
        var svg: String {
            var out = #"<svg class="chart" data-signal="\#(signal.rawValue)" xmlns="http://www.w3.org/2000/svg" "#
                + #"viewBox="0 0 \#(Chart.number(Chart.width)) \#(Chart.number(Chart.height))" role="img" "#
                + #"aria-label="\#(RunReport.escaped(signal.rawValue)) of run \#(RunReport.escaped(run.name)) over steps">"#
            out += "<title>\(RunReport.escaped(signal.rawValue)) of run \(RunReport.escaped(run.name))</title>"
            out += bands() + axes() + changeLines() + line()
            return out + "</svg>"
        }

        /// The x coordinate of a step (fractional: band edges sit half-way between steps).
        func x(_ step: Double) -> Double {
            let domain = xDomain
            return Chart.left + (step - domain.lowerBound) / (domain.upperBound - domain.lowerBound) * (Chart.width - Chart.left - Chart.right)
        }

        /// The y coordinate of a value, clamped to the plot.
        func y(_ value: Double) -> Double {
            let domain = yDomain
            let share = (min(max(value, domain.lowerBound), domain.upperBound) - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
            return Chart.height - Chart.bottom - share * (Chart.height - Chart.top - Chart.bottom)
        }

        /// A shaded band for each stretch of steps whose verdict was warning or collapse_suspected.
        func bands() -> String {
            let changes = run.changes
            var out = ""
            for (index, change) in changes.enumerated() where change.to != .healthy {
                let start = Double(change.step) - 0.5
                let end = index + 1 < changes.count ? Double(changes[index + 1].step) - 0.5 : xDomain.upperBound
                let lastStep = index + 1 < changes.count ? "to step \(changes[index + 1].step - 1)" : "to the last step"
                out += #"<rect class="band \#(change.to.rawValue)" x="\#(Chart.number(x(start)))" y="\#(Chart.number(Chart.top))" "#
                    + #"width="\#(Chart.number(x(end) - x(start)))" height="\#(Chart.number(Chart.height - Chart.top - Chart.bottom))" "#
                    + #"fill="\#(Chart.colour(change.to))" fill-opacity="0.16">"#
                    + "<title>\(change.to.rawValue) from step \(change.step) \(lastStep)"
                    + change.reasons.map { ": " + RunReport.escaped($0) }.joined() + "</title></rect>"
            }
            return out
        }

        /// Grid lines, tick labels and the axis captions.
        func axes() -> String {
            let plotBottom = Chart.height - Chart.bottom, plotRight = Chart.width - Chart.right
            var out = ##"<g class="axes" font-size="11" fill="#555" stroke-width="1">"##
            for value in Chart.ticks(upTo: yDomain.upperBound) {
                let at = Chart.number(y(value))
                out += ##"<line x1="\##(Chart.number(Chart.left))" x2="\##(Chart.number(plotRight))" y1="\##(at)" y2="\##(at)" stroke="#e3e3e3"/>"##
                out += #"<text x="\#(Chart.number(Chart.left - 6))" y="\#(at)" text-anchor="end" dominant-baseline="middle">\#(Chart.number(value))</text>"#
            }
            let first = run.steps.first?.step ?? 0, last = run.steps.last?.step ?? 0
            for step in Chart.stepTicks(from: first, to: last) {
                out += #"<text x="\#(Chart.number(x(Double(step))))" y="\#(Chart.number(plotBottom + 16))" text-anchor="middle">\#(step)</text>"#
            }
            out += ##"<line x1="\##(Chart.number(Chart.left))" x2="\##(Chart.number(plotRight))" y1="\##(Chart.number(plotBottom))" y2="\##(Chart.number(plotBottom))" stroke="#999"/>"##
            out += #"<text x="\#(Chart.number(plotRight))" y="\#(Chart.number(Chart.height - 2))" text-anchor="end">step</text>"#
            return out + "</g>"
        }

        /// A vertical line at each verdict change, between the step before and the step after, labelled with the
        /// new state in the first of two rows above the plot where the label fits; a label that fits in neither
        /// is left out (the line's tooltip still says it).
        func changeLines() -> String {
            var out = ""
            var rowEnds = [-Double.infinity, -Double.infinity]
            for change in run.changes {
                let at = x(Double(change.step) - 0.5)
                let text = "\(change.to.rawValue) @\(change.step)"
                // Wide enough for 11-unit text in the usual sans-serif faces.
                let textWidth = Double(text.count) * 6.4
                let leftward = at + 3 + textWidth > Chart.width
                let (start, end) = leftward ? (at - 3 - textWidth, at - 3) : (at + 3, at + 3 + textWidth)
                out += #"<g class="change \#(change.to.rawValue)" data-step="\#(change.step)">"#
                    + #"<line x1="\#(Chart.number(at))" x2="\#(Chart.number(at))" y1="\#(Chart.number(Chart.top - 6))" "#
                    + #"y2="\#(Chart.number(Chart.height - Chart.bottom))" "#
                    + #"stroke="\#(Chart.colour(change.to))" stroke-width="1.5" stroke-dasharray="4 3"/>"#
                if let row = rowEnds.indices.first(where: { rowEnds[$0] + 6 < start }) {
                    rowEnds[row] = end
                    out += #"<text x="\#(Chart.number(leftward ? end : start))" y="\#(Chart.number(Chart.top - 21 + 12 * Double(row)))" "#
                        + #"font-size="11" fill="\#(Chart.colour(change.to))" text-anchor="\#(leftward ? "end" : "start")">\#(text)</text>"#
                }
                out += "<title>step \(change.step): \((change.from ?? .healthy).rawValue) → \(change.to.rawValue)"
                    + change.reasons.map { "; " + RunReport.escaped($0) }.joined() + "</title></g>"
            }
            return out
        }

        /// The values as a polyline per stretch of steps that recorded the signal (a dot for a lone step).
        func line() -> String {
            var segments: [[(x: Double, y: Double)]] = [[]]
            for step in run.steps {
                if let value = step.signals[signal] {
                    segments[segments.count - 1].append((Double(step.step), value))
                } else if segments[segments.count - 1].count > 0 {
                    segments.append([])
                }
            }
            segments.removeAll { $0.isEmpty }
            let total = segments.reduce(0) { $0 + $1.count }
            var out = ##"<g class="series" fill="none" stroke="#1f5fa8" stroke-width="1.8">"##
            for segment in segments {
                let kept = Chart.thinned(segment, limit: max(2, Chart.maxPoints * segment.count / max(total, 1)))
                let points = kept.map { "\(Chart.number(x($0.x))),\(Chart.number(y($0.y)))" }
                if kept.count > 1 {
                    out += #"<polyline class="line" points="\#(points.joined(separator: " "))"/>"#
                }
                if kept.count == 1 || total <= Chart.maxDots {
                    for point in kept {
                        out += ##"<circle class="point" cx="\##(Chart.number(x(point.x)))" cy="\##(Chart.number(y(point.y)))" r="2.5" fill="#1f5fa8" stroke="none"/>"##
                    }
                }
            }
            return out + "</g>"
        }

        /// At most about `limit` of `points`, in order: each of `limit / 2` buckets keeps its lowest and highest.
        static func thinned(_ points: [(x: Double, y: Double)], limit: Int) -> [(x: Double, y: Double)] {
            guard points.count > limit, limit >= 2 else { return points }
            let size = (points.count + limit / 2 - 1) / (limit / 2)
            var kept: [(x: Double, y: Double)] = []
            for start in stride(from: 0, to: points.count, by: size) {
                let bucket = points[start..<min(start + size, points.count)]
                guard let low = bucket.indices.min(by: { points[$0].y < points[$1].y }),
                      let high = bucket.indices.max(by: { points[$0].y < points[$1].y }) else { continue }
                for index in Set([low, high]).sorted() { kept.append(points[index]) }
            }
            return kept
        }

        /// The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `value`.
        static func roundUp(_ value: Double) -> Double {
            let power = pow(10, floor(log10(value)))
            return [1, 2, 2.5, 5, 10].map { $0 * power }.first { $0 >= value * (1 - 1e-12) } ?? 10 * power
        }

        /// Four or five round values from 0 to `top`.
        static func ticks(upTo top: Double) -> [Double] {
            let step = roundUp(top / 5)
            return stride(from: 0.0, through: top * (1 + 1e-9), by: step).map { $0 }
        }

        /// Round step numbers from `first` to `last`, about six of them.
        static func stepTicks(from first: Int, to last: Int) -> [Int] {
            guard last > first else { return [first] }
            let step = max(1, Int(roundUp(Double(last - first) / 6)))
            let start = (first + step - 1) / step * step
            return [first] + stride(from: start, through: last, by: step).filter { $0 != first && Double($0 - first) >= Double(step) / 2 }
        }

        /// A coordinate or tick value: an integer when it is one, else at most three decimals, no trailing zeros.
        static func number(_ value: Double) -> String {
            if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
            var text = String(format: "%.3f", value)
            while text.hasSuffix("0") { text.removeLast() }
            return text
        }

        /// The colour of a verdict.
        static func colour(_ state: State) -> String {
            switch state {
            case .healthy: "#2e7d32"
            case .warning: "#e08e00"
            case .collapseSuspected: "#c62828"
            }
        }
    }
}
