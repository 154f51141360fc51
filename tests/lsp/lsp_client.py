"""A small scripted LSP client: starts `synq lsp`, frames JSON-RPC over its pipes, and keeps
the notifications (diagnostics) it receives while waiting for responses."""
import json
import os
import queue
import subprocess
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SYNQ = os.environ.get("SYNQ_BINARY", os.path.join(ROOT, ".build", "release", "synq"))


class ServerError(Exception):
    def __init__(self, error):
        super().__init__(error.get("message"))
        self.code = error.get("code")


class LSPClient:
    def __init__(self, encodings=None):
        self.process = subprocess.Popen([SYNQ, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        self.next_id = 0
        self.incoming = queue.Queue()
        self.notifications = []
        threading.Thread(target=self._read, daemon=True).start()
        capabilities = {"general": {"positionEncodings": encodings}} if encodings else {}
        self.initialize_result = self.request("initialize", {"processId": os.getpid(), "rootUri": None,
                                                             "capabilities": capabilities})
        self.notify("initialized", {})
        self.versions = {}

    def _read(self):
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self.incoming.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.incoming.put(json.loads(stream.read(length)))

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def send_raw(self, data):
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def receive(self, timeout=20):
        message = self.incoming.get(timeout=timeout)
        if message is None:
            raise EOFError("the server closed its output")
        if "id" not in message:
            self.notifications.append(message)
        return message

    def response(self, request_id, timeout=20):
        while True:
            message = self.receive(timeout)
            if message.get("id") == request_id and "method" not in message:
                return message

    def request(self, method, params, timeout=20):
        self.next_id += 1
        request_id = self.next_id
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        message = self.response(request_id, timeout)
        if "error" in message:
            raise ServerError(message["error"])
        return message["result"]

    # documents

    def open(self, uri, text):
        self.versions[uri] = 1
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "synq", "version": 1, "text": text}})
        return self.diagnostics(uri, 1)

    def change(self, uri, changes):
        self.versions[uri] += 1
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": self.versions[uri]},
                                               "contentChanges": changes})
        return self.diagnostics(uri, self.versions[uri])

    def diagnostics(self, uri, version, timeout=20):
        """The diagnostics published for this version of the document."""
        def wanted(message):
            params = message.get("params") or {}
            return message.get("method") == "textDocument/publishDiagnostics" and params.get("uri") == uri \
                and params.get("version") == version
        for note in self.notifications:
            if wanted(note):
                self.notifications.remove(note)
                return note["params"]["diagnostics"]
        while True:
            message = self.receive(timeout)
            if wanted(message):
                self.notifications.remove(message)
                return message["params"]["diagnostics"]

    def at(self, method, uri, line, character, **extra):
        params = {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
        params.update(extra)
        return self.request(method, params)

    def close(self):
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            return self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
