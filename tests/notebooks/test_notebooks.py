"""Every notebook in notebooks/ runs headless with nbclient, and its outputs show the physics."""
import glob
import json
import math
import os
import xml.dom.minidom

import nbformat
import pytest

from conftest import COUNTS_JSON
from nbclient import NotebookClient

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOTEBOOKS = sorted(glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb")))


def execute(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="synq", resources={"metadata": {"path": os.path.dirname(path)}}).execute()
    return nb


@pytest.fixture(scope="module")
def tour():
    return execute(os.path.join(ROOT, "notebooks", "01-tour.ipynb"))


def outputs_of(nb, first_line_prefix):
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith(first_line_prefix):
            return cell.outputs
    raise AssertionError(f"no cell starts with {first_line_prefix!r}")


def data_of(outputs, kind="execute_result"):
    return next(o["data"] for o in outputs if o["output_type"] == kind)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[os.path.basename(p) for p in NOTEBOOKS])
def test_every_notebook_runs_without_errors(path):
    nb = execute(path)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert all(o["output_type"] != "error" for o in cell.outputs), cell.source


def test_tour_bell_counts_are_only_00_and_11_within_five_sigma(tour):
    data = data_of(outputs_of(tour, "let counts = run(c"))
    counts = data[COUNTS_JSON]
    assert set(counts) == {"00", "11"}
    shots = sum(counts.values())
    sigma = math.sqrt(shots * 0.25)
    for n in counts.values():
        assert abs(n - shots / 2) < 5 * sigma
    svg = xml.dom.minidom.parseString(data["image/svg+xml"])
    assert len([r for r in svg.getElementsByTagName("rect") if r.getAttribute("class") == "bar"]) == 2


def test_tour_live_state_is_a_bell_state(tour):
    data = data_of(outputs_of(tour, "%seed 2026"))
    assert "|00⟩" in data["text/html"] and "|11⟩" in data["text/html"]
    assert data["text/latex"].startswith("$") and "\\rangle" in data["text/latex"]
    assert data["text/plain"] == "0.7071|00⟩ + 0.7071|11⟩"


def test_tour_circuit_diagram_has_one_box_per_gate_and_a_meter_per_measurement(tour):
    data = data_of(outputs_of(tour, "kernel bell()"))
    svg = xml.dom.minidom.parseString(data["image/svg+xml"])
    classes = [e.getAttribute("class") for e in svg.getElementsByTagName("*")]
    assert classes.count("gate") == 1          # h (the cx target is drawn as ⊕)
    assert classes.count("target") == 1 and classes.count("control") == 1
    assert classes.count("measure") == 2
    assert "<script" not in data["image/svg+xml"] and "href" not in data["image/svg+xml"]


def test_tour_expectations_follow_cos_plus_sin(tour):
    values = json.loads(data_of(outputs_of(tour, "kernel ansatz"))["text/plain"])
    for value, theta in zip(values, [0.0, math.pi / 4, math.pi / 2]):
        assert abs(value - (math.cos(theta) + math.sin(theta))) < 1e-4


def test_tour_plot_is_valid_svg(tour):
    data = data_of(outputs_of(tour, "let thetas"))
    svg = xml.dom.minidom.parseString(data["image/svg+xml"])
    assert svg.getElementsByTagName("path")


def test_tour_version_line_names_the_seed(tour):
    text = "".join(o.get("text", "") for o in outputs_of(tour, "%version"))
    assert "seed 2026" in text


def test_tour_thousand_qubit_ghz_gives_only_all_zeros_and_all_ones(tour):
    text = data_of(outputs_of(tour, "kernel ghz(n: Int)"))["text/plain"]
    rows = json.loads(text.replace("(", "[").replace(")", "]"))
    assert sorted(r[0] for r in rows) == ["00000000…", "11111111…"]
    assert sum(r[1] for r in rows) == 10_000
    assert all(abs(r[1] - 5000) < 5 * 50 for r in rows)


def test_tour_noise_gives_forbidden_outcomes_and_a_mixed_density_matrix(tour):
    outputs = outputs_of(tour, "let noisy = run(c")
    text = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    wrong = int(text.split(":")[1])
    # depolarizing after h and cx plus 2% readout per bit: roughly 5-12% of 2000 shots
    assert 80 < wrong < 260
    data = data_of(outputs)
    purity = float(data["text/plain"].split("purity ")[1].rstrip(")\n").split(")")[0])
    assert 0.5 < purity < 0.99
    assert "<table" in data["text/html"] and "⟨00|" in data["text/html"]


