import Glibc
import XCTest
@testable import QuantumKit

final class OpenQASMTests: XCTestCase {
    func finalState(_ text: String) throws -> StateVector { try Simulator().finalState(try OpenQASM.read(text)) }

    func assertError(_ text: String, code: String, line: Int, mentions: String, file: StaticString = #filePath, line callLine: UInt = #line) {
        XCTAssertThrowsError(try OpenQASM.read(text), file: file, line: callLine) { error in
            guard let e = error as? QASMError else { return XCTFail("not a QASMError: \(error)", file: file, line: callLine) }
            XCTAssertEqual(e.code, code, e.message, file: file, line: callLine)
            XCTAssertEqual(e.line, line, e.message, file: file, line: callLine)
            XCTAssertTrue(e.message.contains(mentions), e.message, file: file, line: callLine)
        }
    }

    // MARK: export

    func testExportOfABellCircuitIsExactOpenQASM3() throws {
        var c = Circuit()
        c.addQubits("q", 2)
        c.addClbits("m", 2)
        c.append(Operation(.h, [0]))
        c.append(Operation(.x, [1], controls: [0]))
        c.append(.measure(qubit: 0, clbit: 0))
        c.append(.measure(qubit: 1, clbit: 1))
        XCTAssertEqual(try OpenQASM.write(c), """
        OPENQASM 3.0;
        include "stdgates.inc";
        qubit[2] q;
        bit[2] m;
        h q[0];
        cx q[0], q[1];
        m[0] = measure q[0];
        m[1] = measure q[1];

        """)
        XCTAssertEqual(try OpenQASM.write(c, version: 2), """
        OPENQASM 2.0;
        include "qelib1.inc";
        qreg q[2];
        creg m[2];
        h q[0];
        cx q[0], q[1];
        measure q[0] -> m[0];
        measure q[1] -> m[1];

        """)
    }

    func testModifiersExportAsModifiersInVersion3() throws {
        var c = Circuit(qubits: 3)
        c.append(Operation(.rz, [2], params: [Parameter(Double.pi / 4)], controls: [0, 1], controlStates: [true, false]))
        c.append(Operation(.s, [0], inverted: true))
        c.append(Operation(.rx, [1], params: [Parameter(0.5)], power: 2))
        let text = try OpenQASM.write(c)
        XCTAssertTrue(text.contains("ctrl @ negctrl @ rz(pi/4) q[0], q[1], q[2];"), text)
        XCTAssertTrue(text.contains("inv @ s q[0];"), text)
        XCTAssertTrue(text.contains("pow(2) @ rx(0.5) q[1];"), text)
    }

    func testVersion2FoldsInversesAndPowersAndWrapsNegativeControls() throws {
        var c = Circuit(qubits: 2)
        c.append(Operation(.s, [0], inverted: true))
        c.append(Operation(.rx, [1], params: [Parameter(0.5)], power: 2))
        c.append(Operation(.x, [1], controls: [0], controlStates: [false]))
        let text = try OpenQASM.write(c, version: 2)
        XCTAssertTrue(text.contains("sdg q[0];\nrx(1) q[1];\nx q[0];\ncx q[0], q[1];\nx q[0];"), text)
    }

    func testVersion2RefusesWhatItCannotSay() throws {
        var c = Circuit(qubits: 3)
        c.append(Operation(.rx, [2], params: [Parameter(0.1)], controls: [0, 1]))
        XCTAssertThrowsError(try OpenQASM.write(c, version: 2)) { XCTAssertEqual(($0 as? QASMError)?.code, "QASM104") }
        var p = Circuit(qubits: 1)
        p.append(Operation(.ry, [0], params: [Parameter(symbol: "theta")]))
        XCTAssertThrowsError(try OpenQASM.write(p, version: 2)) { XCTAssertEqual(($0 as? QASMError)?.code, "QASM102") }
        XCTAssertTrue(try OpenQASM.write(p).contains("input float[64] theta;\nqubit[1] q;\nry(theta) q[0];"))
    }

    func testPiMultiplesAreWrittenAsPiAndOthersRoundTripExactly() {
        XCTAssertEqual(QASMExporter.number(Double.pi), "pi")
        XCTAssertEqual(QASMExporter.number(-Double.pi / 2), "-pi/2")
        XCTAssertEqual(QASMExporter.number(3 * Double.pi / 4), "3*pi/4")
        XCTAssertEqual(Double(QASMExporter.number(0.1234567890123456789)), 0.1234567890123456789)
    }

