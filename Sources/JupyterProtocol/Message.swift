import Glibc
import Support

/// One Jupyter message.
public struct Message: Sendable {
    public static let protocolVersion = "5.4"

    public var identities: [[UInt8]]
    public var header: JSONObject
    public var parentHeader: JSONObject
    public var metadata: JSONObject
    public var content: JSONObject
    public var buffers: [[UInt8]]

    public init(identities: [[UInt8]] = [], header: JSONObject, parentHeader: JSONObject = [:], metadata: JSONObject = [:],
                content: JSONObject, buffers: [[UInt8]] = []) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = metadata
        self.content = content
        self.buffers = buffers
    }

    public var type: String { header["msg_type"]?.string ?? "" }
    public var id: String { header["msg_id"]?.string ?? "" }

    /// A new message, as a reply to or an output of `parent` when one is given.
    public static func make(_ type: String, _ content: JSONObject, parent: Message?, session: String,
                            identities: [[UInt8]]? = nil, metadata: JSONObject = [:]) -> Message {
        let header: JSONObject = [
            "msg_id": .string(newID()), "session": .string(session), "username": .string("synq"),
            "date": .string(isoNow()), "msg_type": .string(type), "version": .string(protocolVersion),
        ]
        return Message(identities: identities ?? parent?.identities ?? [], header: header,
                       parentHeader: parent?.header ?? [:], metadata: metadata, content: content)
    }

    /// A random UUID-4 string, from a generator seeded once from the system's entropy (asking
    /// the system for every byte would cost a system call each).
    public static func newID() -> String {
        let (high, low) = IDGenerator.shared.next128()
        var bytes = (0..<8).map { UInt8((high >> (8 * UInt64($0))) & 0xFF) } + (0..<8).map { UInt8((low >> (8 * UInt64($0))) & 0xFF) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String($0, radix: 16).leftPadded(2) }
        return hex[0..<4].joined() + "-" + hex[4..<6].joined() + "-" + hex[6..<8].joined() + "-" + hex[8..<10].joined() + "-" + hex[10..<16].joined()
    }

    /// The current UTC time as ISO 8601 with microseconds.
    public static func isoNow() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = ts.tv_sec
        var parts = tm()
        gmtime_r(&t, &parts)
        func d(_ v: Int32, _ width: Int) -> String { String(v).leftPadded(width) }
        return "\(d(parts.tm_year + 1900, 4))-\(d(parts.tm_mon + 1, 2))-\(d(parts.tm_mday, 2))T\(d(parts.tm_hour, 2)):\(d(parts.tm_min, 2)):\(d(parts.tm_sec, 2)).\(String(ts.tv_nsec / 1000).leftPadded(6))Z"
    }
}

/// Random bits for message ids, shared by the kernel's threads under a lock.
final class IDGenerator: @unchecked Sendable {
    static let shared = IDGenerator()
    private var lock = pthread_mutex_t()
    private var state: (UInt64, UInt64)

    private init() {
        pthread_mutex_init(&lock, nil)
        var g = SystemRandomNumberGenerator()
        state = (g.next(), g.next() | 1)
    }

    /// 128 bits from a xorshift128+ stream.
    func next128() -> (UInt64, UInt64) {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        func step() -> UInt64 {
            var s1 = state.0
            let s0 = state.1
            state.0 = s0
            s1 ^= s1 << 23
            state.1 = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26)
            return state.1 &+ s0
        }
        return (step(), step())
    }
}

extension String {
    func leftPadded(_ width: Int, with fill: Character = "0") -> String {
        String(repeating: fill, count: max(0, width - count)) + self
    }
}
