"""`okrdsl lsp`: a Language Server Protocol server over standard input and output (pygls).

The server keeps one `Analysis` per open file. A change is checked after a short
pause in typing (`DELAY`), a save or an open at once, each time from the editor's
text (open files' unsaved text is read instead of the disk, for includes too),
and files that include the changed one are checked again. A request (hover,
definition...) waits for the check of the text it is about. Positions go out in
the encoding agreed at start-up (UTF-16 unless the client offers another).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import urllib.parse

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from okrdsl.about import rule_url
from okrdsl.diagnostics import Severity
from okrdsl.lsp import assist
from okrdsl.lsp.analysis import Analysis, analyse
from okrdsl.lsp.positions import from_client, to_client
from okrdsl.source import Source, Span

DELAY = float(os.environ.get("OKRDSL_LSP_DELAY", "0.15"))  # seconds of quiet typing before a check

SYMBOL_KINDS = {
    "phase": types.SymbolKind.Namespace, "step": types.SymbolKind.Event, "meeting": types.SymbolKind.Event,
    "cadence": types.SymbolKind.Event, "permission": types.SymbolKind.Key, "okrs": types.SymbolKind.Package,
    "objective": types.SymbolKind.Class, "key result": types.SymbolKind.Field,
}
COMPLETION_KINDS = {
    "role": types.CompletionItemKind.Constant, "artifact": types.CompletionItemKind.File,
    "step": types.CompletionItemKind.Event, "meeting": types.CompletionItemKind.Event,
    "cadence": types.CompletionItemKind.Event, "permission": types.CompletionItemKind.Event,
    "keyword": types.CompletionItemKind.Keyword, "unit": types.CompletionItemKind.Unit,
}


class OkrpServer(LanguageServer):
    def __init__(self) -> None:
        from okrdsl.version import __version__

        super().__init__("okrdsl", __version__)
        self.analyses: dict[str, Analysis] = {}
        self.pending: dict[str, asyncio.Task] = {}
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="okrdsl-check")

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or "utf-16")

    # --- checking ---------------------------------------------------------------------------

    def schedule(self, uri: str, delay: float, dependents: bool = True) -> None:
        """Check a document after `delay` seconds, replacing a check already waiting."""
        waiting = self.pending.pop(uri, None)
        if waiting is not None and not waiting.done():
            waiting.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self._check(uri, delay, dependents))

    async def _check(self, uri: str, delay: float, dependents: bool) -> Analysis | None:
        if delay:
            await asyncio.sleep(delay)
        analysis = await self.analysis(uri, wait=False)
        if analysis is None:
            return None
        self.publish(uri, analysis)
        if dependents:
            self.recheck_dependents(uri)
        return analysis

    def recheck_dependents(self, uri: str) -> None:
        """Check again the open files that include this one: what they see has changed."""
        changed = os.path.realpath(path_of(uri))
        for other, known in list(self.analyses.items()):
            if other != uri and changed in known.files:
                del self.analyses[other]  # stale, though its own text is the same
                self.schedule(other, 0, dependents=False)

    async def analysis(self, uri: str, wait: bool = True) -> Analysis | None:
        """The analysis of a document's current text: the last one if it is current, else a
        new check (in the worker thread, so that messages keep being read meanwhile)."""
        waiting = self.pending.get(uri)
        if wait and waiting is not None and not waiting.done() and waiting is not asyncio.current_task():
            with contextlib.suppress(asyncio.CancelledError, Exception):  # replaced by a newer check
                await asyncio.shield(waiting)
        document = self.workspace.text_documents.get(uri)
        if document is None:
            return None
        known = self.analyses.get(uri)
        if known is not None and known.version == document.version and known.text == document.source:
            return known
        text, version = document.source, document.version
        unsaved = {path_of(other): doc.source for other, doc in self.workspace.text_documents.items() if other != uri}
        loop = asyncio.get_running_loop()
        analysis = await loop.run_in_executor(self.executor, analyse, path_of(uri), text, unsaved, version)
        if uri in self.workspace.text_documents:
            self.analyses[uri] = analysis
        return analysis

    def publish(self, uri: str, analysis: Analysis) -> None:
        source = analysis.source or Source(analysis.key, analysis.text)
        found = []
        for shown in analysis.shown:
            d = shown.diagnostic
            related = None
            if shown.origin is not None:
                origin_source = analysis.workspace.sources.get(shown.origin.path)
                if origin_source is not None:
                    related = [types.DiagnosticRelatedInformation(
                        types.Location(uri_of(shown.origin.path), self.range(origin_source, shown.origin)),
                        d.message)]
            found.append(types.Diagnostic(
                range=self.range(source, shown.span), message=shown.message,
                severity=types.DiagnosticSeverity.Error if d.severity is Severity.ERROR
                else types.DiagnosticSeverity.Warning,
                code=d.code, code_description=types.CodeDescription(rule_url(d.code)), source="okrdsl",
                related_information=related,
                data={"hint": d.hint} if d.hint else None,
            ))
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=analysis.version))

    # --- positions --------------------------------------------------------------------------

    def range(self, source: Source, span: Span) -> types.Range:
        start = span.start
        end = span.end if span.end >= span.start else span.start
        if span.start == 0 and span.end == 0 and (span.line, span.column) != (1, 1):  # a span without offsets
            start = end = source.line_starts[min(span.line, len(source.line_starts)) - 1] + span.column - 1
        return types.Range(self.position(source, start), self.position(source, end))

    def position(self, source: Source, offset: int) -> types.Position:
        line, character = to_client(source, offset, self.encoding)
        return types.Position(line, character)

    def offset(self, analysis: Analysis, position: types.Position) -> int:
        source = analysis.source or Source(analysis.key, analysis.text)
        return from_client(source, position.line, position.character, self.encoding)

    def location(self, analysis: Analysis, span: Span) -> types.Location | None:
        source = analysis.workspace.sources.get(span.path)
        return types.Location(uri_of(span.path), self.range(source, span)) if source is not None else None


def path_of(uri: str) -> str:
    """The file a document is: its path for a file: URI; for another (an unsaved editor tab),
    a name in the current folder, so that its includes are read relative to it."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    if path:
        return path
    name = urllib.parse.urlparse(uri).path.rsplit("/", 1)[-1] or "untitled"
    return os.path.join(os.getcwd(), name if name.endswith(".okrp") else name + ".okrp")


