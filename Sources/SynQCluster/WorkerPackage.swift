import Support

/// The two packages a Ray job needs: the worker (the `synq` binary and a small Python driver,
/// as the importable module `synq_worker`) and the job spec (job.json, the job's working_dir).
/// Both are named by the SHA-256 of their bytes, so the worker is uploaded once per build.
enum WorkerPackage {
    static let moduleName = "synq_worker"
    static let entrypoint = "python -m \(moduleName) job.json"

    static func worker(binary: [UInt8]) -> [UInt8] {
        ZipArchive.build([
            .init(path: "\(moduleName)/__init__.py", bytes: []),
            .init(path: "\(moduleName)/__main__.py", bytes: Array(driver.utf8)),
            .init(path: "\(moduleName)/synq", bytes: binary, executable: true),
        ])
    }

    static func spec(_ spec: JobSpec) -> [UInt8] {
        ZipArchive.build([.init(path: "job.json", bytes: spec.json.bytes)])
    }

    static func name(_ archive: [UInt8]) -> String {
        "_ray_pkg_\(ZipArchive.sha256Hex(archive).prefix(32)).zip"
    }

    /// Runs on the cluster as the job's entrypoint. One task: the worker runs it in place. Many:
    /// they are cut into one contiguous slice per CPU of the cluster, each slice a Ray task that
    /// runs the worker on its node; the slices' results are joined in order into the one marked
    /// line the kernel reads from the job's log. A slice holds one CPU, so its worker uses one
    /// thread.
    static let driver = #"""
    import json, os, subprocess, sys

    MARK, ERROR = "SYNQ-RESULT ", "SYNQ-ERROR "
    BINARY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "synq")


    def run_slice(spec, start, stop):
        os.chmod(BINARY, 0o755)
        done = subprocess.run([BINARY, "worker", os.path.abspath(spec), "--tasks", "%d:%d" % (start, stop), "--threads", "1"],
                              capture_output=True, text=True)
        for line in done.stdout.splitlines():
            if line.startswith(MARK):
                return json.loads(line[len(MARK):])
            if line.startswith(ERROR):
                return {"error": json.loads(line[len(ERROR):])}
        return {"error": {"message": "the worker exited with %d: %s" % (done.returncode, done.stderr.strip()[-2000:])}}


    def main():
        spec = sys.argv[1]
        with open(spec) as f:
            count = len(json.load(f)["tasks"])
        os.chmod(BINARY, 0o755)
        if count == 1:
            os.execv(BINARY, [BINARY, "worker", os.path.abspath(spec)])
        import ray
        ray.init()
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        slices = min(count, cpus)
        bounds = [count * i // slices for i in range(slices + 1)]
        remote = ray.remote(num_cpus=1)(run_slice)
        print("synq: %d tasks in %d slices over %d CPUs" % (count, slices, cpus), file=sys.stderr)
        answers = ray.get([remote.remote(spec, bounds[i], bounds[i + 1]) for i in range(slices)])
        results = []
        for answer in answers:
            if "error" in answer:
                print(ERROR + json.dumps(answer["error"]))
                sys.exit(1)
            results += answer["results"]
        print(MARK + json.dumps({"results": results}))


    main()
    """#
}
