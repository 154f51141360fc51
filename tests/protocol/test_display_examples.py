"""Renders the display examples of docs/quantum.md through a live kernel and writes them to
docs/images/, so the pictures in the docs are what the kernel sends. Each must be valid,
self-contained SVG with the elements its value calls for."""
import os
import xml.dom.minidom

import pytest

from conftest import result_of, run_cell

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMAGES = os.path.join(ROOT, "docs", "images")

EXAMPLES = {
    "circuit": ("kernel example() {\n qubit q[3]\n h q[0]\n cx q[0], q[1]\n ccx q[0], q[1], q[2]\n"
                " rz(pi / 4) q[2]\n swap q[0], q[2]\n barrier q\n measure q\n}\nexample()",
                {"gate": 2, "measure": 3, "control": 3, "target": 2}),
    "counts": ("kernel ghz() { qubit q[3]\n h q[0]\n cx q[0], q[1]\n cx q[1], q[2]\n measure q }\n"
               "run(ghz(), shots: 2000, seed: 1, noise: depolarizing(0.05))", {"bar": None}),
    "figure": ("plot([i * pi / 20 for i in 0..=20], [sin(i * pi / 20) for i in 0..=20], title: \"sin\", xlabel: \"θ\", ylabel: \"sin θ\")",
               {}),
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_display_example_is_self_contained_svg(kernel, name):
    km, kc = kernel
    code, expected = EXAMPLES[name]
    reply, outputs = run_cell(kc, code)
    assert reply["content"]["status"] == "ok"
    svg = result_of(outputs)["image/svg+xml"]
    doc = xml.dom.minidom.parseString(svg)
    assert doc.documentElement.tagName == "svg"
    assert "<script" not in svg and "href" not in svg and "@import" not in svg
    classes = [e.getAttribute("class") for e in doc.getElementsByTagName("*")]
    for kind, count in expected.items():
        assert (classes.count(kind) == count) if count is not None else kind in classes, (kind, classes.count(kind))
    os.makedirs(IMAGES, exist_ok=True)
    with open(os.path.join(IMAGES, f"{name}.svg"), "w") as f:
        f.write(svg)
