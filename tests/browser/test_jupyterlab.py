"""SynQ in a real JupyterLab driven through Debian's chromium with Playwright: pictures,
errors, completion, the inspection tooltip, interrupt and restart, in the light and dark
themes. Screenshots go to artifacts/browser/ and docs/images/."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARTIFACTS = os.path.join(ROOT, "artifacts", "browser")
DOC_IMAGES = os.path.join(ROOT, "docs", "images")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TOKEN = "synq-browser-test"

CELLS = [
    "kernel bell() {\n    qubit q[2]\n    h q[0]\n    cx q[0], q[1]\n    measure q\n}\nbell()",
    "run(bell(), shots: 1000, seed: 1)",
    "qubit r[2]\nh r[0]\ncx r[0], r[1]\nstate()",
    "kernel wide() {\n    qubit q[20]\n    for k in 0..60 { h q[k % 20]; cx q[k % 20], q[(k + 1) % 20] }\n}\nwide()",
    "let kept = 41\nkept / 0",
]

DEBUG_CELL = """fn total(xs) {
    var s = 0
    for x in xs {
        s += x
    }
    return s
}
qubit r[2]
h r[0]
cx r[0], r[1]
total([1, 2, 3])"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab():
    folder = tempfile.mkdtemp(prefix="synq-lab-")
    nb = {"cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "source": c, "outputs": [], "execution_count": None}
                    for i, c in enumerate(CELLS)],
          "metadata": {"kernelspec": {"name": "synq", "display_name": "SynQ", "language": "synq"}},
          "nbformat": 4, "nbformat_minor": 5}
    with open(os.path.join(folder, "synq.ipynb"), "w") as f:
        json.dump(nb, f)
    with open(os.path.join(folder, "debug.ipynb"), "w") as f:
        json.dump(dict(nb, cells=[{"cell_type": "code", "id": "d0", "metadata": {}, "source": DEBUG_CELL, "outputs": [],
                                    "execution_count": None}]), f)
    port = free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=os.path.join(folder, ".config"), JUPYTERLAB_WORKSPACES_DIR=os.path.join(folder, ".ws"))
    server = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "jupyter"), "lab", "--no-browser",
                               f"--port={port}", "--ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", "--allow-root",
                               f"--ServerApp.root_dir={folder}", "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
                              env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(folder, "lab.log"), "w"))
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start: " + open(os.path.join(folder, "lab.log")).read()[-2000:])
    yield url
    server.terminate()
    server.wait(timeout=20)


def rendered_svg(output):
    """The SVG text of an output: JupyterLab shows image/svg+xml as an <img> with a data URL."""
    from urllib.parse import unquote
    image = output.locator(".jp-RenderedSVG img")
    image.wait_for()
    source = image.get_attribute("src")
    assert source.startswith("data:image/svg+xml")
    return unquote(source.split(",", 1)[1])