@pytest.fixture(scope="module")
def vqe():
    return execute(os.path.join(ROOT, "notebooks", "08-vqe.ipynb"))


@pytest.fixture(scope="module")
def qaoa():
    return execute(os.path.join(ROOT, "notebooks", "09-qaoa.ipynb"))


def stream_text(outputs):
    return "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")


H2_TERMS = {"II": -1.052373245772859, "IZ": 0.39793742484318045, "ZI": -0.39793742484318045,
            "ZZ": -0.01128010425623538, "XX": 0.18093119978423156}


def h2_ground_energy():
    import numpy as np
    paulis = {"I": np.eye(2), "X": np.array([[0, 1], [1, 0]]), "Z": np.diag([1, -1])}
    H = sum(c * np.kron(paulis[label[0]], paulis[label[1]]) for label, c in H2_TERMS.items())
    return float(np.linalg.eigvalsh(H)[0])


def test_vqe_reaches_the_exact_ground_energy_of_h2(vqe):
    exact = h2_ground_energy()
    assert abs(float(data_of(outputs_of(vqe, "let exact"))["text/plain"]) - exact) < 1e-9
    energy = float(stream_text(outputs_of(vqe, "let fine")).split("VQE energy:")[1].split()[0])
    assert abs(energy - exact) < 1e-4


def test_vqe_shows_a_live_convergence_plot_and_a_final_progress_line(vqe):
    outputs = outputs_of(vqe, "let result = minimize")
    shown = [o for o in outputs if o["output_type"] == "display_data"]
    plots = [o for o in shown if "image/svg+xml" in o["data"]]
    assert len(plots) == 1, "the plot is updated in place, not repeated"
    svg = xml.dom.minidom.parseString(plots[0]["data"]["image/svg+xml"])
    assert svg.getElementsByTagName("path")
    assert "minimize (adam)" in plots[0]["data"]["image/svg+xml"]
    progress = [o["data"]["text/plain"] for o in shown if "image/svg+xml" not in o["data"]]
    assert len(progress) == 1 and progress[0].startswith("adam: stopped, f = -1.85")


def test_qaoa_most_likely_bitstring_is_a_maximum_cut(qaoa):
    source = next(c.source for c in qaoa.cells if c.cell_type == "code" and c.source.startswith("let edges"))
    edges = json.loads(source.splitlines()[0].split("=", 1)[1].replace("(", "[").replace(")", "]"))

    def cut(z):
        return sum(((z >> i) & 1) != ((z >> j) & 1) for i, j in edges)

    maximum = max(cut(z) for z in range(64))
    assert maximum < len(edges)
    words = stream_text(outputs_of(qaoa, "let probabilities")).split()
    likeliest = int(words[words.index("likely:") + 1])
    assert cut(likeliest) == maximum
    counts = data_of(outputs_of(qaoa, "let counts = run("))[COUNTS_JSON]
    top = max(counts, key=counts.get)
    assert cut(int(top, 2)) == maximum


def notebook(name):
    return execute(os.path.join(ROOT, "notebooks", name))


def printed_value(outputs, label):
    """The text after `label` on the line that holds it, in a cell's printed output."""
    text = stream_text(outputs)
    return text.split(label, 1)[1].split("\n")[0].split()[0]


def test_bell_pair_counts_are_only_00_and_11_each_within_five_sigma_of_half():
    nb = notebook("02-superposition-entanglement.ipynb")
    counts = data_of(outputs_of(nb, "let counts = run(bell()"))[COUNTS_JSON]
    assert set(counts) == {"00", "11"}
    shots = sum(counts.values())
    for n in counts.values():
        assert abs(n - shots / 2) < 5 * math.sqrt(shots * 0.25)
    ghz = data_of(outputs_of(nb, "kernel ghz"))[COUNTS_JSON]
    assert set(ghz) == {"000", "111"}


def test_teleportation_recovers_every_input_state():
    nb = notebook("03-teleportation.ipynb")
    fidelities = json.loads(data_of(outputs_of(nb, "fn teleport_live"))["text/plain"])
    assert len(fidelities) == 8 and min(fidelities) > 0.999
    counts = data_of(outputs_of(nb, "kernel check"))[COUNTS_JSON]
    assert all(outcome[0] == "0" for outcome in counts)      # Bob's bit, the last clbit
    assert len(counts) == 4                                  # Alice's two bits are random


