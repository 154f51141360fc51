#!/usr/bin/env python3
"""The same circuits on SynQ's QuantumKit and on its peers (qsim, qulacs, Qiskit Aer, stim), on
1 and 2 threads, in one command. Prints seconds per run (median) and the ratio SynQ / fastest
peer: below 1.0 means SynQ is faster. Dense passes are also shown against the memory-bandwidth
bound (32 x 2^n bytes read and written per pass) measured by a STREAM-like in-place scale.

Usage: bash benchmarks/simulator/run [--quick] [--threads 1,2]
(`run` makes .venv-bench with qsimcirq, qulacs, qiskit-aer and stim, then calls this file.)
"""
import argparse
import math
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SYNQ = os.path.join(HERE, "..", "..", ".build", "release", "synq")


# ---------------------------------------------------------------- workloads (neutral gate lists)

def h_round_robin(n):
    return [("h", (i % n,), ()) for i in range(100)]


def qft(n):
    gates = []
    for j in reversed(range(n)):
        gates.append(("h", (j,), ()))
        for k in reversed(range(j)):
            gates.append(("cp", (k, j), (math.pi / 2 ** (j - k),)))
    for j in range(n // 2):
        gates.append(("swap", (j, n - 1 - j), ()))
    return gates


def random_layers(n, depth=20, seed=7):
    rng = random.Random(seed)
    gates = []
    for layer in range(depth):
        for q in range(n):
            gates.append((rng.choice(["rx", "ry", "rz"]), (q,), (rng.uniform(0, 2 * math.pi),)))
        for q in range(layer % 2, n - 1, 2):
            gates.append(("cx", (q, q + 1), ()))
    return gates


def ghz(n):
    return [("h", (0,), ())] + [("cx", (q, q + 1), ()) for q in range(n - 1)]


def ising_state(n):
    return [("ry", (q,), (0.1 + 0.07 * q,)) for q in range(n)] + [("cx", (q, q + 1), ()) for q in range(n - 1)]


def ising_terms(n):
    """sum Z_i Z_{i+1} + 0.5 sum X_i as (coefficient, {qubit: pauli})."""
    return [(1.0, {i: "Z", i + 1: "Z"}) for i in range(n - 1)] + [(0.5, {i: "X"}) for i in range(n)]


# ---------------------------------------------------------------- SynQ

def synq_gate(g):
    name, qs, ps = g
    args = ", ".join(f"q[{q}]" for q in qs)
    params = f"({', '.join(repr(p) for p in ps)})" if ps else ""
    return f"  {name}{params} {args}"


def synq_program(kind, n, gates, repeats, extra="", precision="double"):
    body = "\n".join(synq_gate(g) for g in gates)
    lines = [f"kernel bench() {{\n  qubit q[{n}]\n{body}\n}}", "let c = bench()"]
    if kind == "state" and precision == "single":
        # the final state in single precision, observed by one cheap read pass
        lines.append(f"for r in 0..{repeats} {{ let t0 = time(); expect(c, Z(0), precision: \"single\"); print(\"T\", time() - t0) }}")
    elif kind == "state":
        lines.append(f"for r in 0..{repeats} {{ let t0 = time(); state(c); print(\"T\", time() - t0) }}")
    elif kind == "sample":
        lines.append(f"for r in 0..{repeats} {{ let t0 = time(); let k = run(c, shots: {extra}, seed: 1); print(\"T\", time() - t0) }}")
    elif kind == "expect":
        live = "\n".join(synq_gate(g).strip() for g in gates)
        terms = " + ".join(
            f"{coef} * " + " * ".join(f"{p}({q})" for q, p in paulis.items()) for coef, paulis in ising_terms(n))
        lines = [f"qubit q[{n}]", live, f"let H = {terms}",
                 f"for r in 0..{repeats} {{ let t0 = time(); for k in 0..100 {{ expect(H) }}; print(\"T\", time() - t0) }}"]
    elif kind == "stabilizer":
        lines = [f"kernel bench() {{\n  qubit q[{n}]\n  h q[0]\n  for i in 0..{n - 1} {{ cx q[i], q[i + 1] }}\n  measure q\n}}",
                 "let c = bench()",
                 f"for r in 0..{repeats} {{ let t0 = time(); let k = run(c, shots: {extra}, seed: 1, engine: \"stabilizer\"); print(\"T\", time() - t0) }}"]
    return "\n".join(lines) + "\n"


def run_synq(kind, n, gates, threads, repeats, extra="", precision="double"):
    with tempfile.NamedTemporaryFile("w", suffix=".synq", delete=False) as f:
        f.write(synq_program(kind, n, gates, repeats, extra, precision))
        path = f.name
    env = dict(os.environ, SYNQ_THREADS=str(threads))
    try:
        out = subprocess.run(["/usr/bin/time", "-f", "RSS %M", SYNQ, "run", path], env=env, check=True,
                             capture_output=True, text=True)
    finally:
        os.unlink(path)
    times = [float(line.split()[1]) for line in out.stdout.splitlines() if line.startswith("T ")]
    rss = int(re.search(r"RSS (\d+)", out.stderr).group(1)) * 1024
    return statistics.median(times), rss


# ---------------------------------------------------------------- peers

def qsim_circuit(n, gates):
    import cirq
    q = cirq.LineQubit.range(n)
    ops = []
    for name, qs, ps in gates:
        if name == "h": ops.append(cirq.H(q[qs[0]]))
        elif name == "rx": ops.append(cirq.rx(ps[0])(q[qs[0]]))
        elif name == "ry": ops.append(cirq.ry(ps[0])(q[qs[0]]))
        elif name == "rz": ops.append(cirq.rz(ps[0])(q[qs[0]]))
        elif name == "cx": ops.append(cirq.CNOT(q[qs[0]], q[qs[1]]))
        elif name == "cp": ops.append(cirq.CZPowGate(exponent=ps[0] / math.pi)(q[qs[0]], q[qs[1]]))
        elif name == "swap": ops.append(cirq.SWAP(q[qs[0]], q[qs[1]]))
    return cirq.Circuit(ops), q


def run_qsim(kind, n, gates, threads, repeats, extra=""):
    import cirq
    import qsimcirq
    sim = qsimcirq.QSimSimulator(qsimcirq.QSimOptions(cpu_threads=threads))
    circuit, q = qsim_circuit(n, gates)
    times = []
    for _ in range(repeats):
        if kind == "state":
            t0 = time.perf_counter(); sim.simulate(circuit); times.append(time.perf_counter() - t0)
        elif kind == "sample":
            measured = circuit + cirq.measure(*q, key="m")
            t0 = time.perf_counter(); r = sim.run(measured, repetitions=int(extra)); r.histogram(key="m")
            times.append(time.perf_counter() - t0)
        elif kind == "expect":
            obs = sum(coef * cirq.PauliString({q[k]: getattr(cirq, p) for k, p in paulis.items()})
                      for coef, paulis in ising_terms(n))
            t0 = time.perf_counter()
            for _ in range(100): sim.simulate_expectation_values(circuit, [obs])
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def qulacs_circuit(n, gates):
    from qulacs import QuantumCircuit
    from qulacs.gate import DenseMatrix
    import numpy as np
    c = QuantumCircuit(n)
    for name, qs, ps in gates:
        # qulacs's RX/RY/RZ use the opposite sign: RX(-t) is exp(-i t X / 2)
        if name == "h": c.add_H_gate(qs[0])
        elif name == "rx": c.add_RX_gate(qs[0], -ps[0])
        elif name == "ry": c.add_RY_gate(qs[0], -ps[0])
        elif name == "rz": c.add_RZ_gate(qs[0], -ps[0])
        elif name == "cx": c.add_CNOT_gate(qs[0], qs[1])
        elif name == "swap": c.add_SWAP_gate(qs[0], qs[1])
        elif name == "cp":
            g = DenseMatrix(qs[1], np.diag([1, np.exp(1j * ps[0])]))
            g.add_control_qubit(qs[0], 1)
            c.add_gate(g)
    return c


def run_qulacs(kind, n, gates, threads, repeats, extra=""):
    from qulacs import QuantumState, Observable
    from qulacs.circuit import QuantumCircuitOptimizer
    circuit = qulacs_circuit(n, gates)
    if kind == "state":
        QuantumCircuitOptimizer().optimize(circuit, 2)
    times = []
    for _ in range(repeats):
        state = QuantumState(n)
        if kind == "state":
            t0 = time.perf_counter(); circuit.update_quantum_state(state); times.append(time.perf_counter() - t0)
        elif kind == "sample":
            t0 = time.perf_counter()
            circuit.update_quantum_state(state)
            samples = state.sampling(int(extra), 1)
            counts = {}
            for s in samples: counts[s] = counts.get(s, 0) + 1
            times.append(time.perf_counter() - t0)
        elif kind == "expect":
            circuit.update_quantum_state(state)
            obs = Observable(n)
            for coef, paulis in ising_terms(n):
                obs.add_operator(coef, " ".join(f"{p} {k}" for k, p in paulis.items()))
            t0 = time.perf_counter()
            for _ in range(100): obs.get_expectation_value(state)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def qiskit_circuit(n, gates):
    from qiskit import QuantumCircuit
    c = QuantumCircuit(n)
    for name, qs, ps in gates:
        getattr(c, name)(*ps, *qs)
    return c


def run_aer(kind, n, gates, threads, repeats, extra=""):
    from qiskit_aer import AerSimulator
    from qiskit.quantum_info import SparsePauliOp
    from qiskit import transpile
    sim = AerSimulator(method="statevector", max_parallel_threads=threads, fusion_enable=True)
    base = qiskit_circuit(n, gates)
    times = []
    for _ in range(repeats):
        c = base.copy()
        if kind == "state":
            c.save_statevector()
        elif kind == "sample":
            c.measure_all()
        elif kind == "expect":
            labels = []
            for coef, paulis in ising_terms(n):
                s = ["I"] * n
                for k, p in paulis.items(): s[n - 1 - k] = p
                labels.append(("".join(s), coef))
            c.save_expectation_value(SparsePauliOp.from_list(labels), list(range(n)))
        c = transpile(c, sim, optimization_level=0)
        t0 = time.perf_counter()
        if kind == "expect":
            for _ in range(100): sim.run(c).result()
        else:
            sim.run(c, shots=int(extra) if kind == "sample" else 1).result()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run_stim(kind, n, gates, threads, repeats, extra=""):
    import stim
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        c = stim.Circuit()
        c.append("H", [0])
        for q in range(n - 1): c.append("CX", [q, q + 1])
        c.append("M", list(range(n)))
        samples = c.compile_sampler(seed=1).sample(int(extra))
        counts = {}
        for row in samples: key = row.tobytes(); counts[key] = counts.get(key, 0) + 1
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


PEERS = {"qsim": run_qsim, "qulacs": run_qulacs, "aer": run_aer, "stim": run_stim}


def run_peer_isolated(peer, kind, n, maker, threads, repeats, extra):
    """Each peer runs in its own process so thread settings and memory do not leak between them."""
    code = (f"import sys; sys.path.insert(0, {HERE!r}); import compare; "
            f"print('T', compare.PEERS[{peer!r}]({kind!r}, {n}, compare.MAKERS[{maker!r}]({n}), "
            f"{threads}, {repeats}, {extra!r}))")
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), QULACS_NUM_THREADS=str(threads))
    out = subprocess.run(["/usr/bin/time", "-f", "RSS %M", sys.executable, "-c", code], env=env,
                         capture_output=True, text=True)
    if out.returncode != 0:
        return None, None, out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"
    t = float(re.search(r"^T (\S+)", out.stdout, re.M).group(1))
    rss = int(re.search(r"RSS (\d+)", out.stderr).group(1)) * 1024
    return t, rss, None


