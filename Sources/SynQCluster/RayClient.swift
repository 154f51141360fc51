import Support

/// Ray's Job Submission REST API (the dashboard's /api/...): the same on a laptop head, under
/// KubeRay and inside a Slurm allocation. A bearer token goes in every request and nowhere else.
public struct RayClient: Sendable {
    public let http: HTTPClient
    let token: String?

    public init(url: String, token: String?, timeout: Double = 10) throws {
        http = HTTPClient(try HTTPClient.Address(url), timeout: timeout)
        let trimmed = token.map { String($0.unicodeScalars.filter { !" \t\r\n".unicodeScalars.contains($0) }) }
        guard trimmed?.unicodeScalars.allSatisfy({ (0x21...0x7e).contains($0.value) }) ?? true else {
            throw ClusterError("C002", "the token has characters that cannot travel in an HTTP header",
                               help: "a Ray token is printable ASCII; check the token file")
        }
        self.token = trimmed.flatMap { $0.isEmpty ? nil : $0 }
    }

    public struct Node: Sendable {
        public var host: String
        public var cpus: Int
    }

    public func rayVersion() throws -> String {
        let json = try call("GET", "/api/version")
        return json["ray_version"]?.string ?? "unknown"
    }

    /// The nodes and their logical CPUs, when the dashboard reports them.
    public func nodes() throws -> [Node] {
        let json = try call("GET", "/nodes?view=summary")
        return (json["data"]?["summary"]?.array ?? []).map { n in
            let cpus = n["cpus"]?.array ?? []
            return Node(host: n["hostname"]?.string ?? n["ip"]?.string ?? "?", cpus: cpus.last?.int ?? 0)
        }
    }

    public func hasPackage(_ name: String) throws -> Bool {
        let response = try send("GET", "/api/packages/gcs/\(name)")
        if response.status == 404 { return false }
        try check(response)
        return true
    }

    public func uploadPackage(_ name: String, _ bytes: [UInt8]) throws {
        try check(try send("PUT", "/api/packages/gcs/\(name)", body: bytes, type: "application/octet-stream"))
    }

    public func submit(entrypoint: String, submissionID: String, runtimeEnv: JSON, metadata: [(String, String)]) throws {
        let body: JSON = .object(["entrypoint": .string(entrypoint), "submission_id": .string(submissionID),
                                  "runtime_env": runtimeEnv, "metadata": .object(JSONObject(metadata.map { ($0.0, .string($0.1)) }))])
        _ = try call("POST", "/api/jobs/", body: body)
    }

    /// The job's record (status, message, metadata), or nil when the cluster does not know the id.
    public func job(_ id: String) throws -> JSON? {
        let response = try send("GET", "/api/jobs/\(id)")
        if response.status == 404 { return nil }
        return try decode(response, "GET /api/jobs/\(id)")
    }

    public func logs(_ id: String) throws -> String {
        try call("GET", "/api/jobs/\(id)/logs")["logs"]?.string ?? ""
    }

    public func stop(_ id: String) throws {
        _ = try call("POST", "/api/jobs/\(id)/stop")
    }

    public func jobs() throws -> [JSON] {
        try call("GET", "/api/jobs/").array ?? []
    }

    func call(_ method: String, _ path: String, body: JSON? = nil) throws -> JSON {
        try decode(try send(method, path, body: body?.bytes ?? [], type: "application/json"), "\(method) \(path)")
    }

    func decode(_ response: HTTPClient.Response, _ request: String) throws -> JSON {
        try check(response)
        do { return try JSON.parse(response.body) } catch {
            throw ClusterError("C008", "the cluster's answer to \(request) is not JSON: \(response.text.prefix(200))")
        }
    }

    func send(_ method: String, _ path: String, body: [UInt8] = [], type: String = "application/json") throws -> HTTPClient.Response {
        var headers = [("Content-Type", type)]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        do {
            return try http.send(method, path, headers: headers, body: body)
        } catch let e as HTTPClient.TransportError {
            throw ClusterError("C003", "cannot reach the cluster at \(http.address.text): \(e.description)")
        }
    }

    func check(_ response: HTTPClient.Response) throws {
        switch response.status {
        case 200..<300: return
        case 401:
            throw ClusterError("C002", "the cluster at \(http.address.text) requires a token (401 Unauthorized)",
                               help: "give Ray's token with %cluster connect ray URL --token-file FILE, or SYNQ_CLUSTER_TOKEN")
        case 403:
            throw ClusterError("C002", "the cluster at \(http.address.text) refused the token (403 Forbidden)",
                               help: "the token does not match the head's RAY_AUTH_TOKEN; `ray get-auth-token` on the head prints it")
        default:
            var detail = String(response.text.trimmingCharacters().prefix(300))
            if let token { detail = detail.replacing(token, with: "[token]") }
            throw ClusterError("C008", "the cluster answered \(response.status): \(detail)")
        }
    }
}
