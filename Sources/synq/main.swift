import Glibc
import SynQLanguage
import SynQKernel
import SynQLanguageServer
import SynQCluster

/// `synq`: thin commands over the libraries.
let usage = """
usage: synq <command> [options]

commands:
  run FILE.synq | -         run a program (a diagnostic goes to stderr, exit code 1)
  run FILE.qasm             run OpenQASM 2 or 3 on fresh qubits; print the measured bits
      --probabilities       afterwards print the live qubits' basis probabilities
  check FILE.synq|.qasm     parse and resolve only
  fmt [--check] FILE...     format in place (- formats standard input to standard output)
  lsp                       run the language server on standard input and output
  qasm FILE.synq [--qasm2]  print as OpenQASM 3 (or 2.0) the Circuit the program ends
                            with, else everything it applied to the live qubits
  kernel --connection-file F
                            run the Jupyter kernel (what kernel.json starts)
  worker SPEC.json [--tasks FROM:TO] [--threads N]
                            run a cluster job spec; print one SYNQ-RESULT line
  install [--user | --sys-prefix | --prefix DIR]
                            install the Jupyter kernelspec
  version                   print the version
"""

var arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else {
    fputs(usage + "\n", stderr)
    exit(2)
}
arguments.removeFirst()

switch command {
case "run", "check":
    exit(Commands.runOrCheck(check: command == "check", arguments))
case "fmt":
    exit(Commands.format(arguments))
case "lsp":
    exit(LanguageServer.runOnStandardStreams(version: KernelInfo.version))
case "qasm":
    exit(Commands.qasm(arguments))
case "kernel":
    exit(Commands.kernel(arguments))
case "worker":
    exit(Worker.main(arguments))
case "install":
    exit(Commands.install(arguments))
case "version", "--version":
    print("synq \(KernelInfo.version)")
case "help", "--help", "-h":
    print(usage)
default:
    fputs("synq: unknown command '\(command)'\n\n" + usage + "\n", stderr)
    exit(2)
}
