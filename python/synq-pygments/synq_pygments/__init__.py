"""A Pygments lexer for SynQ: keywords, gates, builtins, numbers (imaginary ones too),
strings with interpolation, comments, attributes and magics."""
from pygments.lexer import RegexLexer, bygroups, include, words
from pygments.token import (Comment, Keyword, Name, Number, Operator, Punctuation, String,
                            Text, Whitespace)

__all__ = ["SynQLexer"]

KEYWORDS = ("let", "var", "fn", "kernel", "return", "if", "else", "while", "for", "in", "break",
            "continue", "match", "struct", "enum", "impl", "try", "catch", "throw", "assert",
            "import", "as", "and", "or", "not", "qubit", "measure", "reset", "barrier", "ctrl",
            "negctrl", "inv", "pow", "quantum", "call", "release")
CONSTANTS = ("true", "false", "nil", "none", "pi", "tau", "e", "inf", "nan")
GATES = ("h", "x", "y", "z", "s", "sdg", "t", "tdg", "sx", "sxdg", "rx", "ry", "rz", "p", "u",
         "u3", "id", "i", "swap", "iswap", "ecr", "rxx", "ryy", "rzz", "cx", "cy", "cz", "ch", "crx",
         "cry", "crz", "cp", "ccx", "ccz", "cswap", "cu", "csx", "cs", "csdg", "cnot", "toffoli",
         "fredkin", "phase", "cphase")
BUILTINS = ("print", "eprint", "display", "len", "range", "str", "int", "float", "map", "filter",
            "run", "state", "probs", "sample", "expect", "draw", "estimate", "optimize_circuit",
            "density", "grad", "value_and_grad", "minimize", "ising", "heisenberg", "maxcut", "h2",
            "plot", "bar", "hist", "progress", "qasm", "qasm2", "qasm_import", "reset_all",
            "depolarizing", "amplitude_damping", "bit_flip", "phase_flip", "readout")


class SynQLexer(RegexLexer):
    name = "SynQ"
    aliases = ["synq"]
    filenames = ["*.synq"]
    mimetypes = ["text/x-synq"]

    tokens = {
        "root": [
            (r"\s+", Whitespace),
            (r"^%%?[A-Za-z_]+", Name.Builtin.Pseudo),
            (r"///.*?$", String.Doc),
            (r"//.*?$", Comment.Single),
            (r"/\*", Comment.Multiline, "block-comment"),
            (r"#\[[^\]]*\]", Name.Decorator),
            (r'"""', String, "long-string"),
            (r'"', String, "string"),
            (r"0x[0-9a-fA-F_]+|0b[01_]+", Number.Integer),
            (r"(\d[\d_]*\.\d*|\.\d+)([eE][+-]?\d+)?i?|\d[\d_]*[eE][+-]?\d+i?", Number.Float),
            (r"\d[\d_]*i", Number.Float),
            (r"\d[\d_]*", Number.Integer),
            (r"(fn|kernel|struct|enum)(\s+)([^\W\d]\w*)", bygroups(Keyword, Whitespace, Name.Function)),
            (words(KEYWORDS, suffix=r"\b"), Keyword),
            (words(CONSTANTS, suffix=r"\b"), Keyword.Constant),
            (words(GATES, suffix=r"\b(?=\s*[(\w])"), Name.Builtin),
            (words(BUILTINS, suffix=r"\b(?=\s*\()"), Name.Builtin),
            (r"[A-Z]\w*", Name.Class),
            (r"[^\W\d]\w*", Name),
            (r"\.\.=?|\|>|->|=>|\*\*|[=!<>]=|<<|>>|[-+*/%=<>&|^~@!]", Operator),
            (r"[()\[\]{},.;:]", Punctuation),
        ],
        "block-comment": [
            (r"[^*/]+", Comment.Multiline),
            (r"\*/", Comment.Multiline, "#pop"),
            (r"[*/]", Comment.Multiline),
        ],
        "escape": [
            (r"\\\(", String.Interpol, "interpolation"),
            (r'\\(u\{[0-9a-fA-F]+\}|[ntr"\\0])', String.Escape),
        ],
        "string": [
            include("escape"),
            (r'"', String, "#pop"),
            (r'[^"\\]+', String),
        ],
        "long-string": [
            include("escape"),
            (r'"""', String, "#pop"),
            (r'[^"\\]+|"', String),
        ],
        "interpolation": [
            (r"\)", String.Interpol, "#pop"),
            include("root"),
        ],
    }
