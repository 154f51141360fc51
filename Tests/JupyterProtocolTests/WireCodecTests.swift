import XCTest
import Support
@testable import JupyterProtocol

final class WireCodecTests: XCTestCase {
    func message(_ type: String = "execute_request", content: JSONObject = ["code": .string("1 + 1")]) -> Message {
        var m = Message.make(type, content, parent: nil, session: "s-1", identities: [Array("client-a".utf8), Array("client-b".utf8)])
        m.metadata = ["k": .int(1)]
        return m
    }

    func testKnownHMACSHA256Vector() {
        let codec = WireCodec(key: "key")
        let digest = codec.sign([Array("The quick brown fox jumps over the lazy dog".utf8)])
        XCTAssertEqual(String(decoding: digest, as: UTF8.self), "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
    }

    func testSignatureCoversTheFourPartsInOrder() {
        let codec = WireCodec(key: "secret")
        XCTAssertEqual(codec.sign([Array("ab".utf8), Array("c".utf8)]), codec.sign([Array("abc".utf8)]))
        XCTAssertNotEqual(codec.sign([Array("abc".utf8)]), codec.sign([Array("abd".utf8)]))
    }

    func testRoundTripKeepsIdentitiesHeaderAndContent() throws {
        let codec = WireCodec(key: "secret")
        let original = message()
        let frames = codec.encode(original)
        XCTAssertEqual(frames[0], Array("client-a".utf8))
        XCTAssertEqual(frames[1], Array("client-b".utf8))
        XCTAssertEqual(frames[2], WireCodec.delimiter)
        XCTAssertEqual(frames[3].count, 64)
        let decoded = try codec.decode(frames)
        XCTAssertEqual(decoded.identities, original.identities)
        XCTAssertEqual(decoded.type, "execute_request")
        XCTAssertEqual(decoded.id, original.id)
        XCTAssertEqual(decoded.content["code"]?.string, "1 + 1")
        XCTAssertEqual(decoded.metadata["k"]?.int, 1)
    }

    func testBuffersAfterTheContentSurvive() throws {
        let codec = WireCodec(key: "")
        var m = message()
        m.buffers = [[1, 2, 3], []]
        let decoded = try codec.decode(codec.encode(m))
        XCTAssertEqual(decoded.buffers, [[1, 2, 3], []])
    }

    func testWrongSignatureIsRejected() {
        let frames = WireCodec(key: "secret").encode(message())
        XCTAssertThrowsError(try WireCodec(key: "other").decode(frames)) { error in
            XCTAssertEqual(error as? WireCodec.DecodeError, .badSignature)
        }
    }

    func testTamperedContentIsRejected() {
        let codec = WireCodec(key: "secret")
        var frames = codec.encode(message())
        frames[frames.count - 1] = Array("{\"code\": \"evil()\"}".utf8)
        XCTAssertThrowsError(try codec.decode(frames)) { XCTAssertEqual($0 as? WireCodec.DecodeError, .badSignature) }
    }

    func testMissingSignatureIsRejectedWhenAKeyIsSet() {
        var frames = WireCodec(key: "").encode(message())
        XCTAssertEqual(frames[3], [])
        frames[3] = []
        XCTAssertThrowsError(try WireCodec(key: "secret").decode(frames)) { XCTAssertEqual($0 as? WireCodec.DecodeError, .missingSignature) }
    }

    func testEmptyKeyMeansUnsignedMode() throws {
        let codec = WireCodec(key: "")
        XCTAssertFalse(codec.isSigned)
        XCTAssertEqual(try codec.decode(codec.encode(message())).content["code"]?.string, "1 + 1")
    }

    func testMalformedFramesAreErrorsNotCrashes() {
        let codec = WireCodec(key: "")
        let good = codec.encode(message())
        XCTAssertThrowsError(try codec.decode([[1, 2, 3]])) { XCTAssertEqual($0 as? WireCodec.DecodeError, .noDelimiter) }
        XCTAssertThrowsError(try codec.decode(Array(good.prefix(5)))) { XCTAssertEqual($0 as? WireCodec.DecodeError, .missingFrames(2)) }
        var badJSON = good
        badJSON[4] = Array("{not json".utf8)
        XCTAssertThrowsError(try codec.decode(badJSON)) { XCTAssertEqual($0 as? WireCodec.DecodeError, .malformedJSON("header")) }
        var notObject = good
        notObject[7] = Array("[1, 2]".utf8)
        XCTAssertThrowsError(try codec.decode(notObject)) { XCTAssertEqual($0 as? WireCodec.DecodeError, .malformedJSON("content")) }
        var noType = good
        noType[4] = Array("{\"msg_id\": \"x\"}".utf8)
        XCTAssertThrowsError(try codec.decode(noType)) { XCTAssertEqual($0 as? WireCodec.DecodeError, .badHeader("no msg_type")) }
    }

    func testConstantTimeComparison() {
        XCTAssertTrue(WireCodec.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        XCTAssertFalse(WireCodec.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(WireCodec.constantTimeEqual([1, 2], [1, 2, 3]))
    }

    func testHeaderHasTheFieldsTheSpecRequires() {
        let m = Message.make("status", [:], parent: message(), session: "s")
        for field in ["msg_id", "username", "session", "date", "msg_type", "version"] { XCTAssertNotNil(m.header[field], field) }
        XCTAssertEqual(m.header["version"]?.string, "5.4")
        XCTAssertEqual(m.parentHeader["msg_type"]?.string, "execute_request")
        XCTAssertTrue(m.header["date"]!.string!.hasSuffix("Z"))
        XCTAssertEqual(Message.newID().count, 36)
    }
}

final class JSONTests: XCTestCase {
    func testRoundTripKeepsKeyOrderAndTypes() throws {
        let text = #"{"b":1,"a":[true,null,2.5,"x\n\"y\""],"c":{"d":-3}}"#
        let value = try JSON.parse(text)
        XCTAssertEqual(value.serialized, text)
        XCTAssertEqual(value["b"]?.int, 1)
        XCTAssertEqual(value["a"]?.array?[2].double, 2.5)
    }

    func testUnicodeEscapesAndSurrogatePairs() throws {
        XCTAssertEqual(try JSON.parse(#""\u00e9\ud83d\ude00""#).string, "é😀")
        XCTAssertEqual(JSON.string("\u{1}").serialized, #""\u0001""#)
    }

    func testInvalidTextIsAnError() {
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"open", "1 2", String(repeating: "[", count: 2000)] {
            XCTAssertThrowsError(try JSON.parse(bad), bad)
        }
    }
}

final class HistoryTests: XCTestCase {
    func testTailRangeAndSearchAcrossRestarts() {
        let path = "/tmp/synq-history-test-\(getpid()).jsonl"
        unlink(path)
        defer { unlink(path) }
        let first = HistoryStore(path: path)
        XCTAssertEqual(first.session, 1)
        first.append(line: 1, input: "let x = 1", output: nil)
        first.append(line: 2, input: "x + 1", output: "2")
        let second = HistoryStore(path: path)
        XCTAssertEqual(second.session, 2)
        second.append(line: 1, input: "x + 1", output: "2")
        let tail = second.reply(["hist_access_type": .string("tail"), "n": .int(2)])["history"]!.array!
        XCTAssertEqual(tail.count, 2)
        XCTAssertEqual(tail[1].array?[0].int, 2)
        let range = second.reply(["hist_access_type": .string("range"), "session": .int(1), "start": .int(2), "stop": .int(3)])["history"]!.array!
        XCTAssertEqual(range.count, 1)
        XCTAssertEqual(range[0].array?[2].string, "x + 1")
        let search = second.reply(["hist_access_type": .string("search"), "pattern": .string("x*"), "unique": .bool(true)])["history"]!.array!
        XCTAssertEqual(search.count, 1)
        let withOutput = second.reply(["hist_access_type": .string("tail"), "n": .int(1), "output": .bool(true)])["history"]!.array!
        XCTAssertEqual(withOutput[0].array?[2].array?[1].string, "2")
    }
}