    func testRegisterNamesThatClashWithKeywordsOrGatesAreRenamed() throws {
        var c = Circuit()
        c.addQubits("h", 1)
        c.addQubits("input", 1)
        c.append(Operation(.x, [1], controls: [0]))
        let text = try OpenQASM.write(c)
        XCTAssertTrue(text.contains("qubit[1] h_;\nqubit[1] input_;\ncx h_[0], input_[0];"), text)
        XCTAssertEqual(try OpenQASM.read(text).qubitCount, 2)
    }

    func testRandomCircuitsSurviveExportAndImportInBothVersions() throws {
        var random = SeededRandom(seed: 31)
        for i in 0..<100 {
            let c = randomCircuit(qubits: 2 + i % 5, gates: 25, &random)
            let expected = try Simulator().finalState(c)
            assertStatesEqual(try finalState(try OpenQASM.write(c)), expected, tolerance: 1e-10, "circuit \(i), OpenQASM 3")
            if let text2 = try? OpenQASM.write(c, version: 2) {
                assertStatesEqual(try finalState(text2), expected, tolerance: 1e-10, "circuit \(i), OpenQASM 2.0")
            }
        }
    }

    // MARK: import

    func testOpenQASM2WithCustomGatesConditionsAndBroadcast() throws {
        let c = try OpenQASM.read("""
        OPENQASM 2.0;
        include "qelib1.inc";
        gate bell(theta) a, b { ry(theta) a; cx a, b; }
        qreg q[2];
        creg c[2];
        bell(pi/2) q[0], q[1];
        measure q -> c;
        if (c == 3) x q;
        reset q[0];
        barrier q;
        """)
        XCTAssertEqual(c.qubitCount, 2)
        XCTAssertEqual(c.clbitRegisters.map(\.name), ["c"])
        XCTAssertEqual(c.instructions.count, 8)
        XCTAssertEqual(c.instructions[4], .conditional(clbits: [0, 1], value: 3, Operation(.x, [0])))
        let counts = try Simulator(seed: 3).run(c, shots: 500)
        XCTAssertEqual(Set(counts.counts.keys).isSubset(of: [0, 3]), true)
    }

    func testOpenQASM3LoopsConstantsModifiersAndInputs() throws {
        let c = try OpenQASM.read("""
        OPENQASM 3;
        include "stdgates.inc";
        const float half = pi / 2;
        input float theta;
        qubit[4] q;
        h q[0];
        for uint i in [0:2] { cx q[i], q[i + 1]; }
        ctrl(2) @ x q[0], q[1], q[2];
        negctrl @ inv @ pow(2) @ rz(half + 2 * theta) q[3], q[0];
        """)
        XCTAssertEqual(c.instructions.count, 6)
        XCTAssertEqual(c.instructions[4], .gate(Operation(.x, [2], controls: [0, 1])))
        guard case .gate(let last) = c.instructions[5] else { return XCTFail() }
        XCTAssertEqual(last.controlStates, [false])
        XCTAssertEqual(last.params[0], Parameter(symbol: "theta", coefficient: 2, constant: Double.pi / 2))
        XCTAssertTrue(last.inverted)
        XCTAssertEqual(last.power, 2)
        XCTAssertEqual(c.parameterNames, ["theta"])
    }

    func testControlledCustomGateTurnsItsGlobalPhaseIntoAPhaseOnTheControl() throws {
        let direct = try finalState("""
        OPENQASM 3; include "stdgates.inc"; qubit[2] q; h q[0]; x q[1]; cp(0.7) q[0], q[1]; cp(0.7) q[0], q[1];
        """)
        let viaPhase = try finalState("""
        OPENQASM 3; include "stdgates.inc";
        gate g a { gphase(0.7); }
        qubit[2] q; h q[0]; x q[1]; ctrl @ g q[0], q[1]; ctrl @ g q[0], q[1];
        """)
        XCTAssertEqual(viaPhase[3].phase, 1.4, accuracy: 1e-12)
        assertStatesEqual(viaPhase, direct)
    }

    func testTopLevelGlobalPhaseMultipliesTheState() throws {
        let s = try finalState("OPENQASM 3; gphase(pi/2); qubit q;")
        XCTAssertEqual(s[0].re, 0, accuracy: 1e-15)
        XCTAssertEqual(s[0].im, 1, accuracy: 1e-15)
    }

