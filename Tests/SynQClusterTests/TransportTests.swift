import XCTest
@testable import SynQCluster

final class TransportTests: XCTestCase {
    func testAddressesParseSchemeHostPortAndPathPrefix() throws {
        let plain = try HTTPClient.Address("http://head:8265")
        XCTAssertEqual([plain.host, String(plain.port), plain.basePath], ["head", "8265", ""])
        XCTAssertFalse(plain.secure)
        let proxied = try HTTPClient.Address("https://ray.example.org/cluster/a/")
        XCTAssertEqual([proxied.host, String(proxied.port), proxied.basePath], ["ray.example.org", "443", "/cluster/a"])
        XCTAssertTrue(proxied.secure)
        XCTAssertEqual(try HTTPClient.Address("http://[::1]:8265").host, "::1")
        XCTAssertEqual(try HTTPClient.Address("http://[::1]:8265").text, "http://[::1]:8265")
        for bad in ["head:8265", "ftp://x", "http://:80", "http://head:99999"] {
            XCTAssertThrowsError(try HTTPClient.Address(bad), bad)
        }
    }

    func testResponsesWithContentLengthAndChunkedBodiesParse() throws {
        let sized = try HTTPClient.parse(Array("HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello, and more".utf8))
        XCTAssertEqual(sized.status, 404)
        XCTAssertEqual(sized.text, "hello")
        XCTAssertEqual(sized.headers.first { $0.0 == "x-a" }?.1, "b")
        let chunked = try HTTPClient.parse(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3;ext\r\n:1}\r\n0\r\n\r\n".utf8))
        XCTAssertEqual(chunked.text, #"{"a":1}"#)
        XCTAssertThrowsError(try HTTPClient.parse(Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort".utf8)))
        XCTAssertThrowsError(try HTTPClient.parse(Array("garbage".utf8)))
    }

    func testNothingListeningIsATransportErrorNamingTheAddress() throws {
        let client = HTTPClient(try HTTPClient.Address("http://127.0.0.1:9"), timeout: 2)
        XCTAssertThrowsError(try client.send("GET", "/")) { error in
            XCTAssertTrue("\(error)".contains("cannot connect to 127.0.0.1:9"), "\(error)")
        }
    }

    func testZipChecksumsAndContentNamesAreTheStandardOnes() {
        XCTAssertEqual(ZipArchive.crc32(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(ZipArchive.sha256Hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let archive = ZipArchive.build([.init(path: "job.json", bytes: Array("{}".utf8))])
        XCTAssertEqual(Array(archive.prefix(4)), [0x50, 0x4b, 0x03, 0x04])
        XCTAssertEqual(Array(archive.suffix(22).prefix(4)), [0x50, 0x4b, 0x05, 0x06])
        XCTAssertEqual(archive, ZipArchive.build([.init(path: "job.json", bytes: Array("{}".utf8))]), "the same content makes the same package")
        XCTAssertTrue(WorkerPackage.name(archive).hasPrefix("_ray_pkg_") && WorkerPackage.name(archive).hasSuffix(".zip"))
    }

    func testTheLastMarkedLineOfALogIsTheResult() {
        let log = "setting up\nSYNQ-RESULT {\"results\":[1]}\nnoise\nSYNQ-RESULT {\"results\":[2]}\nbye"
        XCTAssertEqual(RayBackend.markedLine(Worker.resultMarker, in: log), #"{"results":[2]}"#)
        XCTAssertNil(RayBackend.markedLine(Worker.errorMarker, in: log))
        XCTAssertEqual(RayBackend.tail("a\nb\nc", lines: 2), "b\nc")
    }
}
