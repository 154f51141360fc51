import Support

/// The connection file a front end writes for a kernel: transport, addresses, ports and key.
public struct ConnectionInfo: Sendable {
    public var transport: String
    public var ip: String
    public var shellPort: Int, iopubPort: Int, stdinPort: Int, controlPort: Int, hbPort: Int
    public var key: String
    public var signatureScheme: String

    public init(json: JSON) throws {
        func port(_ name: String) throws -> Int {
            guard let p = json[name]?.int else { throw ConfigurationError("the connection file has no \(name)") }
            return p
        }
        transport = json["transport"]?.string ?? "tcp"
        ip = json["ip"]?.string ?? "127.0.0.1"
        shellPort = try port("shell_port")
        iopubPort = try port("iopub_port")
        stdinPort = try port("stdin_port")
        controlPort = try port("control_port")
        hbPort = try port("hb_port")
        key = json["key"]?.string ?? ""
        signatureScheme = json["signature_scheme"]?.string ?? "hmac-sha256"
        guard transport == "tcp" || transport == "ipc" else { throw ConfigurationError("unknown transport \(transport)") }
        guard key.isEmpty || signatureScheme == "hmac-sha256" else {
            throw ConfigurationError("unsupported signature scheme \(signatureScheme); SynQ signs with hmac-sha256")
        }
    }

    /// The ZeroMQ endpoint of a channel: `tcp://ip:port`, or `ipc://ip-port` for the ipc transport.
    public func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port)"
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
