"""`synq lsp` driven by a scripted client: every feature with exact expected results."""
import subprocess

import pytest

from lsp_client import SYNQ, LSPClient, ServerError

URI = "file:///work/example.synq"

PROGRAM = """/// Adds one to x.
fn inc(x: Int) -> Int {
    return x + 1
}

struct Point { x: Float, y: Float }

kernel bell(a, b) {
    h a
    cx a, b
}

let p = Point(x: 1.0, y: 2.0)
qubit q[2]
bell(q[0], q[1])
let total = inc(2) + p.x
print(total)
"""


@pytest.fixture
def client():
    c = LSPClient()
    yield c
    assert c.close() == 0


def pos(line, character):
    return {"line": line, "character": character}


def rng(l1, c1, l2, c2):
    return {"start": pos(l1, c1), "end": pos(l2, c2)}


def test_initialize_announces_the_features(client):
    caps = client.initialize_result["capabilities"]
    assert caps["positionEncoding"] == "utf-16"
    assert caps["textDocumentSync"] == {"openClose": True, "change": 2}
    for feature in ["hoverProvider", "definitionProvider", "referencesProvider", "documentSymbolProvider",
                    "documentFormattingProvider"]:
        assert caps[feature] is True
    assert caps["renameProvider"] == {"prepareProvider": True}
    assert caps["completionProvider"] == {"triggerCharacters": [".", "@"], "resolveProvider": True}
    legend = caps["semanticTokensProvider"]["legend"]
    assert legend["tokenTypes"][:4] == ["keyword", "variable", "parameter", "function"]
    assert client.initialize_result["serverInfo"]["name"] == "synq"


def test_utf32_is_used_when_the_client_offers_it():
    c = LSPClient(encodings=["utf-32", "utf-16"])
    try:
        assert c.initialize_result["capabilities"]["positionEncoding"] == "utf-32"
        diags = c.open(URI, 'let s = "😀"\nprint(s)\nprint(t)\n')
        assert diags[0]["range"] == rng(2, 6, 2, 7)
        assert c.at("textDocument/definition", URI, 1, 6)["range"] == rng(0, 4, 0, 5)
    finally:
        assert c.close() == 0


def test_diagnostics_on_broken_code_and_after_edits(client):
    assert client.open(URI, PROGRAM) == []

    # a syntax error: `let = 3`
    diags = client.change(URI, [{"range": rng(16, 0, 16, 12), "text": "let = 3"}])
    assert len(diags) == 1
    assert diags[0]["code"] == "SYNQ-P004"
    assert diags[0]["range"]["start"]["line"] == 16
    assert diags[0]["severity"] == 1 and diags[0]["source"] == "synq"

    # fixed again, then a misspelt name: the resolver's did-you-mean travels in the message
    assert client.change(URI, [{"range": rng(16, 0, 16, 7), "text": "print(total)"}]) == []
    diags = client.change(URI, [{"range": rng(16, 6, 16, 11), "text": "totl"}])
    assert [(d["code"], d["range"]) for d in diags] == [("SYNQ-R001", rng(16, 6, 16, 10))]
    assert diags[0]["message"] == "unknown name 'totl'\nhelp: did you mean 'total'?"

    # quantum shapes: an unknown gate, a wrong operand count, an index past the register
    client.change(URI, [{"range": rng(16, 0, 16, 11), "text": "print(total)"}])
    for line, code, expected_range in [
        ("hh q[0]", "SYNQ-S001", rng(16, 0, 16, 2)),
        ("cx q[0]", "SYNQ-S002", None),
        ("x q[2]", "SYNQ-Q001", rng(16, 2, 16, 6)),
    ]:
        diags = client.change(URI, [{"range": rng(16, 0, 16, 12), "text": line}])
        assert [d["code"] for d in diags] == [code], line
        if expected_range:
            assert diags[0]["range"] == expected_range
        client.change(URI, [{"range": rng(16, 0, 16, len(line)), "text": "print(total)"}])
    assert client.change(URI, [{"text": PROGRAM}]) == []


