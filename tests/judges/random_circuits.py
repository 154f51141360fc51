"""Random circuits in SynQ and in Qiskit, shared by the outside-judge tests: every gate kind
of the language with ctrl, negctrl, inv and pow modifiers."""
import math
import os

from qiskit import QuantumCircuit
from qiskit.circuit import library as lib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SYNQ = os.path.join(ROOT, ".build", "release", "synq")

# name: (qubits, parameters, Qiskit gate factory)
GATES = {
    "id": (1, 0, lambda: lib.IGate()), "x": (1, 0, lambda: lib.XGate()), "y": (1, 0, lambda: lib.YGate()),
    "z": (1, 0, lambda: lib.ZGate()), "h": (1, 0, lambda: lib.HGate()), "s": (1, 0, lambda: lib.SGate()),
    "sdg": (1, 0, lambda: lib.SdgGate()), "t": (1, 0, lambda: lib.TGate()), "tdg": (1, 0, lambda: lib.TdgGate()),
    "sx": (1, 0, lambda: lib.SXGate()), "sxdg": (1, 0, lambda: lib.SXdgGate()),
    "rx": (1, 1, lambda a: lib.RXGate(a)), "ry": (1, 1, lambda a: lib.RYGate(a)), "rz": (1, 1, lambda a: lib.RZGate(a)),
    "p": (1, 1, lambda a: lib.PhaseGate(a)), "u": (1, 3, lambda a, b, c: lib.UGate(a, b, c)),
    "cx": (2, 0, lambda: lib.CXGate()), "cy": (2, 0, lambda: lib.CYGate()), "cz": (2, 0, lambda: lib.CZGate()),
    "ch": (2, 0, lambda: lib.CHGate()), "swap": (2, 0, lambda: lib.SwapGate()), "iswap": (2, 0, lambda: lib.iSwapGate()),
    "ecr": (2, 0, lambda: lib.ECRGate()), "crx": (2, 1, lambda a: lib.CRXGate(a)), "cry": (2, 1, lambda a: lib.CRYGate(a)),
    "crz": (2, 1, lambda a: lib.CRZGate(a)), "cp": (2, 1, lambda a: lib.CPhaseGate(a)),
    "rxx": (2, 1, lambda a: lib.RXXGate(a)), "ryy": (2, 1, lambda a: lib.RYYGate(a)), "rzz": (2, 1, lambda a: lib.RZZGate(a)),
    "ccx": (3, 0, lambda: lib.CCXGate()), "cswap": (3, 0, lambda: lib.CSwapGate()),
}


def random_circuit(rng, n, depth, openqasm2_forms=False):
    """A list of (modifiers, name, params, qubits) and the equivalent Qiskit circuit. With
    openqasm2_forms, controls go only on one-qubit gates, so OpenQASM 2.0 can express it all."""
    qc = QuantumCircuit(n)
    ops = []
    for _ in range(depth):
        name = rng.choice(sorted(g for g, spec in GATES.items() if spec[0] <= n))
        width, nparams, factory = GATES[name]
        modifiers = []
        if n - width >= 1 and rng.random() < 0.15 and (width == 1 or not openqasm2_forms):
            modifiers.append(rng.choice(["ctrl", "negctrl"]))
        if rng.random() < 0.15:
            modifiers.append("inv")
        if width == 1 and nparams == 1 and rng.random() < 0.1:
            modifiers.append("pow")
        if width + len([m for m in modifiers if "ctrl" in m]) > n:
            modifiers = [m for m in modifiers if "ctrl" not in m]
        qubits = rng.sample(range(n), width + len([m for m in modifiers if "ctrl" in m]))
        params = [rng.uniform(-2 * math.pi, 2 * math.pi) for _ in range(nparams)]
        gate = factory(*params)
        power = None
        if "pow" in modifiers:
            power = rng.choice([2, 3, -1, 0.5])
            gate = gate.power(power)
        if "inv" in modifiers:
            gate = gate.inverse()
        if "ctrl" in modifiers:
            gate = gate.control(1)
        if "negctrl" in modifiers:
            gate = gate.control(1, ctrl_state=0)
        qc.append(gate, qubits)
        ops.append((modifiers, name, params, qubits, power))
    return ops, qc


def synq_source(index, n, ops):
    lines = [f"kernel c{index}() {{", f"  qubit q[{n}]"]
    for modifiers, name, params, qubits, power in ops:
        prefix = ""
        for m in modifiers:
            prefix += {"ctrl": "ctrl @ ", "negctrl": "negctrl @ ", "inv": "inv @ ", "pow": f"pow({power}) @ "}[m]
        args = "(" + ", ".join(repr(p) for p in params) + ")" if params else ""
        lines.append(f"  {prefix}{name}{args} " + ", ".join(f"q[{q}]" for q in qubits))
    lines.append("}")
    return "\n".join(lines)


def state_json(expression):
    """SynQ that prints a state as JSON [[re, im], ...]."""
    return f"print(json.dump([[a.re, a.im] for a in state({expression}).amplitudes]))"


