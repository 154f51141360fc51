import CTLS
import Glibc
import Support

/// A small HTTP/1.1 client: one connection per request (`Connection: close`), http or https
/// (OpenSSL, the system's CA store or SSL_CERT_FILE, the host name checked). Enough for a REST
/// API; nothing here knows about Ray.
public struct HTTPClient: Sendable {
    public struct Address: Equatable, Sendable {
        public var secure: Bool
        public var host: String
        public var port: Int
        /// A path prefix from the URL (a dashboard behind a proxy at /ray), without the last '/'.
        public var basePath: String

        /// Parses http://host[:port][/path] and https://...
        public init(_ url: String) throws {
            let secure: Bool
            var rest: Substring
            if url.hasPrefix("http://") { secure = false; rest = url.dropFirst(7) } else if url.hasPrefix("https://") { secure = true; rest = url.dropFirst(8) } else {
                throw ClusterError("C001", "'\(url)' is not an http:// or https:// address")
            }
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            var path = String(rest[slash...])
            rest = rest[..<slash]
            while path.hasSuffix("/") { path.removeLast() }
            var host = String(rest), port = secure ? 443 : 80
            if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
                guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else {
                    throw ClusterError("C001", "'\(url)' has a bad port")
                }
                host = String(rest[..<colon]); port = p
            }
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { throw ClusterError("C001", "'\(url)' names no host") }
            self.secure = secure; self.host = host; self.port = port; self.basePath = path
        }

        public var text: String {
            let h = host.contains(":") ? "[\(host)]" : host
            return "\(secure ? "https" : "http")://\(h):\(port)\(basePath)"
        }
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// The request never reached the server, or the answer was cut off.
    public struct TransportError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public let address: Address
    public var timeout: Double

    public init(_ address: Address, timeout: Double = 10) { self.address = address; self.timeout = timeout }

    public func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []) throws -> Response {
        let connection = try Connection(address, timeout: timeout)
        defer { connection.close() }
        var head = "\(method) \(address.basePath)\(path) HTTP/1.1\r\nHost: \(address.host):\(address.port)\r\nConnection: close\r\n"
        head += "Content-Length: \(body.count)\r\nUser-Agent: synq\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        try connection.write(Array((head + "\r\n").utf8) + body)
        return try HTTPClient.parse(try connection.readToEnd())
    }

    static func parse(_ raw: [UInt8]) throws -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = raw.firstRange(of: separator) else { throw TransportError(description: "the server's answer ended before its headers did") }
        let lines = String(decoding: raw[..<end.lowerBound], as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/"), let status = Int(statusParts[1]) else {
            throw TransportError(description: "not an HTTP answer")
        }
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), String(line[line.index(after: colon)...]).trimmingCharacters())
        }
        var body = Array(raw[end.upperBound...])
        if headers.contains(where: { $0.0 == "transfer-encoding" && $0.1.lowercased().contains("chunked") }) {
            body = try dechunk(body)
        } else if let length = headers.first(where: { $0.0 == "content-length" }).flatMap({ Int($0.1) }) {
            guard body.count >= length else { throw TransportError(description: "the answer was cut off (\(body.count) of \(length) bytes)") }
            body = Array(body[..<length])
        }
        return Response(status: status, headers: headers, body: body)
    }

    static func dechunk(_ data: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = [], i = 0
        while true {
            guard let lineEnd = data[i...].firstRange(of: [13, 10]) else { throw TransportError(description: "a chunked answer was cut off") }
            let sizeText = String(decoding: data[i..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(String(sizeText).trimmingCharacters(), radix: 16) else { throw TransportError(description: "a bad chunk size") }
            i = lineEnd.upperBound
            if size == 0 { return out }
            guard i + size <= data.count else { throw TransportError(description: "a chunked answer was cut off") }
            out += data[i..<i + size]
            i += size + 2
        }
    }
}

/// A TCP connection, wrapped in TLS for https.
final class Connection {
    private var fd: Int32 = -1
    private var tls: OpaquePointer?
    private var context: OpaquePointer?

    init(_ address: HTTPClient.Address, timeout: Double) throws {
        fd = try Connection.connect(address.host, address.port, timeout: timeout)
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        if address.secure { try startTLS(host: address.host) }
    }

    private static func connect(_ host: String, _ port: Int, timeout: Double) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw HTTPClient.TransportError(description: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let a = entry {
            entry = a.pointee.ai_next
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
            if fd < 0 { continue }
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            if Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 || errno == EINPROGRESS {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&p, 1, Int32(timeout * 1000)) == 1 {
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                    if error == 0 {
                        _ = fcntl(fd, F_SETFL, flags)
                        return fd
                    }
                    lastError = String(cString: strerror(error))
                } else {
                    lastError = "no answer within \(Int(timeout)) s"
                }
            } else {
                lastError = String(cString: strerror(errno))
            }
            Glibc.close(fd)
        }
        throw HTTPClient.TransportError(description: "cannot connect to \(host):\(port): \(lastError)")
    }

    private func startTLS(host: String) throws {
        guard let ctx = SSL_CTX_new(TLS_client_method()) else { throw tlsError("cannot set up TLS") }
        context = ctx
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        SSL_CTX_set_default_verify_paths(ctx)
        guard let ssl = SSL_new(ctx) else { throw tlsError("cannot set up TLS") }
        tls = ssl
        _ = synq_tls_set_server_name(ssl, host)
        SSL_set1_host(ssl, host)
        SSL_set_fd(ssl, fd)
        guard SSL_connect(ssl) == 1 else {
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK {
                throw HTTPClient.TransportError(description: "TLS: the certificate of \(host) is not trusted (\(String(cString: X509_verify_cert_error_string(verify))))")
            }
            throw tlsError("TLS handshake with \(host) failed")
        }
    }

    private func tlsError(_ what: String) -> HTTPClient.TransportError {
        let code = ERR_get_error()
        guard code != 0 else { return HTTPClient.TransportError(description: what) }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return HTTPClient.TransportError(description: "\(what): \(String(cString: buffer))")
    }

    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { raw -> Int in
                if let tls { return Int(SSL_write(tls, raw.baseAddress, Int32(min(raw.count, Int(Int32.max))))) }
                return send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 {
                if tls == nil && errno == EINTR { continue }
                throw HTTPClient.TransportError(description: "the connection broke while sending")
            }
            offset += n
        }
    }

    func readToEnd() throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                if let tls { return Int(SSL_read(tls, raw.baseAddress, Int32(raw.count))) }
                return recv(fd, raw.baseAddress, raw.count, 0)
            }
            if n > 0 { out += buffer[..<n]; continue }
            if n == 0 || tls != nil { return out }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw HTTPClient.TransportError(description: "no answer within the time limit") }
            throw HTTPClient.TransportError(description: "the connection broke: \(String(cString: strerror(errno)))")
        }
    }

    func close() {
        if let tls { SSL_shutdown(tls); SSL_free(tls) }
        if let context { SSL_CTX_free(context) }
        if fd >= 0 { Glibc.close(fd) }
        tls = nil; context = nil; fd = -1
    }
}
