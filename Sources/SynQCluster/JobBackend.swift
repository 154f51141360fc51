import QuantumKit
import Support
import Synchronization
import Glibc

/// Where a job runs: this process (LocalBackend) or a Ray cluster (RayBackend). Both take the
/// same JobSpec, so `async run` behaves the same with or without a cluster.
public protocol JobBackend: AnyObject, Sendable {
    /// "local", or the cluster's address, for progress lines and `jobs()`.
    var location: String { get }
    /// Starts the job under a caller-chosen id and returns at once.
    func submit(_ spec: JobSpec, id: String, metadata: [(String, String)]) throws
    /// The job's state; with results once it succeeded.
    func report(_ id: String) throws -> JobReport
    func cancel(_ id: String) throws
}

public enum JobState: String, Sendable {
    case pending = "PENDING", running = "RUNNING", succeeded = "SUCCEEDED", failed = "FAILED", stopped = "STOPPED", lost = "LOST"

    public var isFinal: Bool { self != .pending && self != .running }
}

public struct JobReport: Sendable {
    public var state: JobState
    public var results: [TaskResult]?
    /// Why a job failed (the worker's error), or the cluster's own status message.
    public var message: String?
    /// The last lines of the job's log, when the job failed on a cluster.
    public var logTail: String?

    public init(state: JobState, results: [TaskResult]? = nil, message: String? = nil, logTail: String? = nil) {
        self.state = state; self.results = results; self.message = message; self.logTail = logTail
    }
}

/// Runs jobs on a background thread of this process, one task after another; the simulator
/// itself uses the cores for large states.
public final class LocalBackend: JobBackend {
    public let location = "local"

    final class LocalJob: Sendable {
        let cancellation = CancellationFlag()
        let report = Mutex(JobReport(state: .pending))
    }
    private let jobs = Mutex<[String: LocalJob]>([:])

    public init() {}

    public func submit(_ spec: JobSpec, id: String, metadata: [(String, String)]) throws {
        let job = LocalJob()
        try jobs.withLock { table in
            guard table[id] == nil else { throw ClusterError("C011", "a job with id \(id) already exists") }
            table[id] = job
        }
        let thread = Threads.start(stackSize: 1 << 24) {
            job.report.withLock { $0.state = .running }
            let outcome: JobReport
            do {
                var results: [TaskResult] = []
                for task in spec.tasks {
                    try job.cancellation.check()
                    results.append(try task.execute(cancellation: job.cancellation))
                }
                outcome = JobReport(state: .succeeded, results: results)
            } catch is Cancelled {
                outcome = JobReport(state: .stopped, message: "cancelled")
            } catch let e as SimulationError {
                outcome = JobReport(state: .failed, message: "error[SYNQ-\(e.code)]: \(e.message)")
            } catch {
                outcome = JobReport(state: .failed, message: "\(error)")
            }
            job.report.withLock { $0 = outcome }
        }
        pthread_detach(thread)
    }

    public func report(_ id: String) throws -> JobReport {
        guard let job = jobs.withLock({ $0[id] }) else { throw LocalBackend.unknown(id) }
        return job.report.withLock { $0 }
    }

    public func cancel(_ id: String) throws {
        guard let job = jobs.withLock({ $0[id] }) else { throw LocalBackend.unknown(id) }
        job.cancellation.cancel()
    }

    static func unknown(_ id: String) -> ClusterError {
        ClusterError("C006", "job \(id) is not known here",
                     help: "a job that ran on this machine ends with its kernel; only cluster jobs can be reattached after a restart")
    }
}
