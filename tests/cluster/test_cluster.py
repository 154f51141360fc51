"""Heavy runs on a real Ray cluster, driven through notebooks: the answers equal local runs with
the same seed, a sweep is one Ray job, and every fault ends in a clear error with the session
intact."""
import json
import os
import re
import threading
import time

import nbformat
from nbclient import NotebookClient

from conftest import DASHBOARD, ROOT, error_of, result_text, text_of

LAYERS = """
kernel layers(n: Int, depth: Int) {
    qubit q[n]
    for d in 0..depth {
        for i in 0..n { ry(0.1 * (i + d) + 0.05 * i * i) q[i] }
        for i in 0..n - 1 { cx q[i], q[i + 1] }
        rz(0.3 * d) q[n - 1]
    }
}
"""
# About 1 s per 100 shots on one core: long enough to stop, cancel or interrupt mid-run.
LONG_RUN = 'async run(layers(14, 10), shots: 20000, seed: 3, engine: "statevector", noise: depolarizing(0.001))'


def connect(nb, head):
    out = nb.run(f"%cluster connect ray {DASHBOARD} --token-file {head.token_file}")
    assert error_of(out) is None, text_of(out)
    assert "connected to Ray" in text_of(out)
    return out


def job_id(nb, name):
    return result_text(nb.run(f"{name}.id")).strip().strip("'\"")


