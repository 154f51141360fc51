"""A scripted Debug Adapter Protocol session through jupyter_client's control channel, as
JupyterLab's debugger drives it: breakpoints in a loop inside a function, the stack, scopes
and variables (a register shows its qubits), stepping over, into a kernel and out, evaluate in a
frame, conditional breakpoints, pause, stopping on errors, interrupt while stopped, and the
variable explorer's requests."""
import queue
import time

import pytest
from jupyter_client.manager import start_new_kernel

CODE = """fn total(xs) {
    var s = 0
    for x in xs {
        s += x
    }
    return s
}
kernel prepare(q) {
    h q[0]
    cx q[0], q[1]
}
qubit r[2]
prepare(r)
let t = total([1, 2, 3])
print("total", t)
"""


def murmur2(data: bytes, seed: int) -> int:
    """MurmurHash2, 32-bit, written from the reference algorithm (JupyterLab hashes cells so)."""
    m, mask = 0x5BD1E995, 0xFFFFFFFF
    h = (seed ^ len(data)) & mask
    i = 0
    while len(data) - i >= 4:
        k = int.from_bytes(data[i:i + 4], "little")
        k = (k * m) & mask
        k ^= k >> 24
        k = (k * m) & mask
        h = ((h * m) & mask) ^ k
        i += 4
    rest = len(data) - i
    if rest >= 3:
        h ^= data[i + 2] << 16
    if rest >= 2:
        h ^= data[i + 1] << 8
    if rest >= 1:
        h ^= data[i]
        h = (h * m) & mask
    h ^= h >> 13
    h = (h * m) & mask
    h ^= h >> 15
    return h


class DebugClient:
    def __init__(self, kc):
        self.kc = kc
        self.seq = 0
        self.events = []
        self.iopub = []

    def request(self, command, arguments=None, timeout=20):
        self.seq += 1
        msg = self.kc.session.msg("debug_request", {"type": "request", "seq": self.seq, "command": command,
                                                    "arguments": arguments or {}})
        self.kc.control_channel.send(msg)
        while True:
            reply = self.kc.control_channel.get_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                assert reply["msg_type"] == "debug_reply"
                return reply["content"]

    def body(self, command, arguments=None):
        response = self.request(command, arguments)
        assert response["success"], response
        return response["body"]

    def event(self, name, timeout=20):
        for e in self.events:
            if e["event"] == name:
                self.events.remove(e)
                return e
        while True:
            msg = self.kc.get_iopub_msg(timeout=timeout)
            self.iopub.append(msg)
            if msg["msg_type"] == "debug_event":
                if msg["content"]["event"] == name:
                    return msg["content"]
                self.events.append(msg["content"])

    def reply(self, msg_id, timeout=30):
        while True:
            reply = self.kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]

    def drain_output(self, msg_id, timeout=20):
        """Stdout of a request until its idle status."""
        text = "".join(m["content"]["text"] for m in self.iopub
                       if m["msg_type"] == "stream" and m["parent_header"].get("msg_id") == msg_id)
        while True:
            msg = self.kc.get_iopub_msg(timeout=timeout)
            if msg["msg_type"] == "debug_event":
                self.events.append(msg["content"])
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                text += msg["content"]["text"]
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return text

    def stack(self):
        return self.body("stackTrace", {"threadId": 1})["stackFrames"]

    def variables(self, reference):
        return {v["name"]: v for v in self.body("variables", {"variablesReference": reference})["variables"]}

    def scope(self, frame_id, name):
        scopes = {s["name"]: s["variablesReference"] for s in self.body("scopes", {"frameId": frame_id})["scopes"]}
        return self.variables(scopes[name])


