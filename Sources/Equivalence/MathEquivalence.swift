/// Decides whether two answers denote the same mathematical object (the `math` equivalence mode).
public enum MathEquivalence {
    /// True when a and b denote the same mathematical object. Symmetric and deterministic.
    public static func equivalent(_ a: MathAnswer, _ b: MathAnswer) -> Bool {
        if a.text == b.text { return true }
        if let ka = a.canonicalKey, let kb = b.canonicalKey, ka == kb { return true }
        return Form.equal(a.form, b.form)
    }

    /// True when the answer texts a and b denote the same mathematical object (parses both).
    public static func equivalent(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        return equivalent(MathAnswer(a), MathAnswer(b))
    }
}
