import Testing
@testable import Equivalence

/// Hostile answers: return quickly, never crash, and equal only to themselves.
struct PathologicalTests {
    static func randomBytes(_ n: Int, seed: UInt64) -> String {
        var x = seed
        var bytes: [UInt8] = []
        for _ in 0..<n {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes.append(UInt8(truncatingIfNeeded: x >> 56))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static let inputs: [String] = [
        String(repeating: "{", count: 10_000) + "1" + String(repeating: "}", count: 10_000),
        String(repeating: "(", count: 5_000),
        String(repeating: "\\frac{", count: 300) + "1",
        "10^{10^{10^{10}}}", "10^{10^{10}}", "2^{2^{2^{2^{2^{2}}}}}", "99999999!", "1000000!", "(10^{100})!", "\\binom{10^{9}}{5\\cdot 10^{8}}",
        String(repeating: "x", count: 1_000_000), String(repeating: "1", count: 1_999), String(repeating: "9", count: 2_000),
        String(repeating: "2^{8000}\\cdot", count: 120) + "1", String(repeating: "1000!+", count: 200) + "1",
        String(repeating: "\\sqrt{", count: 40) + "2" + String(repeating: "}", count: 40),
        String(repeating: "-", count: 1_999) + "1", String(repeating: "a^", count: 900) + "a", String(repeating: "((", count: 19) + "x",
        String(repeating: "\\pm 1", count: 300), String(repeating: "1,", count: 900) + "1", String(repeating: "[0,1)\\cup", count: 150) + "[2,3]",
        "\\begin{pmatrix}" + String(repeating: "1&", count: 500) + "1\\end{pmatrix}", String(repeating: "\\boxed{", count: 500),
        "(2^{4000})^{1/64}", "\\sqrt[64]{3^{5000}}", "\\sqrt{10^{2000}+1}", "1/0", "0/0", "\\frac{1}{0}", "0^{-1}", "\\log 0", "\\sqrt{-1}^{\\sqrt{-1}}", "e^{e^{e^{e^{e}}}}", "10^{-10^{10}}",
        randomBytes(1_000, seed: 1), randomBytes(2_000, seed: 2), randomBytes(5_000, seed: 3), randomBytes(100, seed: 4),
        String(repeating: "é", count: 900), String(repeating: "1/", count: 999) + "1", String(repeating: "\\pm 1", count: 400),
        String(repeating: "x^", count: 999) + "x", String(repeating: "-(", count: 600) + "1", String(repeating: "\\sqrt", count: 400) + "2", String(repeating: "\\", count: 1_500), String(repeating: "$", count: 1_500),
    ]

    @Test(arguments: PathologicalTests.inputs.indices)
    func returnsQuickly(_ index: Int) {
        let text = PathologicalTests.inputs[index]
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            let a = MathAnswer(text)
            #expect(MathEquivalence.equivalent(a, a))
            #expect(MathEquivalence.equivalent(a, MathAnswer("1")) == MathEquivalence.equivalent(MathAnswer("1"), a))
            _ = a.canonicalKey
        }
        // Debug builds are ~10-30x slower than release; release stays well under 1 ms.
        #expect(elapsed < .milliseconds(250), "input \(index) took \(elapsed)")
    }

    @Test func hugeValuesAreNotEqualToEachOther() {
        #expect(!MathEquivalence.equivalent("10^{10^{10}}", "10^{10^{10}}+1"))
        #expect(!MathEquivalence.equivalent("99999999!", "99999998!"))
        #expect(MathEquivalence.equivalent("99999999!", "99999999!"))
        #expect(!MathEquivalence.equivalent("10^{-10^{10}}", "0"))
    }

    @Test func longAnswersOnlyEqualThemselves() {
        let long = String(repeating: "1", count: 3_000)
        #expect(MathEquivalence.equivalent(long, long))
        #expect(!MathEquivalence.equivalent(long, long + "0"))
        #expect(!MathAnswer(long).isParsed)
    }

    @Test func concurrentUseIsSafe() async {
        let texts = ["\\frac{1}{2}", "0.5", "x^2+2x+1", "(x+1)^2", "\\pi", "3.14", "(1,2)", "\\{2,1\\}"]
        let answers = texts.map { MathAnswer($0) }
        let expected = answers.map { a in answers.map { MathEquivalence.equivalent(a, $0) } }
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    let fresh = texts.map { MathAnswer($0) }
                    return fresh.indices.allSatisfy { i in fresh.indices.allSatisfy { MathEquivalence.equivalent(fresh[i], answers[$0]) == expected[i][$0] } }
                }
            }
            for await ok in group { #expect(ok) }
        }
    }
}
