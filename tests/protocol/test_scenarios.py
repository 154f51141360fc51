"""Protocol scenarios with jupyter_client: interrupts, stop_on_error, stdin, restart,
bad signatures, malformed messages and a flood of output."""
import json
import xml.dom.minidom
import signal
import time
from queue import Empty

import pytest
import zmq
from jupyter_client.session import Session

from conftest import COUNTS_JSON, result_of, run_cell, stdout_of


def test_interrupt_by_message_stops_an_endless_loop_within_a_second(kernel):
    km, kc = kernel
    run_cell(kc, "let kept = 42")
    msg_id = kc.execute("var i = 0\nwhile true { i += 1 }")
    time.sleep(0.5)
    start = time.monotonic()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=5)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert time.monotonic() - start < 1.0
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    _, outputs = run_cell(kc, "kept + 1")
    assert result_of(outputs)["text/plain"] == "43"


def test_interrupt_by_sigint_stops_an_endless_loop_within_a_second(kernel):
    km, kc = kernel
    run_cell(kc, "let before = \"still here\"")
    msg_id = kc.execute("while true { }")
    time.sleep(0.5)
    start = time.monotonic()
    km.signal_kernel(signal.SIGINT)
    reply = kc.get_shell_msg(timeout=5)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert time.monotonic() - start < 1.0
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    _, outputs = run_cell(kc, "before")
    assert result_of(outputs)["text/plain"] == '"still here"'


def test_interrupt_keeps_the_quantum_state(kernel):
    km, kc = kernel
    run_cell(kc, "qubit q[2]\nx q[0]")
    msg_id = kc.execute("kernel spin(a: Qubit) { h a; while true { } }\nspin(q[1])")
    time.sleep(0.5)
    km.interrupt_kernel()
    kc.get_shell_msg(timeout=5)
    _, outputs = run_cell(kc, "probs(q)")
    assert result_of(outputs)["text/plain"] == "[0.0, 1.0, 0.0, 0.0]"


def test_stop_on_error_aborts_the_queued_cells(kernel):
    km, kc = kernel
    first = kc.execute("sleep(0.3)\nthrow error(\"first fails\")")
    second = kc.execute("print(\"must not run\")")
    third = kc.execute("print(\"nor this\")")
    replies = {}
    while len(replies) < 3:
        r = kc.get_shell_msg(timeout=10)
        replies[r["parent_header"]["msg_id"]] = r["content"]
    assert replies[first]["status"] == "error"
    assert replies[second]["status"] == "error" and replies[second]["ename"] == "ExecutionAborted"
    assert replies[third]["status"] == "error"
    _, outputs = run_cell(kc, "print(\"runs again\")")
    assert stdout_of(outputs) == "runs again\n"


def test_stop_on_error_false_runs_the_next_cells(kernel):
    km, kc = kernel
    first = kc.execute("throw error(\"fails\")", stop_on_error=False)
    second = kc.execute("1 + 1")
    replies = {}
    while len(replies) < 2:
        r = kc.get_shell_msg(timeout=10)
        replies[r["parent_header"]["msg_id"]] = r["content"]
    assert replies[first]["status"] == "error"
    assert replies[second]["status"] == "ok"


def test_input_round_trip(kernel):
    km, kc = kernel
    msg_id = kc.execute('let name = input("your name? ")\nprint("hello " + name)', allow_stdin=True)
    request = kc.get_stdin_msg(timeout=10)
    assert request["msg_type"] == "input_request"
    assert request["content"]["prompt"] == "your name? "
    kc.input("Ada")
    reply = kc.get_shell_msg(timeout=10)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["status"] == "ok"
    _, outputs = run_cell(kc, "name")
    assert result_of(outputs)["text/plain"] == '"Ada"'


def test_input_without_stdin_is_a_clear_error(kernel):
    km, kc = kernel
    reply, outputs = run_cell(kc, "input(\"?\")", allow_stdin=False)
    assert reply["content"]["status"] == "error"
    assert "allow_stdin" in reply["content"]["evalue"]


