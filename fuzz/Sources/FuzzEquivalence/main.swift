import Core
import Equivalence

/// Math equivalence on two untrusted answers (split at the first 0x1F byte): never crashes, is reflexive
/// and symmetric, and classifying agrees with pairwise comparison of two answers.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEquivalence(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let split = bytes.firstIndex(of: 0x1F) ?? size
    let a = String(decoding: UnsafeBufferPointer(rebasing: bytes[0 ..< split]), as: UTF8.self)
    let b = split < size ? String(decoding: UnsafeBufferPointer(rebasing: bytes[(split + 1)...]), as: UTF8.self) : ""
    let forward = MathEquivalence.equivalent(a, b)
    precondition(forward == MathEquivalence.equivalent(b, a), "not symmetric")
    precondition(MathEquivalence.equivalent(a, a), "not reflexive")
    let classes = Equivalence.math.classify([a, b])
    if AnswerClasses.votes(a), AnswerClasses.votes(b) {
        precondition((classes.classOf[0] == classes.classOf[1]) == forward, "classify disagrees with equivalent")
    }
    return 0
}