def test_deutsch_jozsa_tells_the_oracles_apart_and_bernstein_vazirani_finds_the_secret():
    nb = notebook("04-deutsch-jozsa-bernstein-vazirani.ipynb")
    text = stream_text(outputs_of(nb, "fn verdict"))
    assert "constant oracle -> constant" in text and "balanced oracle -> balanced" in text
    assert data_of(outputs_of(nb, "let secret"))[COUNTS_JSON] == {"1011": 200}


def test_grover_finds_the_marked_item_with_probability_above_point_nine():
    nb = notebook("05-grover.ipynb")
    assert float(printed_value(outputs_of(nb, "let counts = run(grover(2)"), "P(found 101) =")) > 0.9
    counts = data_of(outputs_of(nb, "let counts = run(grover(2)"))[COUNTS_JSON]
    assert max(counts, key=counts.get) == "101"


def test_qft_matches_the_dft_and_phase_estimation_reads_the_phase():
    nb = notebook("06-qft-phase-estimation.ipynb")
    assert float(printed_value(outputs_of(nb, "var worst"), "from the DFT:")) < 1e-12
    words = stream_text(outputs_of(nb, "let outcome")).split()
    assert float(words[words.index("estimated:") + 1]) == 5 / 16
    spread = data_of(outputs_of(nb, "run(estimate_phase(0.3)"))[COUNTS_JSON]
    assert max(spread, key=spread.get) == "0101"


def depolarized_bell_purity(p):
    import numpy as np
    I, X, Y, Z = np.eye(2), np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.diag([1, -1])

    def depolarize(rho, qubit):
        ops = [np.kron(I, P) if qubit == 0 else np.kron(P, I) for P in (X, Y, Z)]
        return (1 - 3 * p / 4) * rho + p / 4 * sum(o @ rho @ o.conj().T for o in ops)

    H0 = np.kron(I, np.array([[1, 1], [1, -1]]) / math.sqrt(2))
    CX = np.array([[1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0], [0, 1, 0, 0]])  # control qubit 0 (bit 0)
    rho = np.zeros((4, 4)); rho[0, 0] = 1
    rho = depolarize(H0 @ rho @ H0.T, 0)
    rho = depolarize(depolarize(CX @ rho @ CX.T, 0), 1)
    return float(np.real(np.trace(rho @ rho)))


def test_noise_lowers_the_bell_pair_agreement_and_purity_as_expected():
    nb = notebook("07-noise.ipynb")
    disagree = float(printed_value(outputs_of(nb, "let misread"), "P(disagree) measured:"))
    assert abs(disagree - 0.095) < 5 * math.sqrt(0.095 * 0.905 / 20000)
    text = stream_text(outputs_of(nb, "let strengths"))
    agreement = json.loads(text.split("P(agree):")[1].split("\n")[0])
    purity = json.loads(text.split("purity:")[1].split("\n")[0])
    assert agreement[0] == 1.0 and all(a > b for a, b in zip(agreement, agreement[1:]))
    for p, value in zip([0.0, 0.02, 0.05, 0.1, 0.2], purity):
        assert abs(value - depolarized_bell_purity(p)) < 1e-9


def test_experiment_log_saves_reads_back_and_repeats(tmp_path):
    import shutil
    path = tmp_path / "10-experiment-log.ipynb"
    shutil.copy(os.path.join(ROOT, "notebooks", "10-experiment-log.ipynb"), path)
    nb = execute(str(path))
    assert "seed 2027" in stream_text(outputs_of(nb, "%seed 2027\n%version"))
    text = stream_text(outputs_of(nb, "let saved"))
    assert "JSON round trip equal: true" in text and "CSV round trip equal: true" in text
    assert "identical on rerun: true" in stream_text(outputs_of(nb, "%seed 2027\nlet again"))
    saved = json.load(open(tmp_path / "ghz_readout.json"))
    assert saved["seed"] == 2027 and saved["rows"][0] == {"readout_error": 0.0, "agree": 1.0}
    agree = [row["agree"] for row in saved["rows"]]
    assert all(a > b for a, b in zip(agree, agree[1:]))


def test_the_cluster_notebook_runs_its_jobs_locally_without_a_cluster():
    nb = execute(os.path.join(ROOT, "notebooks", "11-cluster.ipynb"))
    status = "".join(o["text"] for o in outputs_of(nb, "%cluster status") if o["output_type"] == "stream")
    assert "no cluster" in status
    assert data_of(outputs_of(nb, "counts == run("))["text/plain"] == "true"
    jobs = data_of(outputs_of(nb, "jobs()"))["text/plain"]
    assert jobs.count('"where": "local"') == 2 and '"tasks": 200' in jobs
