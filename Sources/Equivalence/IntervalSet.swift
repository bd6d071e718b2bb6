/// Set difference of real intervals and finite sets of points (internal):
/// `\mathbb{R} \setminus \{1\}` is `(-\infty, 1) \cup (1, \infty)`, `[0, 2] \setminus \{0\}` is `(0, 2]`.
enum IntervalSet {
    /// One interval: its end forms, their real values (±infinity allowed) and which ends are closed.
    private struct Piece {
        /// The lower end, as written.
        var low: Form
        /// The upper end, as written.
        var high: Form
        /// The lower end's value (-infinity allowed).
        var lowValue: Double
        /// The upper end's value (infinity allowed).
        var highValue: Double
        /// True for `[`.
        var closedLow: Bool
        /// True for `]`.
        var closedHigh: Bool

        /// The interval as a form.
        var form: Form {
            .tuple([low, high], open: closedLow ? ASCII.openBracket : ASCII.openParen,
                   close: closedHigh ? ASCII.closeBracket : ASCII.closeParen)
        }
    }

    /// a minus b, where a is an interval or a union of intervals and b a point or a set of points; nil for
    /// anything else (then the difference is kept as written).
    static func difference(_ a: Form, _ b: Form) -> Form? {
        var pieces: [Piece] = []
        switch a {
        case .tuple:
            guard let piece = piece(a) else { return nil }
            pieces = [piece]
        case .union(let xs):
            for x in xs {
                guard let piece = piece(x) else { return nil }
                pieces.append(piece)
            }
        default: return nil
        }
        var points: [Scalar] = []
        switch b {
        case .scalar(let s): points = [s]
        case .set(let xs):
            for x in xs {
                guard case .scalar(let s) = x else { return nil }
                points.append(s)
            }
        default: return nil
        }
        if pieces.count * points.count > EquivalenceLimits.setComparisons { return nil }
        for point in points {
            guard let v = realValue(point), v.isFinite else { return nil }
            var next: [Piece] = []
            for var piece in pieces {
                if case .scalar(let low) = piece.low, Scalar.equal(low, point) {
                    piece.closedLow = false
                    next.append(piece)
                } else if case .scalar(let high) = piece.high, Scalar.equal(high, point) {
                    piece.closedHigh = false
                    next.append(piece)
                } else if v > piece.lowValue && v < piece.highValue {
                    var left = piece
                    left.high = .scalar(point)
                    left.highValue = v
                    left.closedHigh = false
                    var right = piece
                    right.low = .scalar(point)
                    right.lowValue = v
                    right.closedLow = false
                    next.append(left)
                    next.append(right)
                } else {
                    next.append(piece)
                }
            }
            pieces = next
        }
        return pieces.count == 1 ? pieces[0].form : .union(pieces.map(\.form))
    }

    /// An interval `(a, b)`, `[a, b)`, ... with real ends (±infinity allowed), else nil.
    private static func piece(_ f: Form) -> Piece? {
        guard case .tuple(let ends, let open, let close) = f, ends.count == 2,
              open == ASCII.openParen || open == ASCII.openBracket, close == ASCII.closeParen || close == ASCII.closeBracket,
              case .scalar(let low) = ends[0], case .scalar(let high) = ends[1],
              let lowValue = realValue(low), let highValue = realValue(high), lowValue < highValue else { return nil }
        return Piece(low: ends[0], high: ends[1], lowValue: lowValue, highValue: highValue,
                     closedLow: open == ASCII.openBracket, closedHigh: close == ASCII.closeBracket)
    }

    /// A constant's real value; ±infinity for `\infty` and `-\infty`.
    private static func realValue(_ s: Scalar) -> Double? {
        if s.structural == "#inf" { return .infinity }
        if s.structural == "-#inf" { return -.infinity }
        guard s.vars.isEmpty, let c = s.value.approxValue, c.im == 0 else { return nil }
        return c.re
    }
}
