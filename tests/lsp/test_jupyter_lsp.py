"""JupyterLab-LSP's server side (jupyter-lsp) finds `synq lsp` through the registration that
`synq install` writes, and relays LSP messages to it over its websocket, as JupyterLab does."""
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from tornado.websocket import websocket_connect

from lsp_client import ROOT, SYNQ

TOKEN = "synq-lsp-test"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_install_writes_the_jupyter_lsp_spec(tmp_path):
    out = subprocess.run([SYNQ, "install", "--prefix", str(tmp_path)], capture_output=True, text=True, check=True).stdout
    config = tmp_path / "etc/jupyter/jupyter_server_config.d/synq-lsp.json"
    assert str(config) in out
    spec = json.loads(config.read_text())["LanguageServerManager"]["language_servers"]["synq"]
    assert spec["argv"] == [os.path.realpath(SYNQ), "lsp"]
    assert spec["languages"] == ["synq"] and spec["mime_types"] == ["text/x-synq"] and spec["version"] == 2


def test_jupyter_lsp_serves_synq_notebooks(tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "server", "--no-browser", "--allow-root", f"--port={port}", f"--IdentityProvider.token={TOKEN}",
         f"--ServerApp.root_dir={tmp_path}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PATH": os.path.join(ROOT, ".venv", "bin") + ":" + os.environ["PATH"]})
    try:
        base = f"http://127.0.0.1:{port}"
        status = None
        for _ in range(120):
            try:
                status = json.load(urllib.request.urlopen(f"{base}/lsp/status?token={TOKEN}", timeout=2))
                break
            except OSError:
                time.sleep(0.25)
        assert status is not None, "jupyter server did not start"
        spec = status["specs"]["synq"]   # jupyter-lsp blanks argv in what it shows
        assert spec["languages"] == ["synq"] and spec["display_name"] == "SynQ language server (synq lsp)"
        asyncio.run(converse(f"ws://127.0.0.1:{port}/lsp/ws/synq?token={TOKEN}"))
    finally:
        server.terminate()
        server.wait(timeout=20)


async def converse(url):
    ws = await websocket_connect(url)

    async def receive(predicate):
        while True:
            message = json.loads(await asyncio.wait_for(ws.read_message(), 30))
            if predicate(message):
                return message

    ws.write_message(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                 "params": {"processId": None, "rootUri": None, "capabilities": {}}}))
    reply = await receive(lambda m: m.get("id") == 1)
    assert reply["result"]["serverInfo"]["name"] == "synq"
    ws.write_message(json.dumps({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    # cells joined the way jupyterlab-lsp joins them; a magic line is the kernel's business
    notebook = "%seed 7\nqubit q[2]\nh q[0]\n\n\ncx q[0], q[2]\n"
    ws.write_message(json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": "file:///notebook.ipynb.synq", "languageId": "synq", "version": 1, "text": notebook}}}))
    diagnostics = await receive(lambda m: m.get("method") == "textDocument/publishDiagnostics")
    assert [(d["code"], d["range"]["start"]) for d in diagnostics["params"]["diagnostics"]] == \
        [("SYNQ-Q001", {"line": 5, "character": 9})]
    ws.close()