def test_shutdown_and_restart_start_a_fresh_session(kernel):
    km, kc = kernel
    run_cell(kc, "let x = 1")
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=30)
    reply, outputs = run_cell(kc, "x")
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "NameError"
    kc.shutdown()
    deadline = time.time() + 10
    while km.is_alive() and time.time() < deadline:
        time.sleep(0.05)
    assert not km.is_alive()


def test_kernel_info_on_the_control_channel(kernel):
    km, kc = kernel
    session = kc.session
    msg = session.msg("kernel_info_request", {})
    kc.control_channel.send(msg)
    reply = kc.control_channel.get_msg(timeout=10)
    assert reply["msg_type"] == "kernel_info_reply"
    info = reply["content"]
    assert info["protocol_version"] >= "5.4"
    assert info["language_info"]["name"] == "synq"
    assert info["language_info"]["file_extension"] == ".synq"
    assert info["implementation"] == "synq"


def raw_shell_socket(km, identity=b"raw-client"):
    info = km.get_connection_info()
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.IDENTITY, identity)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")
    return sock, info


def test_a_wrongly_signed_request_gets_no_reply_and_is_not_run(kernel):
    km, kc = kernel
    sock, info = raw_shell_socket(km)
    forger = Session(key=b"not-the-key", signature_scheme="hmac-sha256")
    forger.send(sock, "execute_request", {"code": "let forged = 1", "silent": False, "store_history": True,
                                          "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    assert sock.poll(1500) == 0
    _, outputs = run_cell(kc, "1 + 1")
    assert result_of(outputs)["text/plain"] == "2"
    reply, _ = run_cell(kc, "forged")
    assert reply["content"]["ename"] == "NameError"
    sock.close()


def test_fifty_malformed_messages_leave_the_kernel_answering(kernel):
    km, kc = kernel
    sock, info = raw_shell_socket(km)
    key = info["key"] if isinstance(info["key"], bytes) else info["key"].encode()
    sign = Session(key=key).sign
    header = json.dumps({"msg_id": "x", "msg_type": "execute_request", "session": "s", "username": "u",
                         "date": "2026-01-01T00:00:00Z", "version": "5.4"}).encode()
    for i in range(50):
        kind = i % 10
        if kind == 0:
            frames = [b"garbage", bytes([i])]
        elif kind == 1:
            frames = [b"no delimiter at all"]
        elif kind == 2:
            parts = [b"{not json", b"{}", b"{}", b"{}"]
            frames = [b"<IDS|MSG>", sign(parts)] + parts
        elif kind == 3:
            parts = [header, b"{}", b"{}", b"[1, 2, 3]"]
            frames = [b"<IDS|MSG>", sign(parts)] + parts
        elif kind == 4:
            parts = [json.dumps({"msg_id": 5, "msg_type": 7}).encode(), b"{}", b"{}", b"{}"]
            frames = [b"<IDS|MSG>", sign(parts)] + parts
        elif kind == 5:
            parts = [header, b"{}", b"{}", json.dumps({"code": 12345}).encode()]
            frames = [b"<IDS|MSG>", sign(parts)] + parts
        elif kind == 6:
            frames = [b"<IDS|MSG>", b"", header]
        elif kind == 7:
            frames = [b"<IDS|MSG>", b"x" * 64, header, b"{}", b"{}", b"{}"]
        elif kind == 8:
            big = b'{"code": "' + b"1" * (8 << 20) + b'"}'
            parts = [header, b"{}", b"{}", big]
            frames = [b"<IDS|MSG>", b"deadbeef"] + parts
        else:
            parts = [json.dumps({"msg_id": "y", "msg_type": "no_such_request", "session": "s"}).encode(), b"{}", b"{}", b"{}"]
            frames = [b"<IDS|MSG>", sign(parts)] + parts
        sock.send_multipart(frames)
    time.sleep(0.5)
    assert km.is_alive()
    _, outputs = run_cell(kc, "6 * 7")
    assert result_of(outputs)["text/plain"] == "42"
    # the kernel answered malformed-but-signed requests with nothing it should not have run
    replies = []
    while sock.poll(100):
        replies.append(sock.recv_multipart())
    for frames in replies:
        content = json.loads(frames[-1])
        assert content.get("status") != "ok" or "execution_count" not in content
    sock.close()


def test_one_hundred_thousand_printed_lines_all_arrive(kernel):
    km, kc = kernel
    reply, outputs = run_cell(kc, "for i in 0..100000 { print(i) }", timeout=60)
    assert reply["content"]["status"] == "ok"
    text = stdout_of(outputs)
    lines = text.split("\n")
    assert lines[-1] == ""
    assert len(lines) - 1 == 100000
    assert lines[0] == "0" and lines[99999] == "99999"
    stream_messages = [m for m in outputs if m["msg_type"] == "stream"]
    assert len(stream_messages) < 200, "output is coalesced into few messages"


def test_subscribers_joining_during_a_flood_of_output_hear_their_welcome_first(kernel):
    km, kc = kernel
    info = km.get_connection_info()
    session = Session(key=info["key"], signature_scheme=info["signature_scheme"])
    msg_id = kc.execute("for i in 0..200000 { print(i) }")
    ctx = zmq.Context.instance()
    for _ in range(20):
        sub = ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.LINGER, 0)
        sub.setsockopt(zmq.SUBSCRIBE, b"")
        sub.connect(f"{info['transport']}://{info['ip']}:{info['iopub_port']}")
        assert sub.poll(5000), "a new subscriber hears something"
        _, frames = session.feed_identities(sub.recv_multipart())
        first = session.deserialize(frames)
        assert first["header"]["msg_type"] == "iopub_welcome"
        assert first["content"]["subscription"] == ""
        sub.close()
    reply = kc.get_shell_msg(timeout=60)
    assert reply["parent_header"]["msg_id"] == msg_id and reply["content"]["status"] == "ok"


def test_execution_count_counts_only_stored_requests_and_silent_is_quiet(kernel):
    km, kc = kernel
    r1, _ = run_cell(kc, "1")
    r2, out2 = run_cell(kc, "print(\"hidden\")", silent=True)
    r3, _ = run_cell(kc, "2", store_history=False)
    r4, _ = run_cell(kc, "3")
    assert out2 == []
    assert r4["content"]["execution_count"] == r1["content"]["execution_count"] + 1


def test_user_expressions_are_evaluated(kernel):
    km, kc = kernel
    reply, _ = run_cell(kc, "let width = 3", user_expressions={"area": "width * width", "bad": "1 / 0"})
    exprs = reply["content"]["user_expressions"]
    assert exprs["area"]["status"] == "ok"
    assert exprs["area"]["data"]["text/plain"] == "9"
    assert exprs["bad"]["status"] == "error"


def test_display_update_and_clear_output(kernel):
    km, kc = kernel
    reply, outputs = run_cell(kc, 'display("first", id: "d1")\ndisplay("second", id: "d1", update: true)\nclear_output(wait: true)')
    types = [m["msg_type"] for m in outputs]
    assert types == ["display_data", "update_display_data", "clear_output"]
    assert outputs[0]["content"]["transient"]["display_id"] == "d1"
    assert outputs[1]["content"]["data"]["text/plain"] == '"second"'


def test_unknown_comm_targets_are_closed(kernel):
    km, kc = kernel
    msg = kc.session.msg("comm_open", {"comm_id": "c-1", "target_name": "nobody", "data": {}})
    kc.shell_channel.send(msg)
    deadline = time.time() + 10
    while time.time() < deadline:
        m = kc.get_iopub_msg(timeout=10)
        if m["msg_type"] == "comm_close":
            assert m["content"]["comm_id"] == "c-1"
            break
    else:
        pytest.fail("no comm_close")
    kc.comm_info()
    reply = kc.get_shell_msg(timeout=10)
    assert reply["content"] == {"status": "ok", "comms": {}}


def test_help_fills_the_pager(kernel):
    km, kc = kernel
    reply, _ = run_cell(kc, "help(sqrt)")
    payload = reply["content"]["payload"]
    assert payload[0]["source"] == "page"
    assert payload[0]["data"]["text/plain"].startswith("sqrt(x)")


def test_errors_carry_ename_evalue_and_a_traceback_with_the_line(kernel):
    km, kc = kernel
    reply, outputs = run_cell(kc, "let a = 1\nlet b = a +* 2")
    content = reply["content"]
    assert content["ename"] == "SyntaxError"
    assert content["evalue"].startswith("[SYNQ-P004]")
    assert any("let b = a +* 2" in line for line in content["traceback"])
    assert [m["msg_type"] for m in outputs] == ["error"]


def test_completion_cursor_counts_code_points(kernel):
    km, kc = kernel
    run_cell(kc, "let γamma = 1")
    code = 'print("é", γa'
    kc.complete(code, len(code))
    reply = kc.get_shell_msg(timeout=10)
    assert reply["content"]["matches"] == ["γamma"]
    assert reply["content"]["cursor_start"] == len(code) - 2
    assert reply["content"]["cursor_end"] == len(code)


def test_history_survives_a_restart(kernel):
    km, kc = kernel
    run_cell(kc, "let marker_for_history = 12345")
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=30)
    kc.history(hist_access_type="search", pattern="let marker_for_history*", raw=True, output=False)
    reply = kc.get_shell_msg(timeout=10)
    assert any(h[2] == "let marker_for_history = 12345" for h in reply["content"]["history"])


