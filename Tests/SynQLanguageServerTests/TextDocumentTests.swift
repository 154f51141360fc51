import XCTest
@testable import SynQLanguageServer

/// LSP positions count UTF-16 code units by default; SynQ's spans count Unicode scalars.
final class TextDocumentTests: XCTestCase {
    func testPositionsInUTF16AndUTF32() {
        let text = "let s = \"😀x\"\nprint(s)\n"
        let utf16 = TextDocument(uri: "u", text: text, version: 1, encoding: .utf16)
        let x = 10   // the scalar offset of x: the emoji is one scalar, two UTF-16 units
        XCTAssertEqual(utf16.position(of: x).character, 11)
        XCTAssertEqual(utf16.offset(line: 0, character: 11), x)
        XCTAssertEqual(utf16.length(of: .init(9, 11)), 3)
        let utf32 = TextDocument(uri: "u", text: text, version: 1, encoding: .utf32)
        XCTAssertEqual(utf32.position(of: x).character, 10)
        XCTAssertEqual(utf32.offset(line: 1, character: 6), 19)
        XCTAssertEqual(utf16.offset(line: 1, character: 99), 21, "past the line's end clamps to it")
        XCTAssertEqual(utf16.offset(line: 9, character: 0), text.unicodeScalars.count)
    }

    func testIncrementalEditsReplaceRanges() {
        let document = TextDocument(uri: "u", text: "let a = 1\nprint(a)\n", version: 1, encoding: .utf16)
        document.apply(range: ((0, 4), (0, 5)), text: "total", version: 2)
        document.apply(range: ((1, 6), (1, 7)), text: "total", version: 3)
        XCTAssertEqual(document.text, "let total = 1\nprint(total)\n")
        document.apply(range: ((1, 12), (1, 12)), text: "\nprint(2)", version: 4)
        XCTAssertEqual(document.text, "let total = 1\nprint(total)\nprint(2)\n")
        XCTAssertEqual(document.position(of: document.text.unicodeScalars.count - 1).line, 2)
        document.apply(range: nil, text: "x", version: 5)
        XCTAssertEqual(document.text, "x")
        XCTAssertEqual(document.version, 5)
    }
}