def test_completion_scope_keywords_members_gates_and_snippets(client):
    client.open(URI, PROGRAM + "in\n")
    items = client.at("textDocument/completion", URI, 17, 2)["items"]
    labels = [i["label"] for i in items]
    assert labels[0] == "inc" and items[0]["detail"] == "fn inc(x: Int) -> Int"
    assert items[0]["documentation"]["value"] == "Adds one to x."
    assert "in" in labels and "int" in labels
    library = client.request("completionItem/resolve", items[labels.index("int")])
    assert library["documentation"]["value"].startswith("int(")
    assert items[0]["textEdit"]["range"] == rng(17, 0, 17, 2)

    client.change(URI, [{"range": rng(17, 0, 17, 2), "text": "p."}])
    members = client.at("textDocument/completion", URI, 17, 2)["items"]
    assert sorted(i["label"] for i in members) == ["x", "y"]
    assert members[0]["textEdit"]["range"] == rng(17, 2, 17, 2)

    client.change(URI, [{"range": rng(17, 0, 17, 2), "text": "cr"}])
    gates = {i["label"]: i for i in client.at("textDocument/completion", URI, 17, 2)["items"]}
    assert gates["crx"]["detail"] == "gate: 2 qubits, 1 parameter"
    assert gates["crz"]["kind"] == 24
    resolved = client.request("completionItem/resolve", gates["crx"])
    assert resolved["documentation"]["value"] == "Controlled by the first operand: Rotation about X by θ."

    client.change(URI, [{"range": rng(17, 0, 17, 2), "text": "ker"}])
    kernel = [i for i in client.at("textDocument/completion", URI, 17, 3)["items"] if i["kind"] == 15]
    assert kernel[0]["insertTextFormat"] == 2
    assert kernel[0]["textEdit"]["newText"] == "kernel ${1:name}(${2:q}) {\n    $0\n}"

    client.change(URI, [{"range": rng(17, 0, 17, 3), "text": "math.fl"}])
    assert [i["label"] for i in client.at("textDocument/completion", URI, 17, 7)["items"]] == ["floor"]


def test_hover_on_user_and_library_names(client):
    client.open(URI, PROGRAM)
    hover = client.at("textDocument/hover", URI, 15, 13)
    assert hover["contents"] == {"kind": "markdown", "value": "```synq\nfn inc(x: Int) -> Int\n```\n\nAdds one to x."}
    assert hover["range"] == rng(15, 12, 15, 15)
    register = client.at("textDocument/hover", URI, 14, 5)
    assert register["contents"]["value"] == "```synq\nqubit q[2]\n```"
    builtin = client.at("textDocument/hover", URI, 16, 2)
    assert builtin["contents"]["value"].startswith("```synq\nprint(")
    assert client.at("textDocument/hover", URI, 4, 0) is None


def test_signature_help_follows_the_argument(client):
    client.open(URI, PROGRAM + "let pt = Point(1.0, \n")
    help = client.at("textDocument/signatureHelp", URI, 17, 20)
    assert help["signatures"][0]["label"] == "Point(x: Float, y: Float)"
    assert [p["label"] for p in help["signatures"][0]["parameters"]] == ["x: Float", "y: Float"]
    assert help["activeParameter"] == 1
    client.change(URI, [{"range": rng(17, 0, 17, 20), "text": "print(inc("}])
    help = client.at("textDocument/signatureHelp", URI, 17, 10)
    assert help["signatures"][0]["label"] == "fn inc(x: Int) -> Int"
    assert help["activeParameter"] == 0


def test_definition_and_references(client):
    client.open(URI, PROGRAM)
    # a function
    assert client.at("textDocument/definition", URI, 15, 13) == {"uri": URI, "range": rng(1, 3, 1, 6)}
    # a kernel and a register
    assert client.at("textDocument/definition", URI, 14, 1)["range"] == rng(7, 7, 7, 11)
    refs = client.at("textDocument/references", URI, 13, 6, context={"includeDeclaration": True})
    assert [r["range"] for r in refs] == [rng(13, 6, 13, 7), rng(14, 5, 14, 6), rng(14, 11, 14, 12)]
    # a struct field: its declaration, the label in the constructor call, and p.x
    refs = client.at("textDocument/references", URI, 5, 15, context={"includeDeclaration": True})
    assert [r["range"] for r in refs] == [rng(5, 15, 5, 16), rng(12, 14, 12, 15), rng(15, 23, 15, 24)]
    refs = client.at("textDocument/references", URI, 5, 15, context={"includeDeclaration": False})
    assert len(refs) == 2
    # a binding
    refs = client.at("textDocument/references", URI, 16, 7, context={"includeDeclaration": True})
    assert [r["range"] for r in refs] == [rng(15, 4, 15, 9), rng(16, 6, 16, 11)]


def test_document_symbols(client):
    client.open(URI, PROGRAM)
    symbols = client.request("textDocument/documentSymbol", {"textDocument": {"uri": URI}})
    outline = [(s["name"], s["kind"], [c["name"] for c in s.get("children", [])]) for s in symbols]
    assert outline == [("inc", 12, []), ("Point", 23, ["x", "y"]), ("bell", 12, []), ("p", 14, []), ("q", 13, []),
                       ("total", 14, [])]
    assert symbols[1]["selectionRange"] == rng(5, 7, 5, 12)
    assert symbols[2]["detail"] == "kernel bell(a, b)"


