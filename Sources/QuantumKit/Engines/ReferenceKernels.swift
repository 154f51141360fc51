/// The plain reference kernel: any matrix on any targets, written for clarity, not speed.
/// Tests check every fast kernel against it.
public enum ReferenceKernels {
    public static func apply(_ a: UnsafeMutablePointer<Double>, qubits n: Int, matrix m: [Complex],
                             targets: [Int], cmask: Int, cval: Int) {
        let k = targets.count
        let dim = 1 << k
        let targetMask = targets.reduce(0) { $0 | (1 << $1) }
        var indices = [Int](repeating: 0, count: dim)
        var vector = [Complex](repeating: .zero, count: dim)
        for base in 0..<(1 << n) where base & targetMask == 0 && base & cmask == cval {
            for j in 0..<dim {
                var idx = base
                for (b, t) in targets.enumerated() where j & (1 << b) != 0 { idx |= 1 << t }
                indices[j] = idx
                vector[j] = Complex(a[2 * idx], a[2 * idx + 1])
            }
            for r in 0..<dim {
                var s = Complex.zero
                for c in 0..<dim { s += m[r * dim + c] * vector[c] }
                a[2 * indices[r]] = s.re
                a[2 * indices[r] + 1] = s.im
            }
        }
    }
}
