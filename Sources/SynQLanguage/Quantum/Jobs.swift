import Glibc
import QuantumKit
import SynQCluster

/// This session's jobs. `async run(...)` and `async expect(...)` add a task to the batch of the
/// statement being run; when the statement ends (or something awaits or inspects one of its
/// jobs first) the batch is submitted as ONE job to the backend: a Ray cluster after `%cluster
/// connect`, else this process in the background. A sweep written as one comprehension is
/// therefore one cluster job, whose worker spreads the tasks over the cluster's CPUs.
public final class JobBook {
    let local = LocalBackend()
    public private(set) var cluster: RayBackend?
    private var pending: JobBatch?
    private(set) var batches: [JobBatch] = []
    /// Names the kernel session in the ids and in the cluster's job metadata.
    let sessionTag: String
    private var counter = 0
    /// Extra metadata for the cluster (the notebook's name), set by the kernel.
    public var metadata: [(String, String)] = []
    /// How long a wait keeps retrying an unreachable cluster before giving up.
    public var retrySeconds = 30.0

    init() {
        sessionTag = String(QuantumLibrary.freshSeed() & 0xffff_ffff, radix: 16)
        if let text = getenv("SYNQ_CLUSTER_RETRY_SECONDS").map({ String(cString: $0) }), let s = Double(text), s >= 0 { retrySeconds = s }
    }

    var backend: JobBackend { cluster ?? local }

    // MARK: - the cluster

    /// Checks that the cluster answers (and accepts the token) before switching to it.
    public func connect(url: String, token: String?) throws -> String {
        try reportingClusterErrors { try connectChecked(url: url, token: token) }
    }

    private func connectChecked(url: String, token: String?) throws -> String {
        let ray = try RayBackend(url: url, token: token)
        let version: String
        do { version = try ray.client.rayVersion() } catch let e as ClusterError where e.code == "C003" {
            throw ClusterError("C001", e.message, help: "is the Ray head running (ray start --head) and its dashboard port (8265) reachable from here?")
        }
        cluster = ray
        return "connected to Ray \(version) at \(ray.location); runs with async go there"
    }

    /// Uses a cluster without contacting it yet (SYNQ_CLUSTER at kernel start).
    public func configure(url: String, token: String?) throws {
        cluster = try reportingClusterErrors { try RayBackend(url: url, token: token) }
    }

    public func disconnect() -> String {
        guard let ray = cluster else { return "no cluster connected; async runs go to this machine" }
        cluster = nil
        return "disconnected from \(ray.location); new jobs run on this machine (jobs already on the cluster can still be awaited)"
    }

    public func status() throws -> String {
        try reportingClusterErrors { try statusChecked() }
    }