def test_rename_within_the_file(client):
    client.open(URI, PROGRAM)
    prepared = client.at("textDocument/prepareRename", URI, 12, 4)
    assert prepared == {"range": rng(12, 4, 12, 5), "placeholder": "p"}
    edit = client.at("textDocument/rename", URI, 12, 4, newName="origin")
    assert [e["range"] for e in edit["changes"][URI]] == [rng(12, 4, 12, 5), rng(15, 21, 15, 22)]
    assert {e["newText"] for e in edit["changes"][URI]} == {"origin"}
    with pytest.raises(ServerError) as bad:
        client.at("textDocument/rename", URI, 12, 4, newName="let")
    assert bad.value.code == -32602
    assert client.at("textDocument/prepareRename", URI, 16, 2) is None   # print is the library's


def decode(data, legend):
    line = start = 0
    out = []
    for i in range(0, len(data), 5):
        dl, ds, length, kind, mods = data[i:i + 5]
        line += dl
        start = ds if dl else start + ds
        out.append((line, start, length, legend[kind], mods))
    return out


def test_semantic_tokens(client):
    legend = client.initialize_result["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"]
    client.open(URI, 'let s = """\nab\n"""  // c\nqubit q[1]\nh q[0]\nprint(math.pi)\n')
    tokens = decode(client.request("textDocument/semanticTokens/full", {"textDocument": {"uri": URI}})["data"], legend)
    assert tokens == [
        (0, 0, 3, "keyword", 0), (0, 4, 1, "variable", 3), (0, 6, 1, "operator", 0),
        (0, 8, 3, "string", 0), (1, 0, 2, "string", 0), (2, 0, 3, "string", 0), (2, 5, 4, "comment", 0),
        (3, 0, 5, "keyword", 0), (3, 6, 1, "variable", 1), (3, 8, 1, "number", 0),
        (4, 0, 1, "macro", 4), (4, 2, 1, "variable", 0), (4, 4, 1, "number", 0),
        (5, 0, 5, "function", 4), (5, 6, 4, "namespace", 4), (5, 11, 2, "property", 0),
    ]


def test_formatting_matches_synq_fmt_and_is_idempotent(client, tmp_path):
    messy = "fn f(a,b) {\n  return a+b   // sum\n}\n\n\n\nprint(f(1,2))  \n"
    expected = "fn f(a, b) {\n    return a+b // sum\n}\n\nprint(f(1, 2))\n"
    client.open(URI, messy)
    edits = client.request("textDocument/formatting", {"textDocument": {"uri": URI}, "options": {"tabSize": 4, "insertSpaces": True}})
    assert edits == [{"range": rng(0, 0, 7, 0), "newText": expected}]
    client.change(URI, [{"text": expected}])
    assert client.request("textDocument/formatting", {"textDocument": {"uri": URI}, "options": {}}) == []

    path = tmp_path / "messy.synq"
    path.write_text(messy)
    check = subprocess.run([SYNQ, "fmt", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 1 and "not formatted" in check.stdout
    assert subprocess.run([SYNQ, "fmt", str(path)]).returncode == 0
    assert path.read_text() == expected
    assert subprocess.run([SYNQ, "fmt", "--check", str(path)]).returncode == 0


def test_protocol_errors_are_answered_and_the_server_goes_on(client):
    client.send_raw(b"Content-Length: 9\r\n\r\n{not json")
    reply = client.receive()
    assert reply["id"] is None and reply["error"]["code"] == -32700
    with pytest.raises(ServerError) as unknown:
        client.request("textDocument/inlayHint", {"textDocument": {"uri": URI}})
    assert unknown.value.code == -32601
    with pytest.raises(ServerError) as closed:
        client.at("textDocument/hover", "file:///never-opened.synq", 0, 0)
    assert closed.value.code == -32602
    client.open(URI, "print(1)\n")
    assert client.at("textDocument/hover", URI, 0, 1)["contents"]["value"].startswith("```synq\nprint(")


def test_requests_before_initialize_are_refused():
    process = subprocess.Popen([SYNQ, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    body = b'{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}}'
    out, _ = process.communicate(b"Content-Length: %d\r\n\r\n" % len(body) + body, timeout=20)
    assert b'"code":-32002' in out
    assert process.returncode == 1, "exit without shutdown is status 1"
