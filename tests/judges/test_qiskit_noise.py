"""Qiskit as an outside judge of noise: 60 random circuits of 1-5 qubits, every gate kind,
under random mixes of depolarizing, amplitude-damping, bit-flip and phase-flip noise after
every gate. SynQ's density matrices (`density(c, noise: ...)`) must equal Qiskit's, evolved
gate by gate with qiskit_aer's error channels, to 1e-9."""
import json
import random
import subprocess

import numpy as np
from qiskit.quantum_info import DensityMatrix, Kraus
from qiskit_aer.noise import amplitude_damping_error, depolarizing_error, pauli_error

from random_circuits import SYNQ, random_circuit, synq_source

CHANNELS = {
    "depolarizing": lambda p: depolarizing_error(p, 1),
    "amplitude_damping": lambda g: amplitude_damping_error(g),
    "bit_flip": lambda p: pauli_error([("X", p), ("I", 1 - p)]),
    "phase_flip": lambda p: pauli_error([("Z", p), ("I", 1 - p)]),
}


def qiskit_density(n, qc, noise):
    kraus = [Kraus(CHANNELS[name](p).to_quantumchannel()) for name, p in noise]
    rho = DensityMatrix.from_label("0" * n)
    for inst in qc.data:
        qubits = [qc.find_bit(q).index for q in inst.qubits]
        rho = rho.evolve(inst.operation, qubits)
        for q in sorted(qubits):
            for channel in kraus:
                rho = rho.evolve(channel, [q])
    return rho.data


def test_sixty_noisy_random_circuits_match_qiskit_density_matrices(tmp_path):
    rng = random.Random(77)
    cases = []
    for i in range(60):
        n = rng.randint(1, 5)
        ops, qc = random_circuit(rng, n, rng.randint(3, 14))
        noise = [(name, round(rng.uniform(0.01, 0.3), 4)) for name in rng.sample(sorted(CHANNELS), rng.randint(1, 3))]
        cases.append((n, ops, qc, noise))
    lines = []
    for i, (n, ops, _, noise) in enumerate(cases):
        channels = ", ".join(f"{name}({p})" for name, p in noise)
        lines.append(synq_source(i, n, ops))
        lines.append(f"let r{i} = density(c{i}(), noise: [{channels}])")
        lines.append(f"print(json.dump([[[r{i}.entry(a, b).re, r{i}.entry(a, b).im] for b in 0..{2 ** n}] for a in 0..{2 ** n}]))")
    path = tmp_path / "noise_judge.synq"
    path.write_text("\n".join(lines))
    run = subprocess.run([SYNQ, "run", str(path)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    outputs = run.stdout.strip().split("\n")
    assert len(outputs) == len(cases)
    for i, ((n, ops, qc, noise), line) in enumerate(zip(cases, outputs)):
        ours = np.array([[complex(re, im) for re, im in row] for row in json.loads(line)])
        theirs = qiskit_density(n, qc, noise)
        assert np.max(np.abs(ours - theirs)) < 1e-9, f"circuit {i} with {noise}: {ops}"
        assert abs(np.trace(ours) - 1) < 1e-9