def test_interrupt_stops_a_long_simulation_within_a_second(kernel):
    km, kc = kernel
    # a Toffoli between layers of H keeps fusion from collapsing the work into a few passes
    run_cell(kc, "qubit q[20]\nfor i in 0..4000 { h q; ccx q[0], q[1], q[2] }")
    msg_id = kc.execute("probs(q[0])")
    time.sleep(0.5)
    start = time.monotonic()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=5)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert time.monotonic() - start < 1.0
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    _, outputs = run_cell(kc, "reset_all()\nqubit r[2]\nx r[1]\nprobs(r)")
    assert result_of(outputs)["text/plain"] == "[0.0, 0.0, 1.0, 0.0]"


def test_noise_density_and_single_precision_through_the_kernel(kernel):
    km, kc = kernel
    _, outputs = run_cell(kc, "%config precision=single")
    assert "precision = single" in stdout_of(outputs)
    run_cell(kc, "kernel bell() { qubit q[2]; h q[0]; cx q[0], q[1] }")
    _, outputs = run_cell(kc, "expect(bell(), Z(0) * Z(1))")
    assert abs(float(result_of(outputs)["text/plain"]) - 1) < 1e-6
    _, outputs = run_cell(kc, "%config")
    assert "precision=single" in stdout_of(outputs)
    _, outputs = run_cell(kc, "density(bell(), noise: depolarizing(0.1))")
    data = result_of(outputs)
    assert "purity" in data["text/html"] and "<table" in data["text/html"]
    assert data["text/plain"].startswith("DensityMatrix(2 qubits, purity")
    _, outputs = run_cell(kc, "run(bell(), shots: 2000, seed: 1, noise: readout(0.1)).to_map()")
    counts = {k.strip('"'): int(v) for k, v in (kv.split(": ") for kv in result_of(outputs)["text/plain"].strip("{}").split(", "))}
    assert set(counts) == {"00", "01", "10", "11"}
    assert 0.12 < (counts["01"] + counts["10"]) / 2000 < 0.24


