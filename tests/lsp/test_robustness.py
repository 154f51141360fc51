"""The language server stays up and answers whatever it is fed: the language suite's 2 000
generated and mutated programs (the generator of Tests/SynQLanguageTests/RobustnessTests.swift
over the corpus it reads, fuzz-corpus.json) sent as edits, and every golden program typed in
chunks with completion, hover and signature help asked as it grows."""
import glob
import json
import os

from lsp_client import ROOT, LSPClient

CORPUS = json.load(open(os.path.join(ROOT, "Tests/SynQLanguageTests/fuzz-corpus.json"), encoding="utf-8"))
SEEDS, VOCABULARY, INSERTIONS = CORPUS["seeds"], CORPUS["vocabulary"], list(CORPUS["insertions"])
MASK64 = (1 << 64) - 1


class RandomWords:
    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) & MASK64
        return self.state >> 33

    def int(self, bound):
        return 0 if bound <= 0 else self.next() % bound

    def pick(self, xs):
        return xs[self.int(len(xs))]


def fuzzed_programs():
    g = RandomWords(12345)
    for i in range(2000):
        kind = i % 4
        if kind == 0:
            yield " ".join(g.pick(VOCABULARY) for _ in range(g.int(40)))
        elif kind == 1:
            s = g.pick(SEEDS)
            yield s[:g.int(len(s) + 1)]
        elif kind == 2:
            s = list(g.pick(SEEDS))
            for _ in range(3):
                if not s:
                    break
                at = g.int(len(s))
                op = g.int(3)
                if op == 0:
                    s.pop(at)
                elif op == 1:
                    s.insert(at, g.pick(INSERTIONS))
                else:
                    j = g.int(len(s))
                    s[at], s[j] = s[j], s[at]
            yield "".join(s)
        else:
            depth = 50 + g.int(3000)
            opener = g.pick(["(", "[", "{", "if true { ", "[[", "fn f() { "])
            yield opener * depth + "1" + g.pick([")", "]", "}"]) * g.int(depth + 1)


def end_position(text):
    lines = text.split("\n")
    return len(lines) - 1, len(lines[-1].encode("utf-16-le")) // 2


def test_fuzzed_programs_as_edits():
    client = LSPClient()
    uri = "file:///fuzz.synq"
    client.open(uri, "")
    answered = 0
    for program in fuzzed_programs():
        diagnostics = client.change(uri, [{"text": program}])
        assert isinstance(diagnostics, list)
        line, character = end_position(program)
        middle = end_position(program[:len(program) // 2])
        client.at("textDocument/completion", uri, line, character)
        client.at("textDocument/hover", uri, *middle)
        client.at("textDocument/signatureHelp", uri, line, character)
        client.request("textDocument/semanticTokens/full", {"textDocument": {"uri": uri}})
        client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
        client.request("textDocument/formatting", {"textDocument": {"uri": uri}, "options": {}})
        answered += 1
    assert answered == 2000
    assert client.close() == 0


def test_golden_programs_typed_in_chunks():
    programs = sorted(glob.glob(os.path.join(ROOT, "Tests/SynQLanguageTests/Golden/*/*.synq")))
    assert len(programs) >= 150
    client = LSPClient()
    edits = 0
    for n, path in enumerate(programs):
        uri = f"file:///golden/{n}.synq"
        text = open(path, encoding="utf-8").read()
        client.open(uri, "")
        typed = ""
        diagnostics = []
        for start in range(0, len(text), 23):
            chunk = text[start:start + 23]
            line, character = end_position(typed)
            diagnostics = client.change(uri, [{"range": {"start": {"line": line, "character": character},
                                                         "end": {"line": line, "character": character}}, "text": chunk}])
            typed += chunk
            line, character = end_position(typed)
            client.at("textDocument/completion", uri, line, character)
            client.at("textDocument/signatureHelp", uri, line, character)
            edits += 1
        client.at("textDocument/hover", uri, 0, 1)
        assert diagnostics == client.open(uri + ".whole", text), "typing it and opening it whole must agree"
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri + ".whole"}})
    assert edits > 1000
    assert client.close() == 0
