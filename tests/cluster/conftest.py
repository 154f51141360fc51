"""A real Ray head with token authentication, and notebooks driven through nbclient against it.
`tests/cluster/run` starts pytest inside a network namespace with only loopback."""
import http.server
import json
import os
import secrets
import shutil
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

import nbformat
import pytest
from jupyter_core.utils import run_sync
from nbclient import NotebookClient

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RAY_BIN = os.path.join(ROOT, ".venv-ray", "bin")
DASHBOARD = "http://127.0.0.1:8265"

if not os.environ.get("SYNQ_PRIVATE_NETNS"):
    pytest.exit("tests/cluster runs inside a private network namespace: use tests/cluster/run", returncode=2)


class RayHead:
    """`ray start --head` with RAY_AUTH_MODE=token, its state in a temporary HOME."""

    def __init__(self):
        self.token = secrets.token_hex(24)
        self.home = tempfile.mkdtemp(prefix="synq-ray-home-")
        self.token_file = os.path.join(self.home, "token")
        with open(self.token_file, "w") as f:
            f.write(self.token + "\n")
        self.env = dict(os.environ, HOME=self.home, RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=self.token,
                        RAY_USAGE_STATS_ENABLED="0", PATH=RAY_BIN + os.pathsep + os.environ["PATH"])

    def start(self):
        subprocess.run([os.path.join(RAY_BIN, "ray"), "start", "--head", "--node-ip-address=127.0.0.1", "--port=6379",
                        "--dashboard-host=127.0.0.1", "--dashboard-port=8265", "--num-cpus=2", "--disable-usage-stats"],
                       env=self.env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                self.api("GET", "/api/version")
                return
            except Exception:
                time.sleep(0.5)
        raise RuntimeError("the Ray dashboard did not come up")

    def stop(self):
        subprocess.run([os.path.join(RAY_BIN, "ray"), "stop", "--force"], env=self.env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)

    def api(self, method, path):
        request = urllib.request.Request(DASHBOARD + path, method=method, headers={"Authorization": "Bearer " + self.token})
        with urllib.request.urlopen(request, timeout=10) as f:
            return json.load(f)

    def jobs_with(self, key, value):
        return [j for j in self.api("GET", "/api/jobs/") if (j.get("metadata") or {}).get(key) == value]


@pytest.fixture(scope="session")
def ray_head():
    head = RayHead()
    head.start()
    yield head
    head.stop()
    shutil.rmtree(head.home, ignore_errors=True)


class TLSProxy:
    """An https front for the dashboard with a self-signed certificate for localhost, as a TLS
    terminating ingress would put before a Ray head."""

    def __init__(self, port=8443):
        self.dir = tempfile.mkdtemp(prefix="synq-tls-")
        self.cert = os.path.join(self.dir, "cert.pem")
        key = os.path.join(self.dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", self.cert,
                        "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        class Forward(http.server.BaseHTTPRequestHandler):
            def forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type")}
                request = urllib.request.Request(DASHBOARD + self.path, data=self.rfile.read(length) if length else None,
                                                 method=self.command, headers=headers)
                try:
                    with urllib.request.urlopen(request, timeout=60) as f:
                        status, body = f.status, f.read()
                except urllib.error.HTTPError as e:
                    status, body = e.code, e.read()
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = forward

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Forward)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://localhost:{port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def tls_proxy(ray_head):
    proxy = TLSProxy()
    yield proxy
    proxy.close()


class Notebook:
    """A notebook grown cell by cell through nbclient, one kernel kept alive across cells."""

    def __init__(self, env=None):
        self.nb = nbformat.v4.new_notebook()
        self.client = NotebookClient(self.nb, kernel_name="synq", timeout=180, allow_errors=True)
        self.client.km = self.client.create_kernel_manager()
        self.client.start_new_kernel(env=dict(os.environ, **(env or {})))
        self.client.start_new_kernel_client()

    def run(self, source):
        cell = nbformat.v4.new_code_cell(source)
        self.nb.cells.append(cell)
        self.client.execute_cell(cell, len(self.nb.cells) - 1)
        return cell.outputs

    def run_interrupted(self, source, after):
        timer = threading.Timer(after, run_sync(self.client.km.interrupt_kernel))
        timer.start()
        try:
            return self.run(source)
        finally:
            timer.cancel()

    def restart(self):
        run_sync(self.client.km.restart_kernel)(now=True)
        run_sync(self.client.kc.wait_for_ready)(timeout=60)

    def close(self):
        self.client.kc.stop_channels()
        run_sync(self.client.km.shutdown_kernel)(now=True)


@pytest.fixture
def notebook():
    opened = []

    def open_notebook(env=None):
        nb = Notebook(env)
        opened.append(nb)
        return nb

    yield open_notebook
    for nb in opened:
        nb.close()


def text_of(outputs):
    """Everything a cell showed as text: streams, results, displays and errors."""
    parts = []
    for o in outputs:
        if o["output_type"] == "stream":
            parts.append(o["text"])
        elif o["output_type"] in ("execute_result", "display_data"):
            parts.append(o["data"].get("text/plain", ""))
        elif o["output_type"] == "error":
            parts.append(o["ename"] + ": " + o["evalue"])
    return "".join(parts)


def error_of(outputs):
    errors = [o for o in outputs if o["output_type"] == "error"]
    return errors[0] if errors else None


def result_text(outputs):
    return next(o["data"]["text/plain"] for o in outputs if o["output_type"] == "execute_result")