def test_minimize_updates_its_plot_in_place_and_an_interrupt_returns_the_best_point(kernel):
    km, kc = kernel
    msg_id = kc.execute('fn slow(x) { sleep(0.02); return (x[0] - 3.0) ** 2 + 1.0 }\n'
                        'let r = minimize(slow, [0.0], method: "nelder-mead", steps: 100000, tol: 0.0)\nr')
    time.sleep(1.5)
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=10)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["status"] == "ok"
    outputs = []
    while True:
        m = kc.get_iopub_msg(timeout=10)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
        outputs.append(m)
    plots = [m for m in outputs if m["msg_type"] in ("display_data", "update_display_data")
             and "image/svg+xml" in m["content"]["data"]]
    assert plots[0]["msg_type"] == "display_data"
    assert len(plots) >= 3 and all(m["msg_type"] == "update_display_data" for m in plots[1:])
    assert len({m["content"]["transient"]["display_id"] for m in plots}) == 1
    xml.dom.minidom.parseString(plots[-1]["content"]["data"]["image/svg+xml"])
    result = result_of(outputs)["text/plain"]
    assert "interrupted after" in result and "best point so far" in result
    best = float(result.split("f = ")[1].split()[0])
    assert best < 10
    _, after = run_cell(kc, "r.fun == min(r.history)")
    assert result_of(after)["text/plain"] == "true"


