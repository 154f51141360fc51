import Glibc
import Support

/// Writes the `synq` kernelspec: kernel.json naming this binary's absolute path, and the logos.
public enum KernelSpecInstaller {
    /// The Python environment's prefix: $VIRTUAL_ENV, $CONDA_PREFIX, or sys.prefix of python3.
    public static func sysPrefix() -> String {
        for variable in ["VIRTUAL_ENV", "CONDA_PREFIX"] { if let v = getenv(variable) { return String(cString: v) } }
        guard let pipe = popen("python3 -c 'import sys; print(sys.prefix)'", "r") else { return "/usr/local" }
        var buffer = [CChar](repeating: 0, count: 4096)
        let line = fgets(&buffer, Int32(buffer.count), pipe) != nil ? String(cString: buffer) : "/usr/local"
        pclose(pipe)
        return line.trimmingCharacters()
    }

    static func userDataDirectory() -> String {
        if let d = getenv("JUPYTER_DATA_DIR") { return String(cString: d) }
        if let x = getenv("XDG_DATA_HOME") { return String(cString: x) + "/jupyter" }
        return (getenv("HOME").map { String(cString: $0) } ?? "/root") + "/.local/share/jupyter"
    }

    static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return n > 0 ? String(cString: buffer) : CommandLine.arguments[0]
    }

    static func makeDirectories(_ path: String) throws {
        var current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw ConfigurationErrorText("cannot create \(current): \(String(cString: strerror(errno)))")
            }
        }
    }

    static func write(_ path: String, _ bytes: [UInt8]) throws {
        guard Files.write(path, bytes) else { throw ConfigurationErrorText("cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    public static var kernelJSON: JSON {
        .object([
            "argv": .array([.string(executablePath()), .string("kernel"), .string("--connection-file"), .string("{connection_file}")]),
            "display_name": .string("SynQ"),
            "language": .string("synq"),
            "interrupt_mode": .string("message"),
            "metadata": .object(["debugger": .bool(true)]),
        ])
    }

    /// jupyter-lsp's spec for `synq lsp`, so JupyterLab-LSP serves SynQ notebooks and files.
    public static var languageServerJSON: JSON {
        .object(["LanguageServerManager": .object(["language_servers": .object(["synq": .object([
            "version": 2,
            "argv": .array([.string(executablePath()), "lsp"]),
            "languages": .array(["synq"]),
            "mime_types": .array(["text/x-synq"]),
            "display_name": "SynQ language server (synq lsp)",
        ])])])])
    }

    static func userConfigDirectory() -> String {
        if let d = getenv("JUPYTER_CONFIG_DIR") { return String(cString: d) }
        return (getenv("HOME").map { String(cString: $0) } ?? "/root") + "/.jupyter"
    }

    /// Installs the kernelspec into `<prefix>/share/jupyter/kernels/synq` (or the user's Jupyter
    /// data directory) and the language-server registration into
    /// `<prefix>/etc/jupyter/jupyter_server_config.d/synq-lsp.json` (or the user's config
    /// directory). Returns both paths.
    public static func install(prefix: String?, user: Bool) throws -> (kernelspec: String, languageServer: String) {
        let base = prefix.map { $0 + "/share/jupyter" } ?? userDataDirectory()
        let directory = base + "/kernels/synq"
        try makeDirectories(directory)
        try write(directory + "/kernel.json", Array(kernelJSON.pretty().utf8) + [10])
        try write(directory + "/logo-32x32.png", Logo.png(size: 32))
        try write(directory + "/logo-64x64.png", Logo.png(size: 64))
        try write(directory + "/logo-svg.svg", Array(Logo.svg.utf8))
        let configDirectory = (prefix.map { $0 + "/etc/jupyter" } ?? userConfigDirectory()) + "/jupyter_server_config.d"
        try makeDirectories(configDirectory)
        let configFile = configDirectory + "/synq-lsp.json"
        try write(configFile, Array(languageServerJSON.pretty().utf8) + [10])
        return (directory, configFile)
    }
}

struct ConfigurationErrorText: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