def uri_of(path: str) -> str:
    return from_fs_path(os.path.abspath(path)) or path


server = OkrpServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: OkrpServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: OkrpServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, DELAY)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: OkrpServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
async def did_close(ls: OkrpServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    waiting = ls.pending.pop(uri, None)
    if waiting is not None:
        waiting.cancel()
    closed = ls.analyses.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    if closed is not None:  # files that include it now read it from disk
        ls.recheck_dependents(uri)


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
async def definition(ls: OkrpServer, params: types.DefinitionParams):
    analysis = await ls.analysis(params.text_document.uri)
    if analysis is None:
        return None
    span = analysis.definition(ls.offset(analysis, params.position))
    return ls.location(analysis, span) if span is not None else None


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
async def references(ls: OkrpServer, params: types.ReferenceParams):
    analysis = await ls.analysis(params.text_document.uri)
    if analysis is None:
        return None
    others = [other for uri, other in ls.analyses.items() if uri != params.text_document.uri]
    offset = ls.offset(analysis, params.position)
    found = analysis.at(offset)
    if found is not None and found.symbol is not None:
        others += await _beside(ls, found.symbol.span.path, analysis)
    sources = {**{p: s for other in others for p, s in other.workspace.sources.items()}, **analysis.workspace.sources}
    spans = analysis.references(offset, params.context.include_declaration, others)
    return [types.Location(uri_of(span.path), ls.range(sources[span.path], span)) for span in spans
            if span.path in sources]


async def _beside(ls: OkrpServer, declared_in: str, analysis: Analysis) -> list[Analysis]:
    """The other .okrp files in the folder of a declaration, which may use it: checked from
    disk (or their unsaved text), so that references are found in files that are not open."""
    from okrdsl.check import check
    from okrdsl.files import discover

    folder = os.path.dirname(declared_in)
    unsaved = {path_of(uri): doc.source for uri, doc in ls.workspace.text_documents.items()}
    opened = {os.path.realpath(path) for path in unsaved}

    def load() -> list[Analysis]:
        files, _ = discover([folder])
        found = []
        for path, _root in files:
            if os.path.realpath(path) not in opened and os.path.realpath(path) != os.path.realpath(analysis.key):
                found.append(Analysis(os.path.normpath(path), None, check([path], unsaved=unsaved)))
        return found

    return await asyncio.get_running_loop().run_in_executor(ls.executor, load)


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: OkrpServer, params: types.HoverParams):
    analysis = await ls.analysis(params.text_document.uri)
    if analysis is None or analysis.source is None:
        return None
    found = assist.hover(analysis, ls.offset(analysis, params.position))
    if found is None:
        return None
    text, span = found
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text),
                       ls.range(analysis.source, span) if span is not None and span.path == analysis.key else None)


