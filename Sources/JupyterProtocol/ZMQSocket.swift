import CZeroMQ
import Glibc

/// A thin owner of one libzmq socket. ZeroMQ sockets are not thread-safe: each is used by
/// exactly one thread of the kernel server.
public final class ZMQSocket {
    public enum Kind { case router, xpub, rep, dealer, sub, req }

    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    static let context: UnsafeMutableRawPointer = zmq_ctx_new()

    let raw: UnsafeMutableRawPointer

    public init(_ kind: Kind) throws {
        let type: Int32
        switch kind {
        case .router: type = ZMQ_ROUTER
        case .xpub: type = ZMQ_XPUB
        case .rep: type = ZMQ_REP
        case .dealer: type = ZMQ_DEALER
        case .sub: type = ZMQ_SUB
        case .req: type = ZMQ_REQ
        }
        guard let socket = zmq_socket(ZMQSocket.context, type) else { throw ZMQSocket.lastError("zmq_socket") }
        raw = socket
        setOption(ZMQ_LINGER, Int32(1000))
    }

    deinit { zmq_close(raw) }

    static func lastError(_ what: String) -> Failure {
        Failure(message: "\(what): \(String(cString: zmq_strerror(zmq_errno())))")
    }

    public func setOption(_ option: Int32, _ value: Int32) {
        var v = value
        zmq_setsockopt(raw, option, &v, MemoryLayout<Int32>.size)
    }

    public func setOption(_ option: Int32, _ value: Int64) {
        var v = value
        zmq_setsockopt(raw, option, &v, MemoryLayout<Int64>.size)
    }

    public func setOption(_ option: Int32, bytes: [UInt8]) {
        _ = bytes.withUnsafeBufferPointer { zmq_setsockopt(raw, option, $0.baseAddress, bytes.count) }
    }

    public func bind(_ endpoint: String) throws {
        guard zmq_bind(raw, endpoint) == 0 else { throw ZMQSocket.lastError("bind \(endpoint)") }
    }

    public func connect(_ endpoint: String) throws {
        guard zmq_connect(raw, endpoint) == 0 else { throw ZMQSocket.lastError("connect \(endpoint)") }
    }

    /// Sends a multipart message. Retries when a signal interrupts the call.
    public func send(_ frames: [[UInt8]]) throws {
        for (i, frame) in frames.enumerated() {
            let flags: Int32 = i < frames.count - 1 ? ZMQ_SNDMORE : 0
            while true {
                let rc = frame.withUnsafeBufferPointer { zmq_send(raw, $0.baseAddress, frame.count, flags) }
                if rc >= 0 { break }
                if zmq_errno() == EINTR { continue }
                throw ZMQSocket.lastError("send")
            }
        }
    }

    /// Receives one multipart message; nil when nothing arrives within `timeoutMs` (-1 waits).
    public func receive(timeoutMs: Int = -1) throws -> [[UInt8]]? {
        if timeoutMs >= 0, !(try poll(timeoutMs: timeoutMs)) { return nil }
        var frames: [[UInt8]] = []
        var msg = zmq_msg_t()
        while true {
            zmq_msg_init(&msg)
            defer { zmq_msg_close(&msg) }
            var rc: Int32
            repeat { rc = zmq_msg_recv(&msg, raw, 0) } while rc < 0 && zmq_errno() == EINTR
            if rc < 0 { throw ZMQSocket.lastError("receive") }
            let size = zmq_msg_size(&msg)
            let data = zmq_msg_data(&msg)!.assumingMemoryBound(to: UInt8.self)
            frames.append(Array(UnsafeBufferPointer(start: data, count: size)))
            if zmq_msg_more(&msg) == 0 { break }
        }
        return frames
    }

    /// Whether a message is ready within the timeout.
    public func poll(timeoutMs: Int) throws -> Bool {
        var item = zmq_pollitem_t(socket: raw, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        let rc = zmq_poll(&item, 1, timeoutMs)
        if rc < 0 {
            if zmq_errno() == EINTR { return false }
            throw ZMQSocket.lastError("poll")
        }
        return rc > 0
    }

    /// Waits until this socket or the file descriptor `fd` is readable (or the timeout).
    func poll(alsoFD fd: Int32, timeoutMs: Int) -> (socket: Bool, fd: Bool) {
        var items = [zmq_pollitem_t(socket: raw, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0),
                     zmq_pollitem_t(socket: nil, fd: fd, events: Int16(ZMQ_POLLIN), revents: 0)]
        let rc = zmq_poll(&items, 2, timeoutMs)
        if rc <= 0 { return (false, false) }
        return (items[0].revents & Int16(ZMQ_POLLIN) != 0, items[1].revents & Int16(ZMQ_POLLIN) != 0)
    }

    /// The port an ephemeral tcp bind chose.
    public var lastEndpoint: String {
        var buffer = [CChar](repeating: 0, count: 256)
        var size = buffer.count
        zmq_getsockopt(raw, ZMQ_LAST_ENDPOINT, &buffer, &size)
        return String(cString: buffer)
    }
}
