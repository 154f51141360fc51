import CTLS

/// A zip archive with stored (uncompressed) entries: what Ray's package API takes. Stored keeps
/// this to a page; the worker binary is the bulk of a package and is uploaded once per build.
public struct ZipArchive {
    public struct Entry {
        public var path: String
        public var bytes: [UInt8]
        public var executable: Bool
        public init(path: String, bytes: [UInt8], executable: Bool = false) { self.path = path; self.bytes = bytes; self.executable = executable }
    }

    public static func build(_ entries: [Entry]) -> [UInt8] {
        var out: [UInt8] = [], central: [UInt8] = []
        for e in entries {
            let name = Array(e.path.utf8), crc = crc32(e.bytes), offset = out.count
            // Local header; the fixed DOS date (1980-01-01) keeps the archive's hash stable.
            out.le32(0x0403_4b50); out.le16(20); out.le16(0x0800); out.le16(0)
            out.le16(0); out.le16(0x21)
            out.le32(crc); out.le32(UInt32(e.bytes.count)); out.le32(UInt32(e.bytes.count))
            out.le16(UInt16(name.count)); out.le16(0)
            out += name; out += e.bytes
            central.le32(0x0201_4b50); central.le16(0x031e); central.le16(20); central.le16(0x0800); central.le16(0)
            central.le16(0); central.le16(0x21)
            central.le32(crc); central.le32(UInt32(e.bytes.count)); central.le32(UInt32(e.bytes.count))
            central.le16(UInt16(name.count)); central.le16(0); central.le16(0); central.le16(0); central.le16(0)
            // Unix permissions in the high half: 0755 for the worker binary, 0644 otherwise.
            central.le32(UInt32(0o100000 | (e.executable ? 0o755 : 0o644)) << 16)
            central.le32(UInt32(offset))
            central += name
        }
        let centralOffset = out.count
        out += central
        out.le32(0x0605_4b50); out.le16(0); out.le16(0)
        out.le16(UInt16(entries.count)); out.le16(UInt16(entries.count))
        out.le32(UInt32(central.count)); out.le32(UInt32(centralOffset)); out.le16(0)
        return out
    }

    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    /// SHA-256 as hex: packages are named by their content, so an unchanged one is not sent again.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = bytes.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, &digest, &length, EVP_sha256(), nil) }
        return digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

extension Array where Element == UInt8 {
    mutating func le16(_ v: UInt16) { append(UInt8(v & 0xFF)); append(UInt8(v >> 8)) }
    mutating func le32(_ v: UInt32) { for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((v >> UInt32(shift)) & 0xFF)) } }
}
