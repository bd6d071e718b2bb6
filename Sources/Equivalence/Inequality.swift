/// One normalised inequality f < 0, f <= 0 or f != 0 (internal).
struct Inequality: Sendable {
    /// Left side minus right side, oriented so the relation reads f op 0.
    let f: Scalar
    /// "<", "<=" or "!=".
    let op: String

    static func equal(_ a: Inequality, _ b: Inequality) -> Bool {
        a.op == b.op && Scalar.proportional(a.f, b.f, positive: a.op != "!=")
    }
}
