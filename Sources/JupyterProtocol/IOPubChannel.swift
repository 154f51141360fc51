import CZeroMQ
import Glibc
import Support

/// The IOPub publisher. One thread owns the XPUB socket; other threads queue messages. Stream
/// text is coalesced: appended to the last queued stream message of the same name and parent,
/// which goes out when something else is queued after it, after 100 ms, past 64 KiB, or on flush.
final class IOPubChannel {
    private let socket: ZMQSocket
    private let codec: WireCodec
    private let session: String
    private var lock = pthread_mutex_t()
    private var queue: [Entry] = []
    private var wakeRead: Int32 = -1, wakeWrite: Int32 = -1
    private var stopping = false
    static let streamAge = 0.1
    static let streamSize = 1 << 16

    struct Entry {
        var message: Message
        /// For stream entries: the text so far, the stream name, and when the entry began.
        var streamText: String?
        var streamName = ""
        var started = 0.0
        var sendable = true
    }

    init(socket: ZMQSocket, codec: WireCodec, session: String) {
        self.socket = socket
        self.codec = codec
        self.session = session
        pthread_mutex_init(&lock, nil)
        var fds: [Int32] = [0, 0]
        pipe(&fds)
        wakeRead = fds[0]
        wakeWrite = fds[1]
        _ = fcntl(wakeRead, F_SETFL, O_NONBLOCK)
        _ = fcntl(wakeWrite, F_SETFL, O_NONBLOCK)
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    private func wake() {
        var b: UInt8 = 1
        _ = write(wakeWrite, &b, 1)
    }

    func publish(_ message: Message) {
        pthread_mutex_lock(&lock)
        if let last = queue.indices.last { queue[last].sendable = true }
        queue.append(Entry(message: message))
        pthread_mutex_unlock(&lock)
        wake()
    }

    func stream(_ name: String, _ text: String, parent: Message) {
        pthread_mutex_lock(&lock)
        let parentID = parent.id
        if let last = queue.indices.last, let existing = queue[last].streamText, queue[last].streamName == name,
           !queue[last].sendable, queue[last].message.parentHeader["msg_id"]?.string == parentID {
            queue[last].streamText = existing + text
            let full = queue[last].streamText!.utf8.count >= IOPubChannel.streamSize
            if full { queue[last].sendable = true }
            pthread_mutex_unlock(&lock)
            if full { wake() }
            return
        }
        if let last = queue.indices.last { queue[last].sendable = true }
        let message = Message.make("stream", [:], parent: parent, session: session, identities: [Array("stream.\(name)".utf8)])
        let wasEmpty = queue.isEmpty
        queue.append(Entry(message: message, streamText: text, streamName: name, started: IOPubChannel.now(), sendable: false))
        pthread_mutex_unlock(&lock)
        if wasEmpty { wake() }
    }

    /// Marks everything queued as ready to go now.
    func flush() {
        pthread_mutex_lock(&lock)
        if let last = queue.indices.last { queue[last].sendable = true }
        pthread_mutex_unlock(&lock)
        wake()
    }

    /// Waits (up to `timeout` seconds) until the queue is empty, e.g. before the process exits.
    func drain(timeout: Double) {
        flush()
        let deadline = IOPubChannel.now() + timeout
        while IOPubChannel.now() < deadline {
            pthread_mutex_lock(&lock)
            let empty = queue.isEmpty
            pthread_mutex_unlock(&lock)
            if empty { return }
            usleep(2000)
        }
    }

    /// The owner thread's loop: welcome new subscribers, send what is ready.
    func run() {
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            pthread_mutex_lock(&lock)
            var timeout = -1
            if let first = queue.first, !first.sendable {
                timeout = max(1, Int((first.started + IOPubChannel.streamAge - IOPubChannel.now()) * 1000))
            }
            pthread_mutex_unlock(&lock)
            let ready = socket.poll(alsoFD: wakeRead, timeoutMs: timeout)
            if ready.fd { while read(wakeRead, &buffer, buffer.count) > 0 {} }
            if ready.socket { welcomeNewSubscribers() }
            sendReady()
        }
    }

    /// Takes every (un)subscription that has arrived. The socket is in manual mode, so a
    /// subscription only starts matching once it is set here, and the welcome that follows is
    /// the subscriber's first message whatever else is being published.
    private func welcomeNewSubscribers() {
        while let frames = try? socket.receive(timeoutMs: 0), !frames.isEmpty {
            for frame in frames {
                guard let kind = frame.first, kind <= 1 else { continue }
                let topic = Array(frame.dropFirst())
                guard kind == 1 else { socket.setOption(ZMQ_UNSUBSCRIBE, bytes: topic); continue }
                socket.setOption(ZMQ_SUBSCRIBE, bytes: topic)
                let welcome = Message.make("iopub_welcome", ["subscription": .string(String(decoding: topic, as: UTF8.self))],
                                           parent: nil, session: session, identities: [topic])
                try? socket.send(codec.encode(welcome))
            }
        }
    }

    private func sendReady() {
        while true {
            pthread_mutex_lock(&lock)
            guard var entry = queue.first else { pthread_mutex_unlock(&lock); return }
            let old = entry.streamText != nil && IOPubChannel.now() - entry.started >= IOPubChannel.streamAge
            guard entry.sendable || old else { pthread_mutex_unlock(&lock); return }
            queue.removeFirst()
            pthread_mutex_unlock(&lock)
            if let text = entry.streamText {
                entry.message.content = ["name": .string(entry.streamName), "text": .string(text)]
            }
            if entry.message.identities.isEmpty { entry.message.identities = [Array(entry.message.type.utf8)] }
            do { try socket.send(codec.encode(entry.message)) } catch { log("iopub send failed: \(error)") }
        }
    }
}

/// Diagnostics of the kernel process go to stderr (the front end's log), never to a client.
public func log(_ text: String) {
    fputs("[synq kernel] \(text)\n", stderr)
}
