"""The official Jupyter kernel test suite, run against the installed `synq` kernel."""
import unittest

import jupyter_kernel_test as jkt


class SynQKernelTests(jkt.KernelTests):
    kernel_name = "synq"
    language_name = "synq"
    file_extension = ".synq"

    code_hello_world = 'print("hello, world")'
    code_stderr = 'eprint("oops")'

    completion_samples = [
        {"text": "pri", "matches": {"print"}},
        {"text": "math.sq", "matches": {"sqrt"}},
        {"text": "let total = 1\ntot", "matches": {"total"}},
    ]

    complete_code_samples = ["1 + 1", "print(1)", "fn f(x) { x }", "qubit q[2]\nh q[0]"]
    incomplete_code_samples = ["fn f(x) {", "print(1,", "let x = [1, 2", 'let s = "abc', "1 +"]
    invalid_code_samples = ["let = 5", "1 +* 2", "fn fn() {}", "print(1))", "1 2 3"]

    code_page_something = "help(print)"
    code_generate_error = 'throw error("boom")'

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": "6 * 7", "result": "42"},
        {"code": '"a" + "b"', "result": '"ab"'},
        {"code": "[1, 2] + [3]", "result": "[1, 2, 3]"},
    ]
    code_display_data = [
        {"code": "display(draw(bell_circuit()))", "mime": "image/svg+xml"},
        {"code": "display(plot([1, 2, 3]))", "mime": "image/svg+xml"},
    ]
    code_history_pattern = "6 * 7"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "print"
    code_clear_output = "clear_output()"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kc.execute_interactive(
            "kernel bell_circuit() { qubit r[2]; h r[0]; cx r[0], r[1] }", timeout=30
        )


class SynQIopubWelcomeTests(jkt.IopubWelcomeTests):
    kernel_name = "synq"
    support_iopub_welcome = True


if __name__ == "__main__":
    unittest.main()
