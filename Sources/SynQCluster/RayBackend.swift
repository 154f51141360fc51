import Support

/// Runs jobs on a Ray cluster: uploads the worker and spec packages (skipped when the cluster
/// already has them), submits under the caller's id with the kernel session in the metadata,
/// and reads the worker's marked result line from the job's log.
public final class RayBackend: JobBackend, @unchecked Sendable {
    public let client: RayClient
    public var location: String { client.http.address.text }
    /// The worker package once this process has made sure the cluster holds it.
    private var workerPackage: String?

    public init(url: String, token: String?) throws {
        client = try RayClient(url: url, token: token)
    }

    public func submit(_ spec: JobSpec, id: String, metadata: [(String, String)]) throws {
        let worker = try ensureWorkerPackage()
        let specArchive = WorkerPackage.spec(spec)
        let specName = WorkerPackage.name(specArchive)
        if try !client.hasPackage(specName) { try client.uploadPackage(specName, specArchive) }
        let env: JSON = .object(["working_dir": .string("gcs://\(specName)"), "py_modules": .array([.string("gcs://\(worker)")])])
        try client.submit(entrypoint: WorkerPackage.entrypoint, submissionID: id, runtimeEnv: env, metadata: metadata)
    }

    private func ensureWorkerPackage() throws -> String {
        if let workerPackage { return workerPackage }
        guard let binary = Files.read("/proc/self/exe") else { throw ClusterError("C009", "cannot read this synq binary to send it to the cluster") }
        let archive = WorkerPackage.worker(binary: binary)
        let name = WorkerPackage.name(archive)
        if try !client.hasPackage(name) { try client.uploadPackage(name, archive) }
        workerPackage = name
        return name
    }

    public func report(_ id: String) throws -> JobReport {
        guard let record = try client.job(id) else {
            return JobReport(state: .lost, message: "the cluster at \(location) does not know job \(id) (its head restarted, or the id is wrong)")
        }
        let status = record["status"]?.string ?? "PENDING"
        switch status {
        case "PENDING": return JobReport(state: .pending, message: record["message"]?.string)
        case "RUNNING": return JobReport(state: .running)
        case "STOPPED": return JobReport(state: .stopped, message: "cancelled")
        case "SUCCEEDED":
            let log = try client.logs(id)
            guard let line = RayBackend.markedLine(Worker.resultMarker, in: log) else {
                return JobReport(state: .failed, message: "the job finished without a result line", logTail: RayBackend.tail(log))
            }
            do {
                let results = try (try JSON.parse(line)["results"]?.array ?? []).map(TaskResult.init(json:))
                return JobReport(state: .succeeded, results: results)
            } catch {
                return JobReport(state: .failed, message: "the job's result line is unreadable: \(error)", logTail: RayBackend.tail(log))
            }
        default:
            let log = (try? client.logs(id)) ?? ""
            var message = record["message"]?.string ?? "the job failed"
            if let line = RayBackend.markedLine(Worker.errorMarker, in: log), let error = try? JSON.parse(line) {
                let code = error["code"]?.string.map { "error[SYNQ-\($0)]: " } ?? ""
                let task = error["task"]?.int.map { " (task \($0))" } ?? ""
                message = "\(code)\(error["message"]?.string ?? "")\(task)"
            }
            return JobReport(state: .failed, message: message, logTail: RayBackend.tail(log))
        }
    }

    public func cancel(_ id: String) throws { try client.stop(id) }

    static func markedLine(_ marker: String, in log: String) -> String? {
        log.split(separator: "\n").last { $0.hasPrefix(marker) }.map { String($0.dropFirst(marker.count)) }
    }

    static func tail(_ log: String, lines: Int = 12) -> String {
        log.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
