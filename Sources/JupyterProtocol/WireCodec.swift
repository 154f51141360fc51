import CCrypto
import Support

/// The Jupyter wire format: routing identities, the `<IDS|MSG>` delimiter, an HMAC-SHA256
/// signature over header, parent header, metadata and content, those four JSON frames, buffers.
public struct WireCodec: Sendable {
    public static let delimiter = Array("<IDS|MSG>".utf8)
    let key: [UInt8]

    public init(key: String) { self.key = Array(key.utf8) }

    public var isSigned: Bool { !key.isEmpty }

    public enum DecodeError: Error, CustomStringConvertible, Equatable {
        case noDelimiter, missingFrames(Int), badSignature, missingSignature, malformedJSON(String), badHeader(String)
        public var description: String {
            switch self {
            case .noDelimiter: return "no <IDS|MSG> delimiter"
            case .missingFrames(let n): return "only \(n) frames after the delimiter (need signature + 4)"
            case .badSignature: return "wrong HMAC signature"
            case .missingSignature: return "missing HMAC signature"
            case .malformedJSON(let part): return "malformed JSON in \(part)"
            case .badHeader(let why): return "bad header: \(why)"
            }
        }
    }

    /// Hex HMAC-SHA256 of the parts, in order.
    public func sign(_ parts: [[UInt8]]) -> [UInt8] {
        guard isSigned else { return [] }
        var data: [UInt8] = []
        for p in parts { data += p }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBufferPointer { k in
            data.withUnsafeBufferPointer { d in
                _ = HMAC(EVP_sha256(), k.baseAddress, Int32(key.count), d.baseAddress, d.count, &digest, &length)
            }
        }
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in digest[0..<Int(length)] { out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)]) }
        return out
    }

    /// Equal-length comparison whose time does not depend on where the inputs differ.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, a.count) == 0 } }
    }

    public func encode(_ message: Message) -> [[UInt8]] {
        let parts = [JSON.object(message.header).bytes, JSON.object(message.parentHeader).bytes,
                     JSON.object(message.metadata).bytes, JSON.object(message.content).bytes]
        return message.identities + [WireCodec.delimiter, sign(parts)] + parts + message.buffers
    }

    public func decode(_ frames: [[UInt8]]) throws -> Message {
        guard let d = frames.firstIndex(of: WireCodec.delimiter) else { throw DecodeError.noDelimiter }
        let rest = frames.count - d - 1
        guard rest >= 5 else { throw DecodeError.missingFrames(rest) }
        let signature = frames[d + 1]
        let parts = Array(frames[(d + 2)..<(d + 6)])
        if isSigned {
            guard !signature.isEmpty else { throw DecodeError.missingSignature }
            guard WireCodec.constantTimeEqual(signature, sign(parts)) else { throw DecodeError.badSignature }
        }
        let names = ["header", "parent_header", "metadata", "content"]
        var objects: [JSONObject] = []
        for (name, bytes) in zip(names, parts) {
            guard let value = try? JSON.parse(bytes), case .object(let o) = value else { throw DecodeError.malformedJSON(name) }
            objects.append(o)
        }
        guard case .string(let type)? = objects[0]["msg_type"], !type.isEmpty else { throw DecodeError.badHeader("no msg_type") }
        guard case .string? = objects[0]["msg_id"] else { throw DecodeError.badHeader("no msg_id") }
        return Message(identities: Array(frames[..<d]), header: objects[0], parentHeader: objects[1],
                       metadata: objects[2], content: objects[3], buffers: Array(frames[(d + 6)...]))
    }
}
