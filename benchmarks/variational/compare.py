#!/usr/bin/env python3
"""The gradient of a hardware-efficient ansatz's energy on SynQ, on PennyLane's lightning.qubit
(adjoint method) and on Qiskit's ReverseEstimatorGradient, in one command. Prints seconds per
gradient (median) and the ratio SynQ / peer: below 1.0 means SynQ is faster. The gradients are
also compared with each other, so a fast wrong answer cannot pass.

The workload: n qubits (16), L layers (10) of RY and RZ on every qubit followed by a CNOT ladder
(2 n L = 320 parameters), and a 16-term Hamiltonian of ZZ bonds and X fields.

Usage: bash benchmarks/variational/run [--qubits 16] [--layers 10] [--repeats 5] [--threads 1]
"""
import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SYNQ = os.path.join(HERE, "..", "..", ".build", "release", "synq")


def hamiltonian(n):
    """16 terms: coefficient, {qubit: Pauli}."""
    terms = []
    for i in range(16):
        c = round(0.1 * (i + 1) * (-1) ** i, 2)
        q = i % n
        terms.append((c, {q: "Z", (q + 1) % n: "Z"} if i % 2 == 0 else {q: "X"}))
    return terms


def parameters(n, layers):
    return [0.1 + 0.37 * k % 3.0 for k in range(2 * n * layers)]


def synq_program(n, layers, repeats):
    h = " + ".join(f"{c} * " + " * ".join(f"{p}({q})" for q, p in t.items()) for c, t in hamiltonian(n))
    return f"""
kernel ansatz(t: List) {{
    qubit q[{n}]
    for layer in 0..{layers} {{
        for i in 0..{n} {{
            ry(t[2 * ({n} * layer + i)]) q[i]
            rz(t[2 * ({n} * layer + i) + 1]) q[i]
        }}
        for i in 0..{n - 1} {{ cx q[i], q[i + 1] }}
    }}
}}
let H = {h}
let g = grad(|t| expect(ansatz(t), H))
let x = {parameters(n, layers)}
for r in 0..{repeats + 1} {{
    let t0 = time()
    let d = g(x)
    print("T", time() - t0)
    if r == 0 {{ print("G", d[0], d[{n}], d[{2 * n * layers - 1}]) }}
}}
"""


def run_synq(n, layers, repeats, threads):
    with tempfile.NamedTemporaryFile("w", suffix=".synq", delete=False) as f:
        f.write(synq_program(n, layers, repeats))
        path = f.name
    try:
        out = subprocess.run([SYNQ, "run", path], env=dict(os.environ, SYNQ_THREADS=str(threads)),
                             check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(path)
    times = [float(line.split()[1]) for line in out.splitlines() if line.startswith("T ")][1:]
    sample = [float(v) for line in out.splitlines() if line.startswith("G ") for v in line.split()[1:]]
    return statistics.median(times), sample


def timed(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def run_pennylane(n, layers, repeats, threads):
    import pennylane as qml
    from pennylane import numpy as pnp
    dev = qml.device("lightning.qubit", wires=n)
    paulis = {"X": qml.PauliX, "Z": qml.PauliZ}
    coeffs, ops = [], []
    for c, t in hamiltonian(n):
        coeffs.append(c)
        factors = [paulis[p](q) for q, p in t.items()]
        op = factors[0]
        for f in factors[1:]:
            op = op @ f
        ops.append(op)
    H = qml.Hamiltonian(coeffs, ops)

    @qml.qnode(dev, diff_method="adjoint")
    def energy(t):
        for layer in range(layers):
            for i in range(n):
                qml.RY(t[2 * (n * layer + i)], wires=i)
                qml.RZ(t[2 * (n * layer + i) + 1], wires=i)
            for i in range(n - 1):
                qml.CNOT(wires=[i, i + 1])
        return qml.expval(H)

    x = pnp.array(parameters(n, layers), requires_grad=True)
    gradient = qml.grad(energy)
    seconds, g = timed(lambda: gradient(x), repeats)
    return seconds, [float(g[0]), float(g[n]), float(g[-1])]


def run_qiskit(n, layers, repeats, threads):
    from qiskit import QuantumCircuit
    from qiskit.circuit import ParameterVector
    from qiskit.quantum_info import SparsePauliOp
    from qiskit_algorithms.gradients import ReverseEstimatorGradient
    t = ParameterVector("t", 2 * n * layers)
    qc = QuantumCircuit(n)
    for layer in range(layers):
        for i in range(n):
            qc.ry(t[2 * (n * layer + i)], i)
            qc.rz(t[2 * (n * layer + i) + 1], i)
        for i in range(n - 1):
            qc.cx(i, i + 1)
    labels = []
    for c, term in hamiltonian(n):
        label = ["I"] * n
        for q, p in term.items():
            label[n - 1 - q] = p
        labels.append(("".join(label), c))
    H = SparsePauliOp.from_list(labels)
    gradient = ReverseEstimatorGradient()
    x = parameters(n, layers)
    seconds, g = timed(lambda: gradient.run([qc], [H], [x]).result().gradients[0], repeats)
    return seconds, [float(g[0]), float(g[n]), float(g[-1])]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--qubits", type=int, default=16)
    parser.add_argument("--layers", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--peers", default="pennylane,qiskit")
    args = parser.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    n, layers = args.qubits, args.layers
    print(f"gradient of <H> (16 terms) for {n} qubits, {layers} layers, {2 * n * layers} parameters, "
          f"{args.threads} thread(s), median of {args.repeats}")
    synq_seconds, synq_sample = run_synq(n, layers, args.repeats, args.threads)
    print(f"  {'synq':<28} {synq_seconds:9.4f} s")
    runners = {"pennylane": ("pennylane lightning.qubit adjoint", run_pennylane),
               "qiskit": ("qiskit ReverseEstimatorGradient", run_qiskit)}
    for peer in args.peers.split(","):
        name, runner = runners[peer]
        try:
            seconds, sample = runner(n, layers, args.repeats, args.threads)
        except ImportError as e:
            print(f"  {name:<28} not installed ({e})")
            continue
        agree = all(math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9) for a, b in zip(synq_sample, sample))
        print(f"  {name:<28} {seconds:9.4f} s   synq/peer {synq_seconds / seconds:5.2f}   "
              f"gradients {'agree' if agree else 'DIFFER: ' + str(sample) + ' vs ' + str(synq_sample)}")


if __name__ == "__main__":
    main()