# ---------------------------------------------------------------- bandwidth

def bandwidth(threads, mib=2048):
    """In-place read+write of a large float64 buffer (numpy releases the GIL), bytes per second."""
    import numpy as np
    a = np.ones(mib * 1024 * 1024 // 8)
    parts = np.array_split(a, threads)
    best = 0.0
    for _ in range(5):
        t0 = time.perf_counter()
        workers = [threading.Thread(target=np.multiply, args=(p, 1.0000001), kwargs={"out": p}) for p in parts]
        for w in workers: w.start()
        for w in workers: w.join()
        best = max(best, 2 * a.nbytes / (time.perf_counter() - t0))
    return best


# ---------------------------------------------------------------- table

MAKERS = {"h_round_robin": h_round_robin, "qft": qft, "random_layers": random_layers, "ghz": ghz,
          "ising_state": ising_state, "none": lambda n: []}

ROWS = [
    # label, kind, sizes (quick sizes), maker, extra, peers, gate passes per run
    ("100 H round-robin", "state", [20, 24, 26], [20, 24], "h_round_robin", "", ["qsim", "qulacs", "aer"], 100),
    ("QFT", "state", [20, 24], [20], "qft", "", ["qsim", "qulacs", "aer"], None),
    ("random 20 layers + CX brick", "state", [20, 24], [20], "random_layers", "", ["qsim", "qulacs", "aer"], None),
    ("GHZ sampled 100 000 shots", "sample", [20], [20], "ghz", "100000", ["qsim", "qulacs", "aer"], None),
    ("Ising <ZZ + 0.5 X> x100", "expect", [20], [20], "ising_state", "", ["qsim", "qulacs", "aer"], None),
    ("stabilizer GHZ 10 000 shots", "stabilizer", [1000], [1000], "none", "10000", ["stim"], None),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sizes only")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--peers", default="qsim,qulacs,aer,stim")
    parser.add_argument("--only", default="", help="comma-separated workload makers, e.g. qft,ghz")
    parser.add_argument("--precision", default="double", choices=["double", "single"],
                        help="SynQ's state-vector precision for the state workloads (qsim computes in single)")
    args = parser.parse_args()
    thread_counts = [int(t) for t in args.threads.split(",")]
    chosen = set(args.peers.split(","))
    bw = {t: bandwidth(t) for t in thread_counts}
    print("memory bandwidth (in-place scale of 2 GiB): "
          + ", ".join(f"{t} thread{'s' if t > 1 else ''} {bw[t] / 1e9:.1f} GB/s" for t in thread_counts))
    header = f"{'workload':32} {'n':>5} {'thr':>3} {'synq s':>9} " + " ".join(f"{p + ' s':>9}" for p in PEERS) + f" {'ratio':>6}  notes"
    print(header)
    selected = set(args.only.split(",")) if args.only else None
    for label, kind, sizes, quick_sizes, maker, extra, peers, passes in ROWS:
      if selected and maker not in selected:
          continue
      for n in (quick_sizes if args.quick else sizes):
        gates = MAKERS[maker](n)
        for t in thread_counts:
            repeats = 1 if n >= 24 else 3
            synq_t, synq_rss = run_synq(kind, n, gates, t, repeats, extra, args.precision)
            peer_times = {}
            for p in PEERS:
                if p in peers and p in chosen:
                    pt, _, err = run_peer_isolated(p, kind, n, maker, t, repeats, extra)
                    peer_times[p] = pt if err is None else None
            known = [v for v in peer_times.values() if v]
            ratio = synq_t / min(known) if known else float("nan")
            notes = []
            if passes:
                per_gate = synq_t / passes
                bound = (16 if args.precision == "single" else 32) * 2 ** n / bw[t]
                notes.append(f"{per_gate * 1e3:.2f} ms/gate = {per_gate / 2 ** n * 1e9:.2f} ns/amp = {per_gate / bound:.2f}x bandwidth bound")
            if n >= 24 and kind == "state":
                notes.append(f"peak RSS {synq_rss / ((8 if args.precision == 'single' else 16) * 2 ** n):.2f}x state")
            cells = " ".join(f"{peer_times[p]:9.4f}" if peer_times.get(p) else f"{'-':>9}" for p in PEERS)
            print(f"{label:32} {n:5d} {t:3d} {synq_t:9.4f} {cells} {ratio:6.2f}  {'; '.join(notes)}", flush=True)


if __name__ == "__main__":
    main()
