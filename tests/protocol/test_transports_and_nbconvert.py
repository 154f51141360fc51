"""The ipc transport, and `jupyter nbconvert --execute` on a small notebook."""
import os
import subprocess
import sys
import tempfile

import nbformat
from jupyter_client.manager import KernelManager

from conftest import COUNTS_JSON, result_of, run_cell


def test_the_ipc_transport_works():
    km = KernelManager(kernel_name="synq", transport="ipc", ip=os.path.join(tempfile.mkdtemp(), "synq-ipc"))
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=30)
        _, outputs = run_cell(kc, "[x * x for x in 0..4]")
        assert result_of(outputs)["text/plain"] == "[0, 1, 4, 9]"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_nbconvert_executes_a_small_notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "synq", "display_name": "SynQ", "language": "synq"}
    nb.cells = [
        nbformat.v4.new_code_cell("let greeting = \"hello from SynQ\"\nprint(greeting)"),
        nbformat.v4.new_code_cell("kernel b() { qubit r[2]; h r[0]; cx r[0], r[1]; measure r }\nrun(b(), shots: 100, seed: 1)"),
    ]
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "small.ipynb")
    nbformat.write(nb, path)
    jupyter = os.path.join(os.path.dirname(sys.executable), "jupyter")
    subprocess.run([jupyter, "nbconvert", "--to", "notebook", "--execute", "--output", "executed.ipynb", path],
                   check=True, capture_output=True, timeout=120)
    executed = nbformat.read(os.path.join(folder, "executed.ipynb"), as_version=4)
    assert executed.cells[0].outputs[0]["text"] == "hello from SynQ\n"
    data = executed.cells[1].outputs[0]["data"]
    assert set(data[COUNTS_JSON]) == {"00", "11"}
    assert data["image/svg+xml"].startswith("<svg")


def test_nbconvert_html_export_highlights_synq_code():
    import re
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    folder = tempfile.mkdtemp()
    jupyter = os.path.join(os.path.dirname(sys.executable), "jupyter")
    subprocess.run([jupyter, "nbconvert", "--to", "html", "--output-dir", folder,
                    os.path.join(root, "notebooks", "06-qft-phase-estimation.ipynb")],
                   check=True, capture_output=True, timeout=120)
    html = open(os.path.join(folder, "06-qft-phase-estimation.html")).read()

    def spans(token_class):
        return re.findall(rf'<span class="{token_class}">([^<]*)</span>', html)

    assert {"kernel", "for", "in", "qubit", "let"} <= set(spans("k"))
    assert {"h", "cp", "swap", "x"} <= set(spans("nb"))
    assert "qft" in spans("nf")
    assert "pi" in spans("kc")
    assert "4" in spans("mi") and "5.0" in spans("mf")
    assert any(s.startswith('"') for s in spans("s"))
    assert not spans("err"), "no SynQ text is left unrecognised"
