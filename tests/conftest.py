"""Shared fixtures: kernels started from the installed `synq` kernelspec, history kept in a
temporary file so tests never touch the user's own."""
import os
import tempfile

import pytest
from jupyter_client.manager import start_new_kernel

# Counts carry their JSON under a vendor type: JupyterLab ranks a plain application/json output
# above SVG and would show a JSON tree instead of the histogram.
COUNTS_JSON = "application/vnd.synq.counts+json"

# tests/cluster starts a Ray head and must run inside its own network namespace
# (tests/cluster/run, which scripts/test calls after this suite).
collect_ignore = [] if os.environ.get("SYNQ_PRIVATE_NETNS") else ["cluster"]

os.environ.setdefault("SYNQ_HISTORY", os.path.join(tempfile.mkdtemp(prefix="synq-test-"), "history.jsonl"))


@pytest.fixture
def kernel():
    km, kc = start_new_kernel(kernel_name="synq")
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def run_cell(kc, code, timeout=30, **kwargs):
    """Executes code; returns (reply, [iopub messages of this request before idle])."""
    msg_id = kc.execute(code, **kwargs)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        if msg["msg_type"] not in ("status", "execute_input"):
            outputs.append(msg)
    return reply, outputs


def stdout_of(outputs):
    return "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")


def result_of(outputs):
    for m in outputs:
        if m["msg_type"] == "execute_result":
            return m["content"]["data"]
    return None
