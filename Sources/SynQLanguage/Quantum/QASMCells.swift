import QuantumKit

extension Session {
    /// Runs OpenQASM on the live qubits (`%%qasm`, `synq run FILE.qasm`): its quantum registers
    /// become live registers bound to their names (replacing ones of the same name), its gates
    /// apply, and each bit register becomes a session name holding the measured Bits. Returns a one-line summary.
    public func runQASM(_ text: String, name: String) throws -> String {
        let circuit = try readQASM(text, name: name)
        let live = quantum
        var results: [String] = []
        live.beginStatement()
        do {
            var wires: [Int] = []
            var allocated: [RegisterValue] = []
            for r in circuit.qubitRegisters {
                let register = try live.allocate(r.name, r.size)
                allocated.append(register)
                wires += register.qubits
            }
            var bits = [Bool](repeating: false, count: circuit.clbitCount)
            for inst in circuit.instructions {
                try interrupt.check()
                switch inst {
                case .gate(let op):
                    try live.apply(op.remapped(wires))
                case .measure(let q, let c):
                    guard case .bool(let b) = try live.measure([wires[q]]) else { continue }
                    bits[c] = b
                case .reset(let q):
                    try live.reset(wires[q])
                case .barrier(let qs):
                    live.barrier(qs.map { wires[$0] })
                case .conditional(let clbits, let value, let op):
                    if Instruction.conditionHolds(clbits: clbits, value: value, bits: bits) { try live.apply(op.remapped(wires)) }
                }
            }
            live.finishStatement()
            if circuit.globalPhase != 0 { try live.currentState().multiply(by: Complex.exp(i: circuit.globalPhase)) }
            for r in allocated { defineGlobal(r.name, .object(r), mutable: true) }
            for r in circuit.clbitRegisters where r.size > 0 {
                let value = BitsValue(Array(bits[r.offset..<r.offset + r.size]))
                defineGlobal(r.name, .object(value), mutable: true)
                results.append("\(r.name) = \(value.text)")
            }
        } catch {
            live.abortStatement()
            throw error
        }
        let registers = circuit.qubitRegisters.map { "\($0.name)[\($0.size)]" }.joined(separator: ", ")
        let summary = "OpenQASM: \(circuit.instructions.count) instructions on \(registers.isEmpty ? "no qubits" : registers)"
        return results.isEmpty ? summary : summary + "; " + results.joined(separator: ", ")
    }

    /// Parses and checks OpenQASM without running it (`synq check FILE.qasm`).
    public func checkQASM(_ text: String, name: String) throws {
        _ = try readQASM(text, name: name)
    }

    /// Everything applied to the live qubits, as OpenQASM 3 or 2.0 (`%qasm`).
    public func liveCircuitQASM(version: Int) throws -> String {
        try QuantumLibrary.exportQASM(quantum.drawnCircuit, version: version)
    }

    /// OpenQASM read into a Circuit; a problem becomes a diagnostic with its place in `name`.
    private func readQASM(_ text: String, name: String) throws -> Circuit {
        do {
            return try OpenQASM.read(text)
        } catch let e as QASMError {
            throw Diagnostic(e.code, e.message, at: Span(e.offset, e.offset + e.length), source: Source(name: name, text: text))
        }
    }
}

extension Operation {
    /// The same operation on other wires: qubit i becomes wires[i].
    func remapped(_ wires: [Int]) -> Operation {
        var op = self
        op.targets = targets.map { wires[$0] }
        op.controls = controls.map { wires[$0] }
        return op
    }
}