@server.feature(types.TEXT_DOCUMENT_COMPLETION,
                types.CompletionOptions(trigger_characters=["#", "@", " ", ",", ":"]))
async def completion(ls: OkrpServer, params: types.CompletionParams):
    analysis = await ls.analysis(params.text_document.uri)
    if analysis is None or analysis.source is None:
        return None
    offset = ls.offset(analysis, params.position)
    items = []
    for proposal in assist.completions(analysis, offset):
        start = proposal.start if proposal.start is not None else offset
        edit = types.TextEdit(types.Range(ls.position(analysis.source, start), params.position),
                              proposal.insert or proposal.label)
        items.append(types.CompletionItem(
            label=proposal.label, kind=COMPLETION_KINDS.get(proposal.kind, types.CompletionItemKind.Reference),
            detail=proposal.detail or proposal.kind, text_edit=edit))
    return types.CompletionList(is_incomplete=False, items=items)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
async def document_symbols(ls: OkrpServer, params: types.DocumentSymbolParams):
    analysis = await ls.analysis(params.text_document.uri)
    if analysis is None or analysis.source is None:
        return []

    def symbol(entry) -> types.DocumentSymbol:
        whole = ls.range(analysis.source, entry.span)
        chosen = ls.range(analysis.source, entry.selection)
        return types.DocumentSymbol(
            name=entry.name or entry.kind, kind=SYMBOL_KINDS.get(entry.kind, types.SymbolKind.Object),
            range=whole, selection_range=chosen, detail=entry.detail or None,
            children=[symbol(child) for child in entry.children] or None)

    return [symbol(entry) for entry in analysis.outline()]


# Formatting: once `okrdsl fmt` exists, its pure text-to-text function is named here
# ("module:function"); the server then offers textDocument/formatting with it.
@server.feature(types.TEXT_DOCUMENT_FORMATTING)
async def formatting(ls: OkrpServer, params: types.DocumentFormattingParams):
    """`okrdsl fmt` on the editor's text: one edit replacing the whole document, or none when
    it is formatted already or cannot be read (a syntax error: the diagnostics say so)."""
    from okrdsl.fmt import FormatError, format_text

    document = ls.workspace.get_text_document(params.text_document.uri)
    try:
        formatted = format_text(document.source, path_of(params.text_document.uri))
    except FormatError:  # fmt would change the meaning: it refuses, and so does the editor
        return []
    if not formatted.changed:
        return []
    lines = document.source.count("\n") + 1
    return [types.TextEdit(types.Range(types.Position(0, 0), types.Position(lines, 0)), formatted.written())]


def serve() -> None:
    """Serve one editor over standard input and output until it says exit."""
    server.start_io()
