import XCTest
@testable import KokoroText

/// misaki's apply_stress on hand-checked cases (values from misaki 0.9.4's en.apply_stress).
final class EnglishStressTests: XCTestCase {
    func testApplyStress() {
        let cases: [(String, Double?, String)] = [
            ("həlˈO", nil, "həlˈO"),
            ("həlˈO", -2, "həlO"),
            ("həlˈO", -1, "həlˌO"),
            ("ˌɪnˈO", -0.5, "ɪnˌO"),
            ("ðə", 0, "ðˌə"),
            ("bɹd", 0, "bɹd"),
            ("ˌOvəɹ", 1, "ˈOvəɹ"),
            ("kæt", 2, "kˈæt"),
        ]
        for (phonemes, stress, expected) in cases {
            XCTAssertEqual(EnglishPhonemes.applyStress(phonemes, stress), expected, "\(phonemes) stress \(String(describing: stress))")
        }
    }
}