def test_synq_in_jupyterlab(lab):
    from playwright.sync_api import expect, sync_playwright
    assert os.path.exists(CHROMIUM), "chromium is missing: scripts/setup installs it"
    os.makedirs(ARTIFACTS, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(30_000)
        expect.set_options(timeout=30_000)
        page.goto(f"{lab}/lab/tree/synq.ipynb?token={TOKEN}")
        page.wait_for_selector(".jp-Notebook .jp-Cell")
        idle = page.locator(".jp-StatusBar-TextItem", has_text="SynQ | Idle")
        expect(idle).to_have_count(1, timeout=60_000)
        news = page.locator(".jp-toast-button", has_text="No")
        if news.count():
            news.first.click()

        # run the four cells: a circuit, a histogram, a state table and an error
        page.locator(".jp-Cell").first.click()
        page.keyboard.press("Escape")
        for _ in CELLS:
            page.keyboard.press("Shift+Enter")
        outputs = page.locator(".jp-Cell .jp-OutputArea")
        expect(page.locator(".jp-Cell").nth(4).locator(".jp-OutputArea-output")).to_contain_text("ZeroDivisionError")
        circuit, histogram = rendered_svg(outputs.nth(0)), rendered_svg(outputs.nth(1))
        assert circuit.count('class="gate"') == 1 and circuit.count('class="measure"') == 2
        assert histogram.count('class="bar"') == 2
        expect(outputs.nth(2).locator("table")).to_have_count(1)
        expect(outputs.nth(2).locator("table")).to_contain_text("|11⟩")
        expect(outputs.nth(4)).to_contain_text("kept / 0")
        # a 20-qubit, 120-column circuit keeps its size (legible text) and scrolls sideways
        wide = outputs.nth(3).locator(".jp-RenderedSVG img")
        natural, shown = wide.evaluate("img => [img.naturalWidth, img.getBoundingClientRect().width]")
        assert natural > 2000 and abs(shown - natural) < 2, (natural, shown)
        scrolls = wide.evaluate("""img => {
            for (let e = img.parentElement; e; e = e.parentElement) {
                const overflow = getComputedStyle(e).overflowX
                if ((overflow === 'auto' || overflow === 'scroll') && e.scrollWidth > e.clientWidth + 1000) return true
            }
            return false
        }""")
        assert scrolls, "a wide circuit scrolls inside its output"
        page.screenshot(path=os.path.join(ARTIFACTS, "lab-light.png"), full_page=True)

        # a new cell: Tab completes, Shift-Tab shows the doc
        page.keyboard.press("Escape")
        page.keyboard.press("b")
        page.keyboard.press("Enter")
        page.keyboard.type("minim")
        page.keyboard.press("Tab")
        expect(page.locator(".jp-Completer")).to_contain_text("minimize")
        page.keyboard.press("Escape")
        page.keyboard.type("ize(")
        page.keyboard.press("Shift+Tab")
        expect(page.locator(".jp-Tooltip")).to_contain_text("Minimises f")
        page.screenshot(path=os.path.join(ARTIFACTS, "lab-tooltip.png"))
        page.keyboard.press("Escape")

        def run_new_cell(code):
            """A new cell below the current one, typed and run."""
            page.keyboard.press("Escape")
            page.keyboard.press("b")
            page.keyboard.press("Enter")
            page.keyboard.type(code)
            page.keyboard.press("Shift+Enter")

        def output_of(text):
            return page.locator(".jp-Cell", has_text=text).locator(".jp-OutputArea-output")

        def toolbar(command):
            return page.locator(f"jp-button[data-command='{command}'], button[data-command='{command}']").first

        # interrupt an endless loop; earlier variables survive
        run_new_cell("var i = 0\nwhile true { i += 1 }")
        expect(page.locator(".jp-StatusBar-TextItem", has_text="SynQ | Busy")).to_have_count(1)
        time.sleep(1)
        toolbar("notebook:interrupt-kernel").click()
        expect(output_of("while true")).to_contain_text("KeyboardInterrupt")
        run_new_cell("kept + 1")
        expect(output_of("kept + 1")).to_contain_text("42")

        # restart: the session is fresh afterwards
        toolbar("notebook:restart-kernel").click()
        page.locator(".jp-Dialog .jp-mod-accept").click()
        expect(idle).to_have_count(1, timeout=60_000)
        run_new_cell("kept * 2")
        expect(output_of("kept * 2")).to_contain_text("unknown name 'kept'")

        # the launcher offers SynQ with its name and logo
        toolbar("launcher:create").click()
        card = page.locator(".jp-LauncherCard", has_text="SynQ").first
        expect(card).to_be_visible()
        logo = card.locator("img")
        expect(logo).to_have_count(1)
        assert "/kernelspecs/synq/logo" in logo.get_attribute("src")
        assert logo.evaluate("img => img.complete && img.naturalWidth > 0"), "the logo loads"
        page.screenshot(path=os.path.join(ARTIFACTS, "lab-launcher.png"))
        page.locator(".lm-TabBar-tab", has_text="synq.ipynb").click()

        # the dark theme
        page.locator(".lm-MenuBar-itemLabel", has_text="Settings").click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Theme$")).hover()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile("^JupyterLab Dark$")).click()
        expect(page.locator("body[data-jp-theme-light='false']")).to_have_count(1)
        page.locator(".jp-Cell").first.scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(ARTIFACTS, "lab-dark.png"), full_page=True)
        browser.close()
    os.makedirs(DOC_IMAGES, exist_ok=True)
    for name in ("lab-light.png", "lab-dark.png", "lab-tooltip.png", "lab-launcher.png"):
        shutil.copy(os.path.join(ARTIFACTS, name), os.path.join(DOC_IMAGES, name))
    print("screenshots:", sorted(os.listdir(ARTIFACTS)))


