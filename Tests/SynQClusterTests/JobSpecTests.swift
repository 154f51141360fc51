import XCTest
import QuantumKit
import Support
@testable import SynQCluster

final class JobSpecTests: XCTestCase {
    func everyInstructionKind() -> Circuit {
        var c = Circuit(qubits: 3, clbits: 2)
        c.qubitRegisters = [Register(name: "q", offset: 0, size: 3)]
        c.clbitRegisters = [Register(name: "m", offset: 0, size: 2)]
        c.globalPhase = 0.25
        c.append(Operation(.h, [0]))
        c.append(Operation(.rx, [1], params: [Parameter(0.1 + 0.2)]))
        c.append(Operation(.u, [2], params: [Parameter(1e-20), Parameter(-3.5), Parameter(symbol: "theta", coefficient: 2, constant: 0.5)]))
        c.append(Operation(.x, [2], controls: [0, 1], controlStates: [true, false]))
        c.append(Operation(.s, [1], inverted: true, power: 0.5))
        c.append(.barrier([0, 1, 2]))
        c.append(.measure(qubit: 0, clbit: 0))
        c.append(.conditional(clbits: [0], value: 1, Operation(.z, [1])))
        c.append(.reset(0))
        c.append(.measure(qubit: 1, clbit: 1))
        return c
    }

    func testASpecWithEveryInstructionKindSurvivesItsJSONTextExactly() throws {
        let observable = Observable([PauliTerm(coefficient: Complex(0.5, -0.25), paulis: [0: "Z", 2: "X"]), PauliTerm(coefficient: Complex(1.0 / 3), paulis: [1: "Y"])])
        let spec = JobSpec(tasks: [
            .run(RunTask(circuit: everyInstructionKind(), shots: 100, seed: UInt64.max - 5, engine: .statevector,
                         noise: NoiseModel(channels: [.depolarizing(0.01), .amplitudeDamping(0.02)], readoutError: 0.03), precision: .single)),
            .expect(ExpectTask(circuit: everyInstructionKind(), observable: observable, shots: nil, seed: nil)),
        ])
        let text = spec.json.serialized
        let decoded = try JobSpec(json: try JSON.parse(text))
        XCTAssertEqual(decoded, spec)
        XCTAssertEqual(decoded.json.serialized, text)
    }

    func testAMalformedSpecIsABadSpecError() {
        XCTAssertThrowsError(try JobSpec(json: try JSON.parse(#"{"synq_job": 1, "tasks": [{"kind": "dance"}]}"#))) { error in
            XCTAssertEqual((error as? ClusterError)?.code, "C010")
        }
        XCTAssertThrowsError(try JobSpec(json: try JSON.parse(#"{"tasks": []}"#)))
    }

    func testTaskResultsSurviveJSON() throws {
        let counts = Counts(bitCount: 3, shots: 10, counts: [0: 4, 5: 6])
        for result in [TaskResult.counts(counts), .value(-0.123456789012345)] {
            XCTAssertEqual(try TaskResult(json: try JSON.parse(result.json.serialized)), result)
        }
        XCTAssertEqual(CircuitCoding.encode(counts).serialized, #"{"bits":3,"shots":10,"outcomes":{"000":4,"101":6}}"#)
    }

    func bell() -> Circuit {
        var c = Circuit(qubits: 2, clbits: 2)
        c.append(Operation(.h, [0]))
        c.append(Operation(.x, [1], controls: [0]))
        c.append(.measure(qubit: 0, clbit: 0))
        c.append(.measure(qubit: 1, clbit: 1))
        return c
    }

    func finished(_ backend: LocalBackend, _ id: String) throws -> JobReport {
        for _ in 0..<2000 {
            let report = try backend.report(id)
            if report.state.isFinal { return report }
            usleep(5_000)
        }
        XCTFail("job \(id) did not finish")
        return try backend.report(id)
    }

    func testALocalJobReturnsExactlyWhatTheSameTaskReturnsInPlace() throws {
        let task = RunTask(circuit: bell(), shots: 2000, seed: 99)
        let backend = LocalBackend()
        try backend.submit(JobSpec(tasks: [.run(task), .expect(ExpectTask(circuit: bell(), observable: Observable.pauli("Z", 0), shots: 500, seed: 4))]),
                           id: "a", metadata: [])
        let report = try finished(backend, "a")
        XCTAssertEqual(report.state, .succeeded)
        XCTAssertEqual(report.results?.first, .counts(try task.execute(cancellation: nil)))
        guard case .value(let v) = report.results?.last else { return XCTFail("no expectation value") }
        XCTAssertEqual(v, try ExpectTask(circuit: bell(), observable: Observable.pauli("Z", 0), shots: 500, seed: 4).execute(cancellation: nil))
        XCTAssertThrowsError(try backend.submit(JobSpec(tasks: []), id: "a", metadata: []))
    }

    func testALocalJobThatFailsReportsTheSimulatorsError() throws {
        var wide = Circuit(qubits: 16, clbits: 0)
        wide.append(Operation(.h, [0]))
        let backend = LocalBackend()
        try backend.submit(JobSpec(tasks: [.run(RunTask(circuit: wide, shots: 1, seed: 1, engine: .density))]), id: "big", metadata: [])
        let report = try finished(backend, "big")
        XCTAssertEqual(report.state, .failed)
        XCTAssertTrue(report.message?.contains("SYNQ-SIM002") ?? false, report.message ?? "")
    }

    func testCancellingALocalJobStopsIt() throws {
        var c = Circuit(qubits: 12, clbits: 0)
        for q in 0..<12 { c.append(Operation(.ry, [q], params: [Parameter(0.3)])) }
        let backend = LocalBackend()
        try backend.submit(JobSpec(tasks: [.run(RunTask(circuit: c, shots: 1_000_000, seed: 1, engine: .statevector, noise: NoiseModel(channels: [.depolarizing(0.01)])))]),
                           id: "long", metadata: [])
        try backend.cancel("long")
        XCTAssertEqual(try finished(backend, "long").state, .stopped)
        XCTAssertThrowsError(try backend.report("unknown")) { XCTAssertEqual(($0 as? ClusterError)?.code, "C006") }
    }
}