    private func reportingClusterErrors<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ClusterError { throw SynQError(cluster: e) }
    }

    private func statusChecked() throws -> String {
        guard let ray = cluster else { return "no cluster: async runs go to this machine's background thread (%cluster connect ray URL)" }
        let version = try ray.client.rayVersion()
        var lines = ["Ray \(version) at \(ray.location)"]
        if let nodes = try? ray.client.nodes(), !nodes.isEmpty {
            lines.append("\(nodes.count) node\(nodes.count == 1 ? "" : "s"), \(nodes.reduce(0) { $0 + $1.cpus }) CPUs")
            lines += nodes.map { "  \($0.host): \($0.cpus) CPUs" }
        }
        let mine = batches.filter { $0.backend === ray }
        lines.append("this session's jobs there: \(mine.count)")
        return lines.joined(separator: "\n")
    }

    // MARK: - submitting

    func add(_ task: JobTask) -> JobValue {
        let batch: JobBatch
        if let pending { batch = pending } else {
            counter += 1
            batch = JobBatch(id: "synq-\(sessionTag)-\(counter)", backend: backend)
            pending = batch
        }
        batch.tasks.append(task)
        batch.taskCount += 1
        return JobValue(.task(batch, batch.taskCount - 1), book: self)
    }

    /// Sends the batch the current statement filled. Called at the end of every statement.
    public func submitPending() throws {
        guard let batch = pending else { return }
        pending = nil
        do { try submit(batch) } catch let e as ClusterError { throw SynQError(cluster: e) }
    }

    private func submit(_ batch: JobBatch) throws {
        var info = [("synq_session", sessionTag), ("synq_tasks", String(batch.tasks.count))] + metadata
        if batch.tasks.count == 1 { info.append(("synq_qubits", String(batch.tasks[0].circuit.qubitCount))) }
        try batch.backend.submit(JobSpec(tasks: batch.tasks), id: batch.id, metadata: info)
        batch.tasks = []
        batch.started = LiveProgress.now()
        batches.append(batch)
    }

    /// Forgets the batch of a statement that failed: its jobs were never seen by anyone.
    func dropPending() { pending = nil }

    // MARK: - waiting

    /// Polls until every batch has finished, with a progress line updated in place. An
    /// interrupt stops the waiting, not the jobs.
    func wait(_ waited: [JobBatch], label: String, session: Session) throws {
        try submitPending()
        let progress = LiveProgress(session.output, kind: "await", delay: 0.3)
        var pause = 0.05
        var unreachableSince: Double?
        while true {
            var open: [JobBatch] = []
            for batch in waited where !batch.report.state.isFinal {
                do {
                    try batch.refresh()
                    unreachableSince = nil
                } catch let e as ClusterError where e.code == "C003" {
                    let since = unreachableSince ?? LiveProgress.now()
                    unreachableSince = since
                    if LiveProgress.now() - since >= retrySeconds {
                        throw ClusterError("C003", "lost contact with the cluster for \(Int(retrySeconds)) s (\(e.message)): job \(batch.id) may still be running; reattach with job(\"\(batch.id)\")")
                    }
                }
                if !batch.report.state.isFinal { open.append(batch) }
            }
            if open.isEmpty { break }
            if progress.due {
                let first = open[0]
                let state = unreachableSince == nil ? first.report.state.rawValue : "cluster unreachable, retrying"
                let rest = waited.count > 1 ? " (\(waited.count - open.count) of \(waited.count) jobs done)" : ""
                progress.update("\(label): \(state), \(LiveProgress.seconds(first.elapsed)) s on \(first.backend.location)\(rest)")
            }
            let until = LiveProgress.now() + pause
            while LiveProgress.now() < until {
                if session.interrupt.isCancelled {
                    progress.finish("\(label): stopped waiting")
                    var e = SynQError.interrupted()
                    e.message = "stopped waiting for \(label); the job keeps running (job.cancel() stops it, await waits again)"
                    throw e
                }
                usleep(20_000)
            }
            pause = min(pause * 1.5, 2)
        }
        let states = Set(waited.map { $0.report.state.rawValue }).sorted().joined(separator: ", ")
        progress.finish("\(label): \(states) in \(LiveProgress.seconds(progress.elapsed)) s on \(waited[0].backend.location)")
    }

    // MARK: - finding jobs

    /// `job("ID")`: a job of this session, or one the cluster still knows (after a restart).
    func find(_ id: String) throws -> JobValue {
        let parts = id.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let index = parts.count == 2 ? Int(parts[1]) : nil
        guard !parts[0].isEmpty, parts.count == 1 || index != nil else {
            throw SynQError.value("'\(id)' is not a job id (like synq-1a2b3c4d-3 or synq-1a2b3c4d-3#17)")
        }
        let batchID = String(parts[0])
        try submitPending()
        let batch: JobBatch
        if let known = batches.first(where: { $0.id == batchID }) {
            batch = known
        } else {
            guard let ray = cluster else {
                throw ClusterError("C007", "job \(id) is not one of this session's jobs",
                                   help: "after a kernel restart, connect to the cluster again (%cluster connect) to reattach to its jobs")
            }
            guard let record = try ray.client.job(batchID) else {
                throw ClusterError("C006", "the cluster at \(ray.location) does not know job \(batchID) (lost: its head restarted, or the id is wrong)")
            }
            batch = JobBatch(id: batchID, backend: ray)
            batch.taskCount = Int(record["metadata"]?["synq_tasks"]?.string ?? "1") ?? 1
            batch.started = LiveProgress.now()
            batches.append(batch)
        }
        if let index {
            guard (0..<batch.taskCount).contains(index) else { throw SynQError.index("job \(batchID) has \(batch.taskCount) tasks; #\(index) is not one of them") }
            return JobValue(.task(batch, index), book: self)
        }
        return JobValue(batch.taskCount == 1 ? .task(batch, 0) : .batch(batch), book: self)
    }

    /// One row per job: this session's, then on a connected cluster the ones earlier kernels of
    /// the same notebook started (so a restarted kernel sees what it may reattach to). What
    /// `jobs()` and `%jobs` show.
    func rows() throws -> [[(String, Value)]] {
        try submitPending()
        var rows: [[(String, Value)]] = batches.map { b in
            b.refreshIfOpen()
            return JobBook.row(b.id, b.report.state.rawValue, b.backend.location, b.taskCount, b.elapsed)
        }
        guard let ray = cluster, let notebook = metadata.first(where: { $0.0 == "synq_notebook" })?.1 else { return rows }
        let known = Set(batches.map(\.id))
        for record in (try? ray.client.jobs()) ?? [] {
            guard let id = record["submission_id"]?.string, !known.contains(id), record["metadata"]?["synq_notebook"]?.string == notebook else { continue }
            let start = record["start_time"]?.double ?? 0, end = record["end_time"]?.double
            let elapsed = start > 0 ? ((end ?? Double(time(nil)) * 1000) - start) / 1000 : 0
            rows.append(JobBook.row(id, record["status"]?.string ?? "?", ray.location,
                                    Int(record["metadata"]?["synq_tasks"]?.string ?? "") ?? 1, elapsed))
        }
        return rows
    }

    static func row(_ id: String, _ state: String, _ location: String, _ tasks: Int, _ elapsed: Double) -> [(String, Value)] {
        [("id", .string(id)), ("state", .string(state)), ("where", .string(location)), ("tasks", .int(tasks)),
         ("elapsed", .float((elapsed * 100).rounded() / 100))]
    }
}