def test_debugger_panel(lab):
    """JupyterLab's debugger on a SynQ notebook: a breakpoint set by clicking the gutter, the
    cell stopped in a loop, the variables panel (with the register's qubits), then continue."""
    from playwright.sync_api import expect, sync_playwright
    os.makedirs(ARTIFACTS, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(30_000)
        expect.set_options(timeout=30_000)
        try:
            # the light theme again (the first test ends in the dark one) and a workspace of its own
            settings = urllib.request.Request(
                f"{lab}/lab/api/settings/@jupyterlab/apputils-extension:themes?token={TOKEN}", method="PUT",
                data=json.dumps({"raw": json.dumps({"theme": "JupyterLab Light"})}).encode(),
                headers={"Content-Type": "application/json"})
            urllib.request.urlopen(settings, timeout=10)
            page.goto(f"{lab}/lab/workspaces/debugging/tree/debug.ipynb?token={TOKEN}")
            page.wait_for_selector(".jp-Notebook .jp-Cell")
            expect(page.locator(".jp-StatusBar-TextItem", has_text="SynQ | Idle")).to_have_count(1, timeout=60_000)
            news = page.locator(".jp-toast-button", has_text="No")
            if news.count():
                news.first.click()
            panel = page.locator(".jp-NotebookPanel", has=page.locator(".jp-Cell", has_text="fn total"))
            bug = panel.locator(".jp-DebuggerBugButton").first
            expect(bug).to_be_enabled()
            bug.click()
            expect(panel.locator(".jp-DebuggerBugButton[aria-pressed='true']")).to_have_count(1)

            # the debugger sidebar open, so that its breakpoints panel lists what the gutter holds
            sidebar = page.locator(".lm-TabBar-tab[data-id='jp-debugger-sidebar']")
            if sidebar.get_attribute("aria-selected") != "true":
                sidebar.click()
            expect(page.locator(".jp-DebuggerBreakpoints")).to_be_visible()

            # a breakpoint on line 4 (s += x), by clicking the gutter beside it. JupyterLab drops a
            # gutter click made before its debug session has started, so until the sidebar lists
            # exactly that one breakpoint, whatever is there is removed and the click made again.
            cell = panel.locator(".jp-Cell").first
            listed = page.locator(".jp-DebuggerBreakpoint")
            icons = cell.locator(".cm-breakpoint-icon:visible")   # the gutter's hidden spacer holds one too

            def click_gutter_of_line_4():
                line = cell.locator(".cm-line").nth(3).bounding_box()
                gutter = cell.locator(".cm-gutter.cm-breakpoint-gutter").bounding_box()
                page.mouse.click(gutter["x"] + gutter["width"] / 2, line["y"] + line["height"] / 2)

            def remove_all_breakpoints():
                page.locator(".jp-DebuggerSidebar").get_by_title("Remove All Breakpoints").first.click()
                page.locator(".jp-Dialog .jp-mod-accept").click()
                expect(listed).to_have_count(0)
                expect(icons).to_have_count(0)

            for attempt in range(6):
                if listed.count() or icons.count():
                    remove_all_breakpoints()
                click_gutter_of_line_4()
                try:
                    expect(listed).to_have_count(1, timeout=10_000)
                    expect(listed.locator(".jp-DebuggerBreakpoint-line")).to_have_text("4", timeout=1_000)
                    expect(icons).to_have_count(1, timeout=1_000)
                    break
                except AssertionError:
                    print(f"attempt {attempt}: listed {listed.all_inner_texts()}, {icons.count()} gutter icons")
                    if attempt == 5:
                        raise

            cell.locator(".cm-content").click()
            page.keyboard.press("Shift+Enter")
            expect(page.locator(".jp-DebuggerCallstack")).to_contain_text("total", timeout=60_000)
            variables = page.locator(".jp-DebuggerVariables")
            expect(variables).to_be_visible()
            expect(variables).to_contain_text("xs")
            page.locator(".jp-TableView-Button").first.click()
            expect(variables.locator(".jp-DebuggerVariables-grid")).to_be_visible()   # values drawn on a canvas
            page.screenshot(path=os.path.join(ARTIFACTS, "lab-debugger.png"))
            # the register's qubits, with the probability of reading 1 from each
            page.locator(".jp-TreeView-Button").first.click()
            page.locator(".jp-DebuggerVariables-toolbar select").first.select_option(label="Quantum")
            variables.get_by_text("r", exact=True).first.click()
            expect(page.locator(".jp-DebuggerSidebar").get_by_text("P(1) = 0.5", exact=True)).to_have_count(2)
            page.screenshot(path=os.path.join(ARTIFACTS, "lab-debugger-qubits.png"))
            # take the breakpoint away and continue to the end
            remove_all_breakpoints()
            page.locator("jp-button[data-command='debugger:continue'], button[data-command='debugger:continue']").first.click()
            expect(cell.locator(".jp-OutputArea-output")).to_contain_text("6")
            expect(page.locator(".jp-StatusBar-TextItem", has_text="SynQ | Idle")).to_have_count(1)
        except Exception:
            page.screenshot(path=os.path.join(ARTIFACTS, "lab-debugger-failure.png"))
            raise
        finally:
            browser.close()
    for name in ("lab-debugger.png", "lab-debugger-qubits.png"):
        shutil.copy(os.path.join(ARTIFACTS, name), os.path.join(DOC_IMAGES, name))
