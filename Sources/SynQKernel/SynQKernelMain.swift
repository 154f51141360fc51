import Glibc
import JupyterProtocol
import Support

/// Starts the kernel process: the server, SIGINT as an interrupt, cells on a large stack.
public enum SynQKernelMain {
    nonisolated(unsafe) static var server: KernelServer?

    public static func run(connectionFile: String) -> Int32 {
        let handler = SynQHandler()
        do {
            server = try KernelServer(connectionFile: connectionFile, handler: handler)
        } catch {
            fputs("synq kernel: \(error)\n", stderr)
            return 1
        }
        signal(SIGINT) { _ in SynQKernelMain.server?.requestInterrupt() }
        Threads.run(stackSize: Threads.largeStack) { server!.run() }
        return 0
    }
}