@pytest.fixture
def debug():
    km, kc = start_new_kernel(kernel_name="synq")
    client = DebugClient(kc)
    caps = client.body("initialize", {"clientID": "test", "adapterID": "synq", "pathFormat": "path",
                                      "linesStartAt1": True, "columnsStartAt1": True})
    assert caps["supportsConditionalBreakpoints"] is True
    client.body("attach")
    yield client
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def test_kernel_info_advertises_the_debugger():
    km, kc = start_new_kernel(kernel_name="synq")
    try:
        kc.kernel_info()
        info = kc.get_shell_msg(timeout=10)["content"]
        assert info["debugger"] is True and "debugger" in info["supported_features"]
        assert km.kernel_spec.metadata["debugger"] is True
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_breakpoints_stack_variables_stepping_and_evaluate(debug):
    assert debug.event("thread")["body"] == {"reason": "started", "threadId": 1}
    info = debug.body("debugInfo")
    assert info["hashMethod"] == "Murmur2" and info["isStarted"] is True
    path = debug.body("dumpCell", {"code": CODE})["sourcePath"]
    assert path == f"{info['tmpFilePrefix']}{murmur2(CODE.encode(), info['hashSeed'])}{info['tmpFileSuffix']}"
    assert open(path).read() == CODE

    placed = debug.body("setBreakpoints", {"source": {"path": path}, "breakpoints": [{"line": 13}, {"line": 4}]})
    assert [b["verified"] for b in placed["breakpoints"]] == [True, True]
    assert debug.body("debugInfo")["breakpoints"] == [{"source": path, "breakpoints": [{"line": 4}, {"line": 13}]}]
    debug.body("configurationDone")
    msg_id = debug.kc.execute(CODE)

    # stopped at `prepare(r)` in the cell; the register is live with both qubits in |0>
    assert debug.event("stopped")["body"]["reason"] == "breakpoint"
    frames = debug.stack()
    assert [(f["name"], f["line"]) for f in frames] == [("<cell>", 13)]
    assert frames[0]["source"]["path"] == path
    assert debug.body("debugInfo")["stoppedThreads"] == [1]
    quantum = debug.scope(frames[0]["id"], "Quantum")
    assert quantum["r"]["type"] == "Register" and quantum["r"]["variablesReference"] > 0
    assert {k: v["value"] for k, v in debug.variables(quantum["r"]["variablesReference"]).items()} == \
        {"r[0]": "P(1) = 0.0", "r[1]": "P(1) = 0.0"}

    # step into the kernel, then out of it: the Bell pair is made
    debug.body("stepIn", {"threadId": 1})
    debug.event("continued")
    assert debug.event("stopped")["body"]["reason"] == "step"
    assert [(f["name"], f["line"]) for f in debug.stack()] == [("prepare", 9), ("<cell>", 13)]
    debug.body("stepOut", {"threadId": 1})
    assert debug.event("stopped")["body"]["reason"] == "step"
    frames = debug.stack()
    assert [(f["name"], f["line"]) for f in frames] == [("<cell>", 14)]
    quantum = debug.scope(frames[0]["id"], "Quantum")
    assert {k: v["value"] for k, v in debug.variables(quantum["r"]["variablesReference"]).items()} == \
        {"r[0]": "P(1) = 0.5", "r[1]": "P(1) = 0.5"}

    # the breakpoint in the loop inside total
    debug.body("continue", {"threadId": 1})
    assert debug.event("stopped")["body"]["reason"] == "breakpoint"
    frames = debug.stack()
    assert [(f["name"], f["line"]) for f in frames] == [("total", 4), ("<cell>", 14)]
    local = debug.scope(frames[0]["id"], "Locals")
    assert (local["x"]["value"], local["s"]["value"], local["xs"]["value"]) == ("1", "0", "[1, 2, 3]")
    assert local["xs"]["type"] == "List"
    assert [v["value"] for v in debug.variables(local["xs"]["variablesReference"]).values()] == ["1", "2", "3"]

    # next: the loop comes round with x = 2; evaluate in the frame
    debug.body("next", {"threadId": 1})
    debug.event("stopped")
    frames = debug.stack()
    assert frames[0]["line"] == 4
    assert debug.scope(frames[0]["id"], "Locals")["x"]["value"] == "2"
    result = debug.body("evaluate", {"expression": "s * 10 + x", "frameId": frames[0]["id"], "context": "repl"})
    assert (result["result"], result["type"]) == ("12", "Int")
    failed = debug.request("evaluate", {"expression": "nope + 1", "frameId": frames[0]["id"]})
    assert failed["success"] is False and "nope" in failed["message"]

    # without breakpoints, continue runs to the end with the output a plain run gives
    debug.body("setBreakpoints", {"source": {"path": path}, "breakpoints": []})
    debug.body("continue", {"threadId": 1})
    debug.event("continued")
    assert debug.reply(msg_id)["status"] == "ok"
    assert debug.drain_output(msg_id) == "total 6\n"
    assert debug.event("output")["body"] == {"category": "stdout", "output": "total 6\n"}
    names = {v["name"]: v for v in debug.body("inspectVariables")["variables"]}
    assert names["t"]["value"] == "6" and names["t"]["type"] == "Int"
    assert "total" not in names, "functions are not variables"


def test_conditional_breakpoint_stops_only_when_the_condition_holds(debug):
    code = "var seen = []\nfor k in 0..5 {\n    seen.append(k)\n}\nprint(seen)\n"
    path = debug.body("dumpCell", {"code": code})["sourcePath"]
    debug.body("setBreakpoints", {"source": {"path": path}, "breakpoints": [{"line": 3, "condition": "k == 3"}]})
    msg_id = debug.kc.execute(code)
    assert debug.event("stopped")["body"]["reason"] == "breakpoint"
    frame = debug.stack()[0]
    assert debug.scope(frame["id"], "Locals")["k"]["value"] == "3"
    assert debug.scope(frame["id"], "Globals")["seen"]["value"] == "[0, 1, 2]"
    debug.body("continue", {"threadId": 1})
    assert debug.reply(msg_id)["status"] == "ok"
    assert debug.drain_output(msg_id) == "[0, 1, 2, 3, 4]\n"
    with pytest.raises(queue.Empty):
        debug.event("stopped", timeout=1)