extension SynQError {
    init(cluster e: ClusterError) { self.init(e.code, "ClusterError", e.message, help: e.help) }
}

/// One submitted job: the tasks of one statement.
final class JobBatch {
    let id: String
    let backend: JobBackend
    var tasks: [JobTask] = []
    var taskCount = 0
    var started = 0.0
    var finished: Double?
    var report = JobReport(state: .pending)

    init(id: String, backend: JobBackend) { self.id = id; self.backend = backend }

    var elapsed: Double { (finished ?? LiveProgress.now()) - started }

    func refresh() throws {
        report = try backend.report(id)
        if report.state.isFinal { finished = LiveProgress.now() }
    }

    /// The latest state for a display or a member read; an unreachable cluster keeps the last one.
    func refreshIfOpen() {
        if !report.state.isFinal { try? refresh() }
    }

    /// The value of task `index`, or the error that ended the job.
    func value(_ index: Int, label: String) throws -> Value {
        switch report.state {
        case .succeeded:
            guard let results = report.results, index < results.count else {
                throw ClusterError("C004", "job \(label) returned \(report.results?.count ?? 0) results for \(taskCount) tasks")
            }
            switch results[index] {
            case .counts(let c): return .object(CountsValue(c))
            case .value(let v): return .float(v)
            }
        case .failed:
            var message = "job \(label) failed on \(backend.location): \(report.message ?? "no reason given")"
            if let tail = report.logTail, !tail.isEmpty { message += "\n--- the end of its log ---\n" + tail }
            throw ClusterError("C004", message)
        case .stopped:
            throw ClusterError("C005", "job \(label) was cancelled")
        case .lost:
            throw ClusterError("C006", "job \(label) is lost: \(report.message ?? "the cluster no longer knows it")")
        case .pending, .running:
            throw ClusterError("C004", "job \(label) has not finished")
        }
    }
}

/// A Job: one task of a batch, a whole batch (a reattached sweep), or `all([...])` of jobs.
public final class JobValue: NativeObject {
    enum Shape {
        case task(JobBatch, Int)
        case batch(JobBatch)
        case group([JobValue])
    }
    let shape: Shape
    unowned let book: JobBook

    init(_ shape: Shape, book: JobBook) { self.shape = shape; self.book = book }

    var batches: [JobBatch] {
        switch shape {
        case .task(let b, _), .batch(let b): return [b]
        case .group(let jobs):
            var seen: [JobBatch] = []
            for b in jobs.flatMap(\.batches) where !seen.contains(where: { $0 === b }) { seen.append(b) }
            return seen
        }
    }

    public var id: String {
        switch shape {
        case .task(let b, let i): return b.taskCount == 1 ? b.id : "\(b.id)#\(i)"
        case .batch(let b): return b.id
        case .group(let jobs): return "all(\(jobs.count) jobs)"
        }
    }

    /// Waits, then the result: Counts or a Float; a List for a batch or a group.
    func await(session: Session) throws -> Value {
        try book.wait(batches, label: "job \(id)", session: session)
        return try value()
    }

    private func value() throws -> Value {
        switch shape {
        case .task(let b, let i): return try b.value(i, label: id)
        case .batch(let b): return .list(ListRef(try (0..<b.taskCount).map { try b.value($0, label: "\(b.id)#\($0)") }))
        case .group(let jobs): return .list(ListRef(try jobs.map { try $0.value() }))
        }
    }

    var state: JobState {
        let states = batches.map(\.report.state)
        for s in [JobState.failed, .lost, .stopped, .running, .pending] where states.contains(s) { return s }
        return .succeeded
    }

    public var typeName: String { "Job" }
    public var text: String {
        for b in batches { b.refreshIfOpen() }
        return "<Job \(id): \(state.rawValue) on \(batches.first?.backend.location ?? "local")>"
    }

    public func member(_ name: String, context: CallContext) throws -> Value? {
        try book.submitPending()
        for b in batches { b.refreshIfOpen() }
        switch name {
        case "id": return .string(id)
        case "state": return .string(state.rawValue)
        case "where": return .string(batches.first?.backend.location ?? "local")
        case "elapsed": return .float(((batches.map(\.elapsed).max() ?? 0) * 100).rounded() / 100)
        case "done": return .bool(state.isFinal)
        case "cancel":
            return .builtin(Builtin("cancel", "job.cancel()", "Stops the job (on a cluster, the whole batch it was sent with).") { _ in
                for b in self.batches where !b.report.state.isFinal { try b.backend.cancel(b.id) }
                return .none
            })
        default: return nil
        }
    }
    public var memberNames: [String] { ["id", "state", "where", "elapsed", "done", "cancel"] }
}
