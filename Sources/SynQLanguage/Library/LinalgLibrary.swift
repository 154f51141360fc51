import Glibc
import QuantumKit

/// linalg: small dense matrices as Lists of rows, real or complex.
enum LinalgLibrary {
    typealias Matrix = [[Complex]]

    static func matrix(_ v: Value, _ name: String) throws -> Matrix {
        let rows = try Iteration.elements(v)
        let m: Matrix = try rows.map { row in
            try Iteration.elements(row).map { x in
                guard let z = Operators.complexValue(x) else { throw SynQError.type("\(name) must hold numbers, not \(Format.typeName(x))") }
                return z
            }
        }
        guard let width = m.first?.count, m.allSatisfy({ $0.count == width }) else {
            throw SynQError.value("\(name) must be a non-empty list of rows of equal length")
        }
        return m
    }

    static func value(_ z: Complex) -> Value { z.im == 0 ? .float(z.re) : .complex(z) }
    static func value(_ m: Matrix) -> Value { .list(ListRef(m.map { .list(ListRef($0.map(value))) })) }

    static func multiply(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        guard a[0].count == b.count else { throw SynQError.value("matmul: \(a.count)x\(a[0].count) times \(b.count)x\(b[0].count) does not fit") }
        return a.map { row in (0..<b[0].count).map { j in zip(row, b).reduce(Complex.zero) { $0 + $1.0 * $1.1[j] } } }
    }

    /// Eigenvalues (ascending) and eigenvectors (as columns) of a Hermitian matrix, by complex Jacobi rotations.
    static func eigHermitian(_ input: Matrix) throws -> ([Double], Matrix) {
        let n = input.count
        guard input.allSatisfy({ $0.count == n }) else { throw SynQError.value("eig needs a square matrix") }
        for i in 0..<n { for j in 0..<n where !(input[i][j].isClose(input[j][i].conjugate, tolerance: 1e-9)) {
            throw SynQError.value("eig needs a Hermitian (or real symmetric) matrix")
        } }
        var a = input
        var v: Matrix = (0..<n).map { i in (0..<n).map { $0 == i ? Complex.one : .zero } }
        for _ in 0..<100 {
            var off = 0.0
            for i in 0..<n { for j in 0..<n where i != j { off += a[i][j].normSquared } }
            if off < 1e-24 { break }
            for p in 0..<n {
                for q in (p + 1)..<n where a[p][q].normSquared > 1e-30 {
                    let apq = a[p][q]
                    let phase = Complex(apq.re / apq.magnitude, apq.im / apq.magnitude)
                    let theta = 0.5 * atan2(2 * apq.magnitude, a[q][q].re - a[p][p].re)
                    let c = cos(theta), s = sin(theta)
                    // rotation G with G[p][p] = c, G[p][q] = s*phase, G[q][p] = -s*conj(phase), G[q][q] = c; A <- G^H A G
                    for k in 0..<n {
                        let akp = a[k][p], akq = a[k][q]
                        a[k][p] = c * akp - (s * phase.conjugate) * akq
                        a[k][q] = (s * phase) * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p][k], aqk = a[q][k]
                        a[p][k] = c * apk - (s * phase) * aqk
                        a[q][k] = (s * phase.conjugate) * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k][p], vkq = v[k][q]
                        v[k][p] = c * vkp - (s * phase.conjugate) * vkq
                        v[k][q] = (s * phase) * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { a[$0][$0].re < a[$1][$1].re }
        let values = order.map { a[$0][$0].re }
        let vectors: Matrix = (0..<n).map { r in order.map { v[r][$0] } }
        return (values, vectors)
    }

    static let builtins: [Builtin] = [
        Builtin("matrix", "linalg.matrix(rows) -> List", "A matrix as a List of rows, checked to be rectangular and numeric.") { a in
            value(try matrix(try a.argument(0, "rows"), "rows"))
        },
        Builtin("identity", "linalg.identity(n) -> List", "The n x n identity matrix.") { a in
            let n = try a.int(0, "n")
            return value((0..<n).map { i in (0..<n).map { $0 == i ? Complex.one : .zero } })
        },
        Builtin("matmul", "linalg.matmul(a, b) -> List", "The matrix product a·b (b may be a vector: a List of numbers).") { a in
            let left = try matrix(try a.argument(0, "a"), "a")
            let rightValue = try a.argument(1, "b")
            if case .list(let l) = rightValue, let first = l.items.first, Operators.complexValue(first) != nil {
                let column = try matrix(.list(ListRef(l.items.map { .list(ListRef([$0])) })), "b")
                return .list(ListRef(try multiply(left, column).map { value($0[0]) }))
            }
            return value(try multiply(left, try matrix(rightValue, "b")))
        },
        Builtin("transpose", "linalg.transpose(a) -> List", "The transpose.") { a in
            let m = try matrix(try a.argument(0, "a"), "a")
            return value((0..<m[0].count).map { j in m.map { $0[j] } })
        },
        Builtin("dagger", "linalg.dagger(a) -> List", "The conjugate transpose.") { a in
            let m = try matrix(try a.argument(0, "a"), "a")
            return value((0..<m[0].count).map { j in m.map { $0[j].conjugate } })
        },
        Builtin("kron", "linalg.kron(a, b) -> List", "The Kronecker (tensor) product.") { a in
            let x = try matrix(try a.argument(0, "a"), "a"), y = try matrix(try a.argument(1, "b"), "b")
            var out: Matrix = []
            for rx in x { for ry in y { out.append(rx.flatMap { p in ry.map { p * $0 } }) } }
            return value(out)
        },
        Builtin("eig", "linalg.eig(a) -> (List, List)", "Eigenvalues in ascending order and the matching eigenvectors (the columns of the second result) of a Hermitian or real symmetric matrix.") { a in
            let (values, vectors) = try eigHermitian(try matrix(try a.argument(0, "a"), "a"))
            return .tuple([numbersToList(values), value(vectors)])
        },
        Builtin("det", "linalg.det(a) -> Float", "The determinant (by LU elimination).") { a in
            var m = try matrix(try a.argument(0, "a"), "a")
            let n = m.count
            guard m.allSatisfy({ $0.count == n }) else { throw SynQError.value("det needs a square matrix") }
            var det = Complex.one
            for c in 0..<n {
                guard let p = (c..<n).max(by: { m[$0][c].normSquared < m[$1][c].normSquared }), m[p][c].normSquared > 0 else { return .float(0) }
                if p != c { m.swapAt(p, c); det = -det }
                det = det * m[c][c]
                for r in (c + 1)..<n {
                    let f = m[r][c] / m[c][c]
                    for k in c..<n { m[r][k] = m[r][k] - f * m[c][k] }
                }
            }
            return value(det)
        },
        Builtin("trace", "linalg.trace(a)", "The sum of the diagonal.") { a in
            let m = try matrix(try a.argument(0, "a"), "a")
            return value((0..<min(m.count, m[0].count)).reduce(Complex.zero) { $0 + m[$1][$1] })
        },
    ]

    static let module = Module(name: "linalg", doc: "Small dense linear algebra on Lists of rows.", members: Dictionary(uniqueKeysWithValues: builtins.map { ($0.name, Value.builtin($0)) }))
}
