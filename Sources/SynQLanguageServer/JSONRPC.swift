import Glibc
import Support

/// LSP's base protocol: JSON-RPC messages framed by a `Content-Length` header, read from and
/// written to file descriptors (standard input and output for `synq lsp`).
public final class JSONRPCConnection {
    public enum ReadResult {
        case message(JSON)
        /// A frame whose body is not JSON: answered with a parse error, the stream goes on.
        case malformed(String)
        case closed
    }

    let input: Int32
    let output: Int32
    private var buffer: [UInt8] = []
    private var position = 0

    public init(input: Int32, output: Int32) {
        self.input = input
        self.output = output
    }

    public func read() -> ReadResult {
        var contentLength: Int? = nil
        while true {
            guard let line = readHeaderLine() else { return .closed }
            if line.isEmpty {
                if contentLength != nil { break }
                continue
            }
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                contentLength = Int(String(parts[1]).trimmingCharacters())
            }
        }
        guard let length = contentLength, length >= 0, let body = readBytes(length) else { return .closed }
        do { return .message(try JSON.parse(body)) } catch { return .malformed("\(error)") }
    }

    public func send(_ message: JSON) {
        let body = message.bytes
        var frame = Array("Content-Length: \(body.count)\r\n\r\n".utf8)
        frame += body
        var offset = 0
        while offset < frame.count {
            let n = frame[offset...].withUnsafeBytes { Glibc.write(output, $0.baseAddress, $0.count) }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return
            }
            offset += n
        }
    }

    private func fill() -> Bool {
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = Glibc.read(input, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            buffer += chunk[0..<n]
            return true
        }
    }

    private func readHeaderLine() -> String? {
        while true {
            if let newline = buffer[position...].firstIndex(of: 10) {
                var end = newline
                if end > position && buffer[end - 1] == 13 { end -= 1 }
                let line = String(decoding: buffer[position..<end], as: UTF8.self)
                position = newline + 1
                return line
            }
            guard fill() else { return nil }
        }
    }

    private func readBytes(_ count: Int) -> [UInt8]? {
        while buffer.count - position < count {
            guard fill() else { return nil }
        }
        let bytes = Array(buffer[position..<position + count])
        position += count
        return bytes
    }
}
