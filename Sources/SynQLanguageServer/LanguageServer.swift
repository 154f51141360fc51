import Glibc
import Support
import SynQLanguage

/// `synq lsp`: a Language Server Protocol 3.17 server over a JSON-RPC connection. It keeps the
/// open documents, analyses each version once (parse, dry-run compile, symbol index) and
/// answers from that analysis; the features themselves are in Features.swift.
public final class LanguageServer {
    let connection: JSONRPCConnection
    let version: String
    var documents: [String: TextDocument] = [:]
    private var analyses: [String: (version: Int, analysis: DocumentAnalysis)] = [:]
    /// Supplies the library names documents do not declare; nothing is ever run in it.
    let session = Session(output: CapturedOutput())
    var encoding: PositionEncoding = .utf16
    private var initialized = false
    private var shutdownRequested = false

    public init(connection: JSONRPCConnection, version: String) {
        self.connection = connection
        self.version = version
    }

    /// Serves standard input and output until `exit` (status 0 after `shutdown`, else 1).
    public static func runOnStandardStreams(version: String) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        var status: Int32 = 1
        Threads.run(stackSize: Threads.largeStack) {
            let server = LanguageServer(connection: JSONRPCConnection(input: 0, output: 1), version: version)
            status = server.serve()
        }
        return status
    }

    func serve() -> Int32 {
        while true {
            switch connection.read() {
            case .closed: return shutdownRequested ? 0 : 1
            case .malformed(let why): sendError(id: .null, code: -32700, "the message is not JSON: \(why)")
            case .message(let message):
                if message["method"]?.string == "exit" { return shutdownRequested ? 0 : 1 }
                handle(message)
            }
        }
    }

    // MARK: - dispatch

    func handle(_ message: JSON) {
        guard let method = message["method"]?.string else { return }   // a response to us: none are asked
        let id = message["id"]
        let params = message["params"] ?? .object([:])
        guard let id else {
            handleNotification(method, params)
            return
        }
        if !initialized && method != "initialize" {
            return sendError(id: id, code: -32002, "the server is not initialized yet")
        }
        if shutdownRequested {
            return sendError(id: id, code: -32600, "the server is shutting down")
        }
        do {
            let result = try respond(method, params)
            connection.send(.object(["jsonrpc": "2.0", "id": id, "result": result]))
        } catch let failure as RequestFailure {
            sendError(id: id, code: failure.code, failure.message)
        } catch {
            sendError(id: id, code: -32603, "\(error)")
        }
    }

    struct RequestFailure: Error {
        var code: Int
        var message: String
        static func invalidParams(_ message: String) -> RequestFailure { RequestFailure(code: -32602, message: message) }
    }

    func respond(_ method: String, _ params: JSON) throws -> JSON {
        switch method {
        case "initialize": return initialize(params)
        case "shutdown":
            shutdownRequested = true
            return .null
        case "textDocument/completion": return try completion(params)
        case "completionItem/resolve": return resolveCompletion(params)
        case "textDocument/hover": return try hover(params)
        case "textDocument/signatureHelp": return try signatureHelp(params)
        case "textDocument/definition": return try definition(params)
        case "textDocument/references": return try references(params)
        case "textDocument/documentSymbol": return try documentSymbols(params)
        case "textDocument/prepareRename": return try prepareRename(params)
        case "textDocument/rename": return try rename(params)
        case "textDocument/semanticTokens/full": return try semanticTokens(params)
        case "textDocument/formatting": return try formatting(params)
        default: throw RequestFailure(code: -32601, message: "\(method) is not supported")
        }
    }

    func handleNotification(_ method: String, _ params: JSON) {
        switch method {
        case "initialized": break
        case "textDocument/didOpen":
            guard let item = params["textDocument"], let uri = item["uri"]?.string, let text = item["text"]?.string else { return }
            documents[uri] = TextDocument(uri: uri, text: text, version: item["version"]?.int ?? 0, encoding: encoding)
            publishDiagnostics(uri)
        case "textDocument/didChange":
            guard let uri = params["textDocument"]?["uri"]?.string, let document = documents[uri] else { return }
            let version = params["textDocument"]?["version"]?.int ?? document.version + 1
            for change in params["contentChanges"]?.array ?? [] {
                guard let text = change["text"]?.string else { continue }
                document.apply(range: change["range"].flatMap(Self.range), text: text, version: version)
            }
            publishDiagnostics(uri)
        case "textDocument/didClose":
            guard let uri = params["textDocument"]?["uri"]?.string else { return }
            documents[uri] = nil
            analyses[uri] = nil
            connection.send(notification("textDocument/publishDiagnostics", ["uri": .string(uri), "diagnostics": .array([])]))
        default: break   // didSave, $/cancelRequest, $/setTrace, workspace notifications: nothing to do
        }
    }

    func initialize(_ params: JSON) -> JSON {
        initialized = true
        let offered = params["capabilities"]?["general"]?["positionEncodings"]?.array?.compactMap { $0.string } ?? []
        encoding = offered.contains(PositionEncoding.utf32.rawValue) ? .utf32 : .utf16
        let legend: JSON = .object([
            "tokenTypes": .array(SemanticClass.allCases.map { .string($0.rawValue) }),
            "tokenModifiers": .array(Self.tokenModifiers.map { .string($0) }),
        ])
        return .object([
            "capabilities": .object([
                "positionEncoding": .string(encoding.rawValue),
                "textDocumentSync": .object(["openClose": true, "change": 2]),
                "completionProvider": .object(["triggerCharacters": .array([".", "@"]), "resolveProvider": true]),
                "hoverProvider": true,
                "signatureHelpProvider": .object(["triggerCharacters": .array(["(", ","]), "retriggerCharacters": .array([","])]),
                "definitionProvider": true,
                "referencesProvider": true,
                "documentSymbolProvider": true,
                "renameProvider": .object(["prepareProvider": true]),
                "semanticTokensProvider": .object(["legend": legend, "full": true]),
                "documentFormattingProvider": true,
            ]),
            "serverInfo": .object(["name": "synq", "version": .string(version)]),
        ])
    }

    // MARK: - documents and analyses

    func document(_ params: JSON) throws -> TextDocument {
        guard let uri = params["textDocument"]?["uri"]?.string else { throw RequestFailure.invalidParams("textDocument.uri is missing") }
        guard let document = documents[uri] else { throw RequestFailure.invalidParams("\(uri) is not open") }
        return document
    }

    /// The document and the scalar offset of `params.position`.
    func documentAndOffset(_ params: JSON) throws -> (TextDocument, Int) {
        let document = try self.document(params)
        guard let line = params["position"]?["line"]?.int, let character = params["position"]?["character"]?.int else {
            throw RequestFailure.invalidParams("position is missing")
        }
        return (document, document.offset(line: line, character: character))
    }

    func analysis(_ document: TextDocument) -> DocumentAnalysis {
        if let cached = analyses[document.uri], cached.version == document.version { return cached.analysis }
        let analysis = DocumentAnalysis(text: document.text, name: document.uri, session: session)
        analyses[document.uri] = (document.version, analysis)
        return analysis
    }

    func publishDiagnostics(_ uri: String) {
        guard let document = documents[uri] else { return }
        let diagnostics = analysis(document).diagnostics.map { d -> JSON in
            let span = d.span.end > d.span.start ? d.span : Span(d.span.start, d.span.start + 1)
            return .object([
                "range": range(span, in: document),
                "severity": 1,
                "code": .string("SYNQ-\(d.code)"),
                "source": "synq",
                "message": .string(d.message + (d.help.map { "\nhelp: \($0)" } ?? "")),
            ])
        }
        connection.send(notification("textDocument/publishDiagnostics",
                                     ["uri": .string(uri), "version": .int(document.version), "diagnostics": .array(diagnostics)]))
    }

    // MARK: - JSON helpers

    func notification(_ method: String, _ params: JSONObject) -> JSON {
        .object(["jsonrpc": "2.0", "method": .string(method), "params": .object(params)])
    }

    func sendError(id: JSON, code: Int, _ message: String) {
        connection.send(.object(["jsonrpc": "2.0", "id": id, "error": .object(["code": .int(code), "message": .string(message)])]))
    }

    func range(_ span: Span, in document: TextDocument) -> JSON {
        .object(["start": position(span.start, in: document), "end": position(span.end, in: document)])
    }

    func position(_ offset: Int, in document: TextDocument) -> JSON {
        let p = document.position(of: offset)
        return .object(["line": .int(p.line), "character": .int(p.character)])
    }

    static func range(_ json: JSON) -> (start: (line: Int, character: Int), end: (line: Int, character: Int))? {
        guard let sl = json["start"]?["line"]?.int, let sc = json["start"]?["character"]?.int,
              let el = json["end"]?["line"]?.int, let ec = json["end"]?["character"]?.int else { return nil }
        return ((sl, sc), (el, ec))
    }
}