def test_a_long_run_shows_a_progress_line_updated_in_place(kernel):
    km, kc = kernel
    code = ("kernel loop() { qubit q[16]\n h q\n measure q[0] as m\n if m { x q[1] }\n h q\n rz(0.3) q\n h q\n measure q }\n"
            "let k = run(loop(), shots: 400, seed: 1)\nk.shots")
    reply, outputs = run_cell(kc, code, timeout=120)
    assert reply["content"]["status"] == "ok"
    lines = [m for m in outputs if m["msg_type"] in ("display_data", "update_display_data")]
    assert lines and lines[0]["msg_type"] == "display_data"
    assert all(m["msg_type"] == "update_display_data" for m in lines[1:])
    assert lines[-1]["content"]["data"]["text/plain"].startswith("run: 400 shots in")
    assert any("of 400" in m["content"]["data"]["text/plain"] for m in lines[:-1])
    assert result_of(outputs)["text/plain"] == "400"


def test_a_loop_over_progress_shows_a_line_that_finishes_in_place(kernel):
    km, kc = kernel
    reply, outputs = run_cell(kc, 'var total = 0\nfor i in progress(0..40, label: "scan") { sleep(0.025); total += i }\ntotal', timeout=60)
    assert reply["content"]["status"] == "ok"
    lines = [m for m in outputs if m["msg_type"] in ("display_data", "update_display_data")]
    assert lines and lines[0]["msg_type"] == "display_data"
    assert all(m["msg_type"] == "update_display_data" for m in lines[1:])
    assert lines[0]["content"]["data"]["text/plain"].startswith("scan: ") and "of 40" in lines[0]["content"]["data"]["text/plain"]
    assert lines[-1]["content"]["data"]["text/plain"].startswith("scan: 40 of 40 in")
    assert result_of(outputs)["text/plain"] == "780"
    reply, quick = run_cell(kc, "var s = 0\nfor i in progress([1, 2, 3]) { s += i }\ns")
    assert [m["msg_type"] for m in quick if "display" in m["msg_type"]] == []
    assert result_of(quick)["text/plain"] == "6"


def test_quantum_values_answer_with_their_rich_forms(kernel):
    km, kc = kernel
    run_cell(kc, "kernel k() { qubit q[3]\n h q[0]\n cx q[0], q[1]\n t q[2]\n measure q[0]\n measure q[2] }")
    _, outputs = run_cell(kc, "k()")
    data = result_of(outputs)
    assert "q[0]" in data["text/plain"]
    result = next(m for m in outputs if m["msg_type"] == "execute_result")
    assert result["content"]["metadata"] == {"image/svg+xml": {"unconfined": True}}
    svg = xml.dom.minidom.parseString(data["image/svg+xml"])
    classes = [e.getAttribute("class") for e in svg.getElementsByTagName("*")]
    assert classes.count("gate") == 2 and classes.count("target") == 1   # h and t as boxes, cx as ⊕
    assert classes.count("measure") == 2
    _, outputs = run_cell(kc, "run(k(), shots: 100, seed: 1)")
    data = result_of(outputs)
    assert sum(data[COUNTS_JSON].values()) == 100
    assert len([e for e in xml.dom.minidom.parseString(data["image/svg+xml"]).getElementsByTagName("rect")
                if e.getAttribute("class") == "bar"]) == len(data[COUNTS_JSON])
    _, outputs = run_cell(kc, "state(k())")
    data = result_of(outputs)
    assert "<table" in data["text/html"] and data["text/latex"].startswith("$")
    _, outputs = run_cell(kc, "estimate(k())")
    assert "<table" in result_of(outputs)["text/html"]