    func testIfElseOnOneBitAndMeasureAssignment() throws {
        let c = try OpenQASM.read("""
        OPENQASM 3.0; include "stdgates.inc";
        qubit[2] q; bit b; bit[2] r;
        x q[0];
        b = measure q[0];
        if (b) { x q[1]; } else { h q[1]; }
        r = measure q;
        """)
        let counts = try Simulator(seed: 1).run(c, shots: 100)
        XCTAssertEqual(counts.counts, [0b111: 100])
    }

    func testPhysicalQubitsAreTheCircuitsWires() throws {
        let s = try finalState("OPENQASM 3.0; include \"stdgates.inc\"; x $2;")
        XCTAssertEqual(s.qubitCount, 3)
        XCTAssertEqual(s[4].re, 1)
    }

    func testQelib1RelativePhaseToffoliMatchesItsDefinition() throws {
        let viaLibrary = try finalState("OPENQASM 2.0; include \"qelib1.inc\"; qreg q[3]; h q; rccx q[0], q[1], q[2];")
        let spelled = try finalState("""
        OPENQASM 2.0; include "qelib1.inc"; qreg q[3]; h q;
        u2(0, pi) q[2]; u1(pi/4) q[2]; cx q[1], q[2]; u1(-pi/4) q[2]; cx q[0], q[2]; u1(pi/4) q[2]; cx q[1], q[2]; u1(-pi/4) q[2]; u2(0, pi) q[2];
        """)
        assertStatesEqual(viaLibrary, spelled)
    }

    // MARK: errors

    func testUnsupportedConstructsAreErrorsNamingTheConstructAndLine() {
        let header = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\n"
        assertError(header + "while (true) { h q[0]; }", code: "QASM010", line: 4, mentions: "while loops")
        assertError(header + "def f() { }", code: "QASM010", line: 4, mentions: "subroutine")
        assertError(header + "delay[10ns] q[0];", code: "QASM010", line: 4, mentions: "delay")
        assertError(header + "opaque g a;", code: "QASM010", line: 4, mentions: "opaque")
        assertError(header + "h q[0:1];", code: "QASM010", line: 4, mentions: "slices")
        assertError(header + "bit b;\nif (b) { b = measure q[0]; }", code: "QASM010", line: 5, mentions: "measurements inside if")
        assertError(header + "int i;", code: "QASM010", line: 4, mentions: "without a value")
        assertError(header + "input float t;\nrx(t * t) q[0];", code: "QASM010", line: 5, mentions: "linear")
    }

    func testMistakesAreErrorsWithTheirPlace() {
        assertError("OPENQASM 2.0;\nqreg q[2];\nh q[0];", code: "QASM016", line: 3, mentions: "include \"qelib1.inc\"")
        assertError("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncx q[0], q[2];", code: "QASM014", line: 4, mentions: "out of range")
        assertError("OPENQASM 3;\ninclude \"stdgates.inc\";\nqubit[2] q;\nfoo q[0];", code: "QASM016", line: 4, mentions: "unknown gate foo")
        assertError("OPENQASM 3;\ninclude \"stdgates.inc\";\nqubit[2] q;\ncx q[0], q[0];", code: "QASM013", line: 4, mentions: "more than once")
        assertError("OPENQASM 3;\ninclude \"stdgates.inc\";\nqubit[2] q;\nh q[0]", code: "QASM002", line: 4, mentions: "';'")
        assertError("OPENQASM 4.0;", code: "QASM003", line: 1, mentions: "2.0 and 3")
        assertError("OPENQASM 3;\ninclude \"mine.inc\";", code: "QASM011", line: 2, mentions: "mine.inc")
        assertError("OPENQASM 3;\n/* never closed", code: "QASM001", line: 2, mentions: "never closed")
    }

    func testGarbageNeverCrashes() {
        var random = SeededRandom(seed: 77)
        let pieces = ["OPENQASM", "3", ";", "qubit", "[", "]", "q", "h", "cx", "(", ")", "{", "}", "if", "for", "in", "gate",
                      "measure", "->", "=", "ctrl", "@", "pow", "inv", "1", "pi", "/", "*", "$0", ",", "\"", "//", "/*", "\n"]
        for _ in 0..<3000 {
            let text = (0..<Int(random.next() % 30)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined(separator: " ")
            _ = try? OpenQASM.read(text)
        }
    }
}
