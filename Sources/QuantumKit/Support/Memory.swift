import Support

/// Memory checks made before allocating a state, so a too-large request is an error, not a crash.
public enum MemoryBudget {
    /// The largest qubit count a state-vector may have (`%config max_qubits`).
    nonisolated(unsafe) public static var maxQubits = 32

    /// Bytes the kernel may still allocate: MemAvailable from /proc/meminfo.
    public static func availableBytes() -> Int {
        guard let text = Files.readText("/proc/meminfo") else { return Int.max }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let parts = line.split(separator: " ")
            if parts.count >= 2, let kib = Int(parts[1]) { return kib * 1024 }
        }
        return Int.max
    }

    /// Throws a clear error unless `bytes` for `what` fits the configured maximum and free memory.
    public static func check(qubits: Int, bytesPerAmplitude: Int, what: String) throws {
        if qubits > maxQubits {
            throw SimulationError("SIM001", "\(what) of \(qubits) qubits exceeds the limit of \(maxQubits) qubits (max_qubits); a state of \(qubits) qubits needs \(formatBytes(qubits, bytesPerAmplitude))")
        }
        let bytes = (1 << qubits) * bytesPerAmplitude
        let available = availableBytes()
        if bytes > available - (available / 8) {
            throw SimulationError("SIM002", "\(what) of \(qubits) qubits needs \(formatBytes(qubits, bytesPerAmplitude)) but only \(available >> 20) MiB of memory is available")
        }
    }

    static func formatBytes(_ qubits: Int, _ perAmplitude: Int) -> String {
        let log2Bytes = qubits + (perAmplitude == 16 ? 4 : perAmplitude == 8 ? 3 : 0)
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        let unit = min(log2Bytes / 10, units.count - 1)
        if log2Bytes >= 70 { return "2^\(log2Bytes) bytes" }
        return "\(1 << (log2Bytes - unit * 10)) \(units[unit])"
    }
}