def test_pause_an_endless_loop_then_interrupt_it(debug):
    msg_id = debug.kc.execute("var i = 0\nwhile true {\n    i += 1\n}\n")
    time.sleep(0.5)
    debug.body("pause", {"threadId": 1})
    assert debug.event("stopped")["body"]["reason"] == "pause"
    frame = debug.stack()[0]
    assert frame["line"] == 3
    assert int(debug.body("evaluate", {"expression": "i", "frameId": frame["id"]})["result"]) > 0
    debug.kc.control_channel.send(debug.kc.session.msg("interrupt_request", {}))
    reply = debug.reply(msg_id)
    assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
    # the session lives on, with what the interrupted cell bound
    check = debug.kc.execute("print(i > 0)")
    assert debug.reply(check)["status"] == "ok"
    assert debug.drain_output(check) == "true\n"


def test_stop_on_error_and_copy_to_globals(debug):
    debug.body("setExceptionBreakpoints", {"filters": ["raised"]})
    code = "fn risky(n) {\n    let half = n / 2\n    return [1, 2][n]\n}\nrisky(5)\n"
    msg_id = debug.kc.execute(code)
    stopped = debug.event("stopped")["body"]
    assert stopped["reason"] == "exception" and "IndexError" in stopped["description"]
    frame = debug.stack()[0]
    assert (frame["name"], frame["line"]) == ("risky", 3)
    debug.body("copyToGlobals", {"srcVariableName": "half", "dstVariableName": "saved_half", "srcFrameId": frame["id"]})
    debug.body("continue", {"threadId": 1})
    assert debug.reply(msg_id)["ename"] == "IndexError"
    check = debug.kc.execute("print(saved_half)")
    assert debug.reply(check)["status"] == "ok" and debug.drain_output(check) == "2.5\n"


def test_rich_inspection_of_a_circuit(debug):
    msg_id = debug.kc.execute("kernel bell() {\n    qubit q[2]\n    h q[0]\n    cx q[0], q[1]\n}\nlet circuit = bell()\n")
    assert debug.reply(msg_id)["status"] == "ok"
    rich = debug.body("richInspectVariables", {"variableName": "circuit"})
    assert rich["data"]["image/svg+xml"].lstrip().startswith("<svg")
    assert "text/plain" in rich["data"]
    missing = debug.request("richInspectVariables", {"variableName": "nothing_here"})
    assert missing["success"] is False


def test_disconnect_lets_a_stopped_cell_finish_exactly_as_without_the_debugger(debug):
    code = "var acc = 0\nfor i in 1..4 {\n    acc += i * i\n}\nprint(acc)\n"
    path = debug.body("dumpCell", {"code": code})["sourcePath"]
    debug.body("setBreakpoints", {"source": {"path": path}, "breakpoints": [{"line": 3}]})
    msg_id = debug.kc.execute(code)
    debug.event("stopped")
    debug.body("disconnect", {"restart": False, "terminateDebuggee": False})
    assert debug.reply(msg_id)["status"] == "ok"
    assert debug.drain_output(msg_id) == "14\n"
    assert debug.event("terminated")["event"] == "terminated"
    assert debug.request("stackTrace", {"threadId": 1})["success"] is False


def test_shutdown_while_stopped():
    km, kc = start_new_kernel(kernel_name="synq")
    try:
        debug = DebugClient(kc)
        debug.body("initialize")
        debug.body("attach")
        code = "let a = 1\nlet b = 2\n"
        path = debug.body("dumpCell", {"code": code})["sourcePath"]
        debug.body("setBreakpoints", {"source": {"path": path}, "breakpoints": [{"line": 2}]})
        kc.execute(code)
        debug.event("stopped")
        km.request_shutdown()
        km.finish_shutdown(waittime=10)
        assert not km.is_alive()
    finally:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=True)


def test_maps_structs_and_tuples_expand(debug):
    code = 'struct Point { x: Int, y: Int }\nlet p = Point(x: 3, y: 4)\nlet m = {"a": 1, "b": [2, 3]}\nlet t = (p, "s")\nprint(1)\n'
    path = debug.body("dumpCell", {"code": code})["sourcePath"]
    debug.body("setBreakpoints", {"source": {"path": path}, "breakpoints": [{"line": 5}]})
    msg_id = debug.kc.execute(code)
    debug.event("stopped")
    globals_ = debug.scope(debug.stack()[0]["id"], "Globals")
    point = debug.variables(globals_["p"]["variablesReference"])
    assert {k: (v["value"], v["evaluateName"]) for k, v in point.items()} == {"x": ("3", "p.x"), "y": ("4", "p.y")}
    entries = debug.variables(globals_["m"]["variablesReference"])
    assert list(entries) == ['"a"', '"b"'] and entries['"b"']["variablesReference"] > 0
    assert [v["value"] for v in debug.variables(entries['"b"']["variablesReference"]).values()] == ["2", "3"]
    items = debug.variables(globals_["t"]["variablesReference"])
    assert items["[0]"]["type"] == "Point" and items["[0]"]["variablesReference"] > 0
    debug.body("continue", {"threadId": 1})
    assert debug.reply(msg_id)["status"] == "ok"
