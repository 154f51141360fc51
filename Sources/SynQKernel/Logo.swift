import Glibc

/// The kernel's logo, drawn in code: a Bloch-sphere ring with a state arrow on a rounded
/// violet tile. Written as PNG (stored deflate blocks, so no compression library is needed).
enum Logo {
    static let svg = """
    <svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#5b3fa8"/><circle cx="32" cy="32" r="20" fill="none" stroke="#ffffff" stroke-width="4"/><ellipse cx="32" cy="32" rx="20" ry="7" fill="none" stroke="#ffffff" stroke-opacity="0.55" stroke-width="2.5"/><line x1="32" y1="32" x2="44" y2="18" stroke="#f5c542" stroke-width="4" stroke-linecap="round"/><circle cx="32" cy="32" r="3.5" fill="#f5c542"/></svg>
    """

    /// RGBA pixels of the logo at `size` x `size`, antialiased by 4x4 supersampling.
    static func pixels(size: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size * size * 4)
        let scale = 64.0 / Double(size)
        for py in 0..<size {
            for px in 0..<size {
                var r = 0.0, g = 0.0, b = 0.0, a = 0.0
                for sy in 0..<4 {
                    for sx in 0..<4 {
                        let x = (Double(px) + (Double(sx) + 0.5) / 4) * scale
                        let y = (Double(py) + (Double(sy) + 0.5) / 4) * scale
                        let c = color(x, y)
                        r += c.0 * c.3; g += c.1 * c.3; b += c.2 * c.3; a += c.3
                    }
                }
                let i = (py * size + px) * 4
                if a > 0 {
                    out[i] = UInt8(min(255, r / a * 255)); out[i + 1] = UInt8(min(255, g / a * 255)); out[i + 2] = UInt8(min(255, b / a * 255))
                }
                out[i + 3] = UInt8(min(255, a / 16 * 255))
            }
        }
        return out
    }

    /// The colour (r, g, b in 0...1, alpha) at a point of the 64x64 design.
    static func color(_ x: Double, _ y: Double) -> (Double, Double, Double, Double) {
        let cx = min(max(x, 14), 50), cy = min(max(y, 14), 50)
        guard hypot(x - cx, y - cy) <= 14 else { return (0, 0, 0, 0) }
        let d = hypot(x - 32, y - 32)
        let gold = (0.96, 0.77, 0.26, 1.0)
        if d <= 3.5 { return gold }
        let t = ((x - 32) * 12 + (y - 32) * -14) / (12 * 12 + 14 * 14)
        if t >= 0 && t <= 1 && hypot(x - 32 - 12 * t, y - 32 + 14 * t) <= 2 { return gold }
        if abs(d - 20) <= 2 { return (1, 1, 1, 1) }
        let e = ((x - 32) / 20) * ((x - 32) / 20) + ((y - 32) / 7) * ((y - 32) / 7)
        if abs(e.squareRoot() - 1) <= 0.09 && abs(x - 32) <= 20 { return (0.78, 0.72, 0.9, 1) }
        return (0.36, 0.25, 0.66, 1)
    }

    static func png(size: Int) -> [UInt8] {
        let rgba = pixels(size: size)
        var raw: [UInt8] = []
        for row in 0..<size {
            raw.append(0)
            raw += rgba[(row * size * 4)..<((row + 1) * size * 4)]
        }
        var out: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]
        func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 255), UInt8((v >> 8) & 255), UInt8(v & 255)] }
        func chunk(_ type: String, _ data: [UInt8]) {
            let body = Array(type.utf8) + data
            out += be32(UInt32(data.count)) + body + be32(crc32(body))
        }
        chunk("IHDR", be32(UInt32(size)) + be32(UInt32(size)) + [8, 6, 0, 0, 0])
        chunk("IDAT", zlibStored(raw))
        chunk("IEND", [])
        return out
    }

    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65535, data.count - offset)
            let final: UInt8 = offset + n == data.count ? 1 : 0
            out += [final, UInt8(n & 255), UInt8(n >> 8), UInt8(~n & 255), UInt8((~n >> 8) & 255)]
            out += data[offset..<offset + n]
            offset += n
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        let adler = (b << 16) | a
        return out + [UInt8(adler >> 24), UInt8((adler >> 16) & 255), UInt8((adler >> 8) & 255), UInt8(adler & 255)]
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