def wait_for_state(nb, name, state, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if state in text_of(nb.run(f"{name}.state")):
            return
        time.sleep(0.5)
    raise AssertionError(f"{name} never reached {state}")


def test_status_names_ray_version_nodes_and_cpus(ray_head, notebook):
    nb = notebook()
    connect(nb, ray_head)
    status = text_of(nb.run("%cluster status"))
    version = ray_head.api("GET", "/api/version")["ray_version"]
    assert f"Ray {version} at http://127.0.0.1:8265" in status
    assert "1 node, 2 CPUs" in status
    assert ray_head.token not in status
    # Disconnecting sends later jobs to this machine again.
    assert "disconnected from http://127.0.0.1:8265" in text_of(nb.run("%cluster disconnect"))
    nb.run("kernel coin() {\n    qubit q[1]\n    h q[0]\n}\nlet here = async run(coin(), shots: 10)")
    assert '"local"' in result_text(nb.run("here.where"))
    assert "no cluster" in text_of(nb.run("%cluster status"))


def test_a_20_qubit_run_on_the_cluster_equals_the_local_run_with_the_same_seed(ray_head, notebook):
    nb = notebook()
    connect(nb, ray_head)
    nb.run(LAYERS + "let c = layers(20, 6)")
    out = nb.run("let job = async run(c, shots: 4000, seed: 11)\nlet remote = await job\nremote")
    assert error_of(out) is None, text_of(out)
    # The progress line, updated in place while waiting, ends with the state, time and place.
    assert re.search(r"job synq-\w+-\d+: SUCCEEDED in [\d.]+ s on http://127.0.0.1:8265", text_of(out)), text_of(out)
    assert "127.0.0.1:8265" in text_of(nb.run("job.where"))
    assert "SUCCEEDED" in text_of(nb.run("job.state"))
    local = nb.run("let here = run(c, shots: 4000, seed: 11)\nhere")
    assert result_text(out) == result_text(local)
    assert "true" in text_of(nb.run("remote == here"))
    # The job ran on Ray: the head knows it, with this session's metadata.
    record = ray_head.api("GET", "/api/jobs/" + job_id(nb, "job"))
    assert record["status"] == "SUCCEEDED" and record["metadata"]["synq_qubits"] == "20"
    # Expectation values travel too, and match the session's own.
    out = nb.run("let e = await async expect(c, Z(0) * Z(19) + 0.5 * X(3))\n[e, expect(c, Z(0) * Z(19) + 0.5 * X(3))]")
    values = json.loads(result_text(out))
    assert values[0] == values[1]


def test_https_with_a_trusted_certificate_works_and_an_untrusted_one_is_refused(ray_head, tls_proxy, notebook):
    trusting = notebook(env={"SSL_CERT_FILE": tls_proxy.cert})
    out = trusting.run(f"%cluster connect ray {tls_proxy.url} --token-file {ray_head.token_file}")
    assert error_of(out) is None and f"at {tls_proxy.url}" in text_of(out), text_of(out)
    trusting.run(LAYERS + "let c = layers(6, 3)")
    out = trusting.run("await async run(c, shots: 300, seed: 2) == run(c, shots: 300, seed: 2)")
    assert "true" in result_text(out), text_of(out)
    wary = notebook()
    out = wary.run(f"%cluster connect ray {tls_proxy.url} --token-file {ray_head.token_file}")
    err = error_of(out)
    assert err is not None and "SYNQ-C001" in err["evalue"] and "certificate of localhost is not trusted" in err["evalue"], text_of(out)


def test_a_200_point_sweep_is_one_ray_job_and_returns_200_results_in_order(ray_head, notebook):
    nb = notebook()
    connect(nb, ray_head)
    nb.run("kernel tilt(t: Float) {\n    qubit q[1]\n    ry(t) q[0]\n}\nlet thetas = [0.01 * i for i in 0..200]")
    out = nb.run("let sweep = [async expect(tilt(t), Z(0)) for t in thetas]\nlet values = await all(sweep)\n[len(values), max([abs(values[i] - cos(thetas[i])) for i in 0..200]) < 1e-12]")
    assert error_of(out) is None, text_of(out)
    assert json.loads(result_text(out)) == [200, True]
    ids = {job_id(nb, f"sweep[{i}]") for i in (0, 199)}
    batch = ids.pop().split("#")[0]
    assert {i.split("#")[0] for i in ids} <= {batch}
    tag = batch.split("-")[1]
    sweeps = [j for j in ray_head.jobs_with("synq_session", tag) if j["metadata"]["synq_tasks"] == "200"]
    assert len(sweeps) == 1 and sweeps[0]["status"] == "SUCCEEDED"
    logs = ray_head.api("GET", f"/api/jobs/{batch}/logs")["logs"]
    assert "200 tasks in 2 slices over 2 CPUs" in logs
    # Packages are named by their content: every job of the session shares one worker package.
    envs = [j["runtime_env"] for j in ray_head.jobs_with("synq_session", tag)]
    assert len({e["py_modules"][0] for e in envs}) == 1 and all(e["working_dir"].startswith("gcs://_ray_pkg_") for e in envs)
    # A sweep of runs: counts in order, each equal to the local run with its seed.
    out = nb.run("let angles = [0.0, 1.0, 2.0, 3.14159]\nlet runs = await all([async run(tilt(t), shots: 500, seed: 40) for t in angles])\n[runs[i] == run(tilt(angles[i]), shots: 500, seed: 40) for i in 0..4]")
    assert json.loads(result_text(out)) == [True, True, True, True], text_of(out)


def test_an_unreachable_cluster_is_a_clear_error_and_the_session_survives(notebook):
    nb = notebook()
    nb.run("let kept = 42")
    out = nb.run("%cluster connect ray http://127.0.0.1:9")
    err = error_of(out)
    assert err is not None and "SYNQ-C001" in err["evalue"] and "cannot reach the cluster at http://127.0.0.1:9" in err["evalue"]
    assert "42" in text_of(nb.run("kept"))
    assert "no cluster" in text_of(nb.run("%cluster status"))


def test_a_wrong_or_missing_token_is_explained_and_never_shown(ray_head, notebook, tmp_path):
    nb = notebook()
    wrong = tmp_path / "wrong"
    wrong.write_text("not-the-token\n")
    out = nb.run(f"%cluster connect ray {DASHBOARD} --token-file {wrong}")
    err = error_of(out)
    assert "SYNQ-C002" in err["evalue"] and "refused the token (403 Forbidden)" in err["evalue"]
    assert "not-the-token" not in json.dumps(out)
    out = nb.run(f"%cluster connect ray {DASHBOARD}")
    err = error_of(out)
    assert "SYNQ-C002" in err["evalue"] and "requires a token (401 Unauthorized)" in err["evalue"]
    assert ray_head.token not in json.dumps(out)


def test_a_job_that_fails_shows_the_workers_error_and_the_end_of_its_log(ray_head, notebook):
    nb = notebook()
    connect(nb, ray_head)
    nb.run(LAYERS)
    # Submitting is cheap; the worker finds the 16-qubit density matrix too big for its node.
    out = nb.run('let doomed = async run(layers(16, 1), shots: 10, engine: "density")\nawait doomed')
    err = error_of(out)
    assert err is not None and "SYNQ-C004" in err["evalue"]
    assert "failed on http://127.0.0.1:8265" in err["evalue"] and "error[SYNQ-SIM002]" in err["evalue"]
    assert "the end of its log" in err["evalue"] and "synq worker: error[SYNQ-SIM002]" in err["evalue"]
    assert "FAILED" in text_of(nb.run("doomed.state"))


def test_cancel_stops_a_running_job(ray_head, notebook):
    nb = notebook()
    connect(nb, ray_head)
    nb.run(LAYERS + "let long = " + LONG_RUN)
    wait_for_state(nb, "long", "RUNNING")
    nb.run("long.cancel()")
    out = nb.run("await long")
    assert "SYNQ-C005" in error_of(out)["evalue"] and "was cancelled" in error_of(out)["evalue"]
    assert "STOPPED" in text_of(nb.run("long.state"))
    assert ray_head.api("GET", "/api/jobs/" + job_id(nb, "long"))["status"] == "STOPPED"


def test_an_interrupt_stops_the_waiting_not_the_job(ray_head, notebook):
    nb = notebook()
    connect(nb, ray_head)
    nb.run(LAYERS + "let long = " + LONG_RUN)
    started = time.time()
    out = nb.run_interrupted("await long", after=4)
    assert time.time() - started < 30
    err = error_of(out)
    assert err["ename"] == "KeyboardInterrupt" and "the job keeps running (job.cancel() stops it" in err["evalue"]
    assert "RUNNING" in text_of(nb.run("long.state"))
    nb.run("long.cancel()")
    wait_for_state(nb, "long", "STOPPED")


def test_a_restarted_kernel_reattaches_to_its_job_by_id(ray_head, notebook):
    nb = notebook(env={"JPY_SESSION_NAME": "experiments/reattach.ipynb"})
    connect(nb, ray_head)
    nb.run(LAYERS)
    nb.run('let j = async run(layers(14, 10), shots: 600, seed: 5, engine: "statevector", noise: depolarizing(0.001))')
    jid = job_id(nb, "j")
    nb.restart()
    assert error_of(nb.run("j")) is not None  # the restart forgot every name
    out = nb.run(f'job("{jid}")')
    assert "SYNQ-C007" in error_of(out)["evalue"] and "connect to the cluster again" in "\n".join(error_of(out)["traceback"])
    connect(nb, ray_head)
    # Before reattaching, jobs() already lists what earlier kernels of this notebook started.
    assert jid in text_of(nb.run("jobs()"))
    assert ray_head.api("GET", "/api/jobs/" + jid)["metadata"]["synq_notebook"] == "experiments/reattach.ipynb"
    nb.run(LAYERS)
    out = nb.run(f'let again = await job("{jid}")\nagain == run(layers(14, 10), shots: 600, seed: 5, engine: "statevector", noise: depolarizing(0.001))')
    assert error_of(out) is None, text_of(out)
    assert "true" in result_text(out)
    assert jid in text_of(nb.run("%jobs"))


def test_a_head_that_stops_mid_job_then_forgets_it_gives_reattach_advice_then_lost(ray_head, notebook):
    nb = notebook(env={"SYNQ_CLUSTER_RETRY_SECONDS": "6"})
    connect(nb, ray_head)
    nb.run(LAYERS + "let long = " + LONG_RUN)
    wait_for_state(nb, "long", "RUNNING")
    jid = job_id(nb, "long")
    stopper = threading.Timer(3, ray_head.stop)
    stopper.start()
    started = time.time()
    out = nb.run("await long")
    stopper.join()
    err = error_of(out)
    assert err is not None and "SYNQ-C003" in err["evalue"], text_of(out)
    assert f'job {jid} may still be running; reattach with job("{jid}")' in err["evalue"]
    assert time.time() - started < 60
    ray_head.start()
    out = nb.run(f'await job("{jid}")')
    assert "SYNQ-C006" in error_of(out)["evalue"] and f"job {jid} is lost" in error_of(out)["evalue"], text_of(out)
    assert "LOST" in text_of(nb.run("long.state"))
    nb.run("let after = 1 + 1")
    assert "2" in text_of(nb.run("after"))


def test_the_cluster_notebook_runs_on_the_cluster_named_by_SYNQ_CLUSTER(ray_head):
    path = os.path.join(ROOT, "notebooks", "11-cluster.ipynb")
    nb = nbformat.read(path, as_version=4)
    env = dict(os.environ, SYNQ_CLUSTER=DASHBOARD, SYNQ_CLUSTER_TOKEN=ray_head.token)
    NotebookClient(nb, timeout=300, kernel_name="synq", resources={"metadata": {"path": os.path.dirname(path)}}).execute(env=env)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(o["output_type"] != "error" for c in code for o in c.outputs)
    shown = {c.source.splitlines()[0]: text_of(c.outputs) for c in code}
    assert f"at {DASHBOARD}" in shown["%cluster status"] and "1 node, 2 CPUs" in shown["%cluster status"]
    assert "true" in shown["counts == run(c, shots: 20_000, seed: 7)"]
    assert shown["jobs()"].count(DASHBOARD) == 2 and '"tasks": 200' in shown["jobs()"]
    assert ray_head.token not in json.dumps(nb)
