import Foundation
import XCTest
@testable import KokoroText

/// NumberWords against num2words 0.5.14 itself: every row of Data/number_words.tsv
/// (tools/reference/make_number_words.py), plus by-hand checks of the cases where num2words
/// raises and libkokoro answers anyway.
final class NumberWordsTests: XCTestCase {
    struct Row {
        var line: Int
        var kind: String
        var input: String
        var expected: String
    }

    static func referenceRows() throws -> [Row] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Data/number_words.tsv")
        let text = try String(contentsOf: url, encoding: .utf8)
        var rows: [Row] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.isEmpty && !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3 else {
                XCTFail("number_words.tsv line \(index + 1): \(fields.count) fields, expected 3")
                continue
            }
            rows.append(Row(line: index + 1, kind: fields[0], input: fields[1], expected: fields[2]))
        }
        return rows
    }

    static func spell(_ row: Row) -> String? {
        switch row.kind {
        case "cardinal": return Int(row.input).map(NumberWords.cardinal)
        case "ordinal": return Int(row.input).map(NumberWords.ordinal)
        case "year": return Int(row.input).map(NumberWords.year)
        case "decimal": return NumberWords.decimal(row.input)
        default: return nil
        }
    }

    func testEveryReferenceRow() throws {
        let rows = try Self.referenceRows()
        XCTAssertGreaterThan(rows.count, 400, "number_words.tsv looks truncated")
        var kinds: [String: Int] = [:]
        var mismatches = 0
        for row in rows {
            kinds[row.kind, default: 0] += 1
            let actual = Self.spell(row)
            if actual != row.expected {
                mismatches += 1
                print("number_words.tsv:\(row.line) \(row.kind) \(row.input)\n  num2words: \(row.expected)\n  ours:      \(actual ?? "nil")")
            }
        }
        XCTAssertEqual(mismatches, 0, "\(mismatches) of \(rows.count) rows differ from num2words (printed above)")
        XCTAssertEqual(Set(kinds.keys), ["cardinal", "ordinal", "year", "decimal"], "row kinds: \(kinds)")
    }

    /// num2words raises TypeError for negative ordinals; we apply the ordinal rule to the cardinal.
    func testNegativeOrdinalsKeepTheMinus() {
        XCTAssertEqual(NumberWords.ordinal(-1), "minus first")
        XCTAssertEqual(NumberWords.ordinal(-20), "minus twentieth")
        XCTAssertEqual(NumberWords.ordinal(-112), "minus one hundred and twelfth")
        XCTAssertTrue(NumberWords.ordinal(Int.min).hasPrefix("minus nine quintillion, "))
        XCTAssertTrue(NumberWords.ordinal(Int.min).hasSuffix(" eight hundred and eighth"))
    }

    func testDecimalRejectsWhatIsNotADigitsDotDigitsLiteral() {
        for text in ["", ".", "5", "12", "1.2.3", "-1.5", "+1.5", "1e5", "1.5e3", " 1.5", "1.5 ",
                     "1_000.5", "1,000.5", "inf", "nan", "٣.١٤", "３.１４", "0x1.8"] {
            XCTAssertNil(NumberWords.decimal(text), "\"\(text)\"")
        }
    }

    /// Where num2words fails or goes past Int: nil, and no crash.
    func testDecimalOutOfRangeIsNil() {
        XCTAssertNil(NumberWords.decimal("9223372036854775807.0"), "rounds to 2^63, past Int")
        XCTAssertNil(NumberWords.decimal("99999999999999999999.5"))
        XCTAssertNil(NumberWords.decimal(String(repeating: "9", count: 400) + ".5"), "infinite as a double")
        // Subnormal: num2words' float(10 ** 324) raises OverflowError.
        XCTAssertNil(NumberWords.decimal("0." + String(repeating: "0", count: 323) + "5"))
        // Underflows to zero, which is a whole number: num2words says "zero".
        XCTAssertEqual(NumberWords.decimal("0." + String(repeating: "0", count: 400) + "1"), "zero")
    }

    func testExtremeIntsDoNotCrash() {
        for number in [Int.min, Int.min + 1, -1, 0, Int.max] {
            XCTAssertFalse(NumberWords.cardinal(number).isEmpty)
            XCTAssertFalse(NumberWords.ordinal(number).isEmpty)
            XCTAssertFalse(NumberWords.year(number).isEmpty)
        }
        XCTAssertTrue(NumberWords.year(Int.min).hasSuffix(" eight hundred and eight BC"))
    }
}
