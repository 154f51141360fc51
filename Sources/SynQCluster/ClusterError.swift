/// A failure talking to a cluster or running a job, with a stable SYNQ-C code.
public struct ClusterError: Error, CustomStringConvertible, Sendable {
    public let code: String
    public let message: String
    public let help: String?

    public init(_ code: String, _ message: String, help: String? = nil) {
        self.code = code; self.message = message; self.help = help
    }

    public var description: String { message }

    static func spec(_ message: String) -> ClusterError { ClusterError("C010", "bad job spec: \(message)") }
}
