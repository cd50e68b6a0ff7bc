"""`okrdsl lsp` end to end: a real LSP client (pytest-lsp) talks to the server process over
standard input and output, as an editor does, about real files in a temporary project."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import threading
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, default_converter, register_lsp_features

SPECS = Path(__file__).resolve().parent.parent / "specs"
TIMEOUT = 30  # seconds: a loaded CI machine may be slow to start the server


def make_client() -> LanguageClient:
    """pytest-lsp's test client, which also keeps every publishDiagnostics with its version."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []

    def published(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: published})
    return client


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("")  # the project root: includes stay inside it
    shutil.copy(SPECS / "roles.okrp", tmp_path / "roles.okrp")
    shutil.copy(SPECS / "fy23-q3.okrp", tmp_path / "fy23-q3.okrp")
    return tmp_path


CONFIG = ClientServerConfig(server_command=[sys.executable, "-m", "okrdsl", "lsp"], client_factory=make_client,
                            server_env={**os.environ, "OKRDSL_LSP_DELAY": "0.05"})


def in_session(body):
    """A test that runs `body(client, project)` against a fresh server process. The session
    runs in a thread with its own event loop: a session-wide fixture (Playwright's browser)
    may hold the main thread's loop."""

    async def session(project: Path) -> None:
        client = await CONFIG.start()
        await client.initialize_session(types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), root_uri=project.as_uri()))
        try:
            await body(client, project)
        finally:
            await client.shutdown_session()

    def test(project: Path) -> None:
        failed: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(asyncio.wait_for(session(project), 4 * TIMEOUT))
            except BaseException as error:  # noqa: BLE001 - raised again in the test's thread
                failed.append(error)

        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
        if failed:
            raise failed[0]

    test.__name__, test.__doc__ = body.__name__, body.__doc__
    return test


async def published(client: LanguageClient, uri: str, version: int) -> list[types.Diagnostic]:
    """The diagnostics the server publishes for this version of the document."""
    async def wait():
        while True:
            for params in reversed(client.published):
                if params.uri == uri and params.version == version:
                    return list(params.diagnostics)
            await asyncio.sleep(0.02)

    return await asyncio.wait_for(wait(), TIMEOUT)


def open_document(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=uri, language_id="okrp", version=version, text=path.read_text() if text is None else text)))
    return uri


def position(text: str, marker: str, after: int = 0) -> types.Position:
    """The LSP position (UTF-16) of `after` characters into the first `marker` in `text`."""
    offset = text.index(marker) + after
    line = text.count("\n", 0, offset)
    column = text[text.rfind("\n", 0, offset) + 1:offset]
    return types.Position(line, len(column.encode("utf-16-le")) // 2)


@in_session
async def test_a_misspelt_role_after_an_emoji_shows_okr102_as_it_is_typed(client: LanguageClient, project: Path):
    path = project / "plan.okrp"
    head = 'include "roles.okrp"\nphase p "P"\n  at -4w: PM drafts 🎯 目標 with '
    path.write_text(head + "\n")
    uri = open_document(client, path)
    assert await published(client, uri, 1) == []
    # Type `@PMx` after the emoji and CJK text, one keystroke a change, as an editor sends them.
    line = head.count("\n")
    column = len(head.rsplit("\n", 1)[1].encode("utf-16-le")) // 2
    assert column == len(head.rsplit("\n", 1)[1]) + 1  # the emoji takes two UTF-16 units
    for version, char in enumerate("@PMx", start=2):
        at = types.Position(line, column + version - 2)
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangePartial(range=types.Range(at, at), text=char)]))
    diagnostics = await published(client, uri, 5)
    assert [(d.code, d.severity, d.message, d.source) for d in diagnostics] == [
        ("OKR102", types.DiagnosticSeverity.Error, '"PMx" is not a declared role', "okrdsl")]
    assert diagnostics[0].range == types.Range(types.Position(line, column + 1), types.Position(line, column + 4))
    # Fixed: the finding goes.
    end = types.Position(line, column + 4)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=6),
        [types.TextDocumentContentChangePartial(range=types.Range(types.Position(line, column + 3), end), text="s")]))
    assert await published(client, uri, 6) == []


@in_session
async def test_findings_match_okrdsl_check_from_the_unsaved_text(client: LanguageClient, project: Path):
    from okrdsl.check import check

    path = project / "fy23-q3.okrp"
    text = path.read_text().replace("at -4w as review", "at 4 weeks as review").replace("VPP reviews", "VPPs reviews")
    uri = open_document(client, path, text)  # the disk keeps the good text
    diagnostics = await published(client, uri, 1)
    bad = project / "bad.okrp"
    bad.write_text(text)
    expected = check([str(bad)]).diagnostics
    assert len(expected) == len(diagnostics) > 0
    for want, got in zip(expected, diagnostics):
        assert (got.code, got.message) == (want.code, want.message)
        assert (got.range.start.line + 1, got.range.start.character + 1) == (want.span.line, want.span.column)
        assert got.severity == (types.DiagnosticSeverity.Error if want.severity == "error"
                                else types.DiagnosticSeverity.Warning)


@in_session
async def test_a_finding_in_an_included_file_shows_on_the_include_line(client: LanguageClient, project: Path):
    roles = project / "roles.okrp"
    roles.write_text(roles.read_text().replace('"Product Manager" ', '"Product Manager ', 1))
    path = project / "fy23-q3.okrp"
    uri = open_document(client, path)
    diagnostics = await published(client, uri, 1)
    from okrdsl.check import check

    assert [d.code for d in diagnostics] == [d.code for d in check([str(roles)]).diagnostics] == ["OKR004"]
    include = position(path.read_text(), '"roles.okrp"')
    assert diagnostics[0].range.start == include
    assert diagnostics[0].message.startswith("roles.okrp:17:")
    assert diagnostics[0].related_information[0].location.uri == roles.as_uri()
    assert diagnostics[0].related_information[0].location.range.start.line == 16


@in_session
async def test_an_unsaved_include_is_read_from_the_editor(client: LanguageClient, project: Path):
    spec = project / "fy23-q3.okrp"
    spec_uri = open_document(client, spec)
    assert await published(client, spec_uri, 1) == []
    roles = project / "roles.okrp"
    roles_uri = open_document(client, roles, roles.read_text().replace("ProductOps ", "ProdOps    ", 1))
    await published(client, roles_uri, 1)
    # The including file is checked again, against the unsaved catalogue.
    async def renamed():
        while not client.diagnostics.get(spec_uri):
            await asyncio.sleep(0.02)
        return client.diagnostics[spec_uri]
    diagnostics = await asyncio.wait_for(renamed(), TIMEOUT)
    assert {d.code for d in diagnostics} == {"OKR102"}
    assert '"ProductOps" is not a declared role' in {d.message for d in diagnostics}


@in_session
async def test_go_to_definition_of_an_actor_lands_in_roles_okrp(client: LanguageClient, project: Path):
    path = project / "fy23-q3.okrp"
    text = path.read_text()
    uri = open_document(client, path)
    found = await client.text_document_definition_async(types.DefinitionParams(
        types.TextDocumentIdentifier(uri), position(text, "ProductOps adds", 3)))
    roles = (project / "roles.okrp").read_text()
    assert found == types.Location((project / "roles.okrp").as_uri(), types.Range(
        position(roles, "ProductOps "), position(roles, "ProductOps ", len("ProductOps"))))
    # An alias lands on the role it names; an item named in a time, on its id.
    alias = await client.text_document_definition_async(types.DefinitionParams(
        types.TextDocumentIdentifier(uri), position(text, "session1 + 1w")))
    assert alias.range.start == position(text, "session1 ")


@in_session
async def test_references_of_a_role_across_files(client: LanguageClient, project: Path):
    roles_path = project / "roles.okrp"
    roles = roles_path.read_text()
    uri = open_document(client, roles_path)
    found = await client.text_document_references_async(types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri), position=position(roles, "CTO "),
        context=types.ReferenceContext(include_declaration=True)))
    import okrdsl
    from okrdsl.symbols import role_references

    spec = okrdsl.load(project / "fy23-q3.okrp").spec
    lines = sorted(name.span.line - 1 for name in role_references(spec) if name.value == "CTO")
    assert len(lines) > 5
    assert [location.range.start.line for location in found if location.uri.endswith("fy23-q3.okrp")] == lines
    assert [location.range.start.line for location in found if location.uri == uri] == [roles.count("\n", 0, roles.index("CTO "))]


@in_session
async def test_hovering_a_step_shows_its_date(client: LanguageClient, project: Path):
    path = project / "fy23-q3.okrp"
    text = path.read_text()
    uri = open_document(client, path)
    found = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(uri), position(text, "at -4w as review", 4)))
    assert "written `-4w`" in found.contents.value
    assert "on Monday 2022-07-04 in FY23-Q3" in found.contents.value
    role = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(uri), position(text, "PLT drafts")))
    assert role.contents.value.startswith("**PLT** (role): Product Leadership Team")


@in_session
async def test_hovering_a_finding_shows_its_rule(client: LanguageClient, project: Path):
    path = project / "plan.okrp"
    text = 'include "roles.okrp"\nphase p "P"\n  at -4w: PMM drafts the OKRs\n'
    uri = open_document(client, path, text)
    await published(client, uri, 1)
    found = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(uri), position(text, "PMM", 1)))
    assert "**OKR102** unknown-role: A role is named that no roles block declares." in found.contents.value
    assert 'hint: did you mean "PM"?' in found.contents.value


@in_session
async def test_completion_offers_roles_ids_and_keywords(client: LanguageClient, project: Path):
    path = project / "plan.okrp"
    text = ('include "roles.okrp"\nprocess "P" for FY23-Q3\nartifact planning issue "Planning"\n'
            'phase p "P"\n  meeting kick "Kick-off" at -6w\n  at -4w: P\n  at -3w: PM updates #\n  at -2\n  \n')
    uri = open_document(client, path, text)

    async def labels(marker: str, after: int) -> set[str]:
        found = await client.text_document_completion_async(types.CompletionParams(
            types.TextDocumentIdentifier(uri), position(text, marker, after)))
        return {item.label for item in found.items}

    actors = await labels("at -4w: P", len("at -4w: P"))
    assert {"ProductOps", "PM", "PMs", "Product Managers"} <= actors
    assert {"planning", "kick"} == await labels("#\n", 1)
    assert {"2w", "2d", "2mo"} == await labels("at -2\n", len("at -2"))
    assert {"at", "meeting", "every", "led by"} <= await labels("  \n", 2)


@in_session
async def test_the_outline_lists_phases_items_and_objectives(client: LanguageClient, project: Path):
    path = project / "fy23-q3.okrp"
    uri = open_document(client, path)
    found = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        types.TextDocumentIdentifier(uri)))
    assert [symbol.name for symbol in found][:2] == ["kickoff", "collaboration"]
    assert "session1" in [child.name for child in found[0].children]
    shutil.copy(SPECS / "fy23-q3-okrs.okrp", project / "okrs.okrp")
    okrs = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        types.TextDocumentIdentifier(open_document(client, project / "okrs.okrp"))))
    assert okrs[0].name == "okrs for FY23-Q3"
    assert okrs[0].children[0].kind == types.SymbolKind.Class


@in_session
async def test_a_file_with_a_syntax_error_still_has_hovers_and_symbols(client: LanguageClient, project: Path):
    path = project / "fy23-q3.okrp"
    text = path.read_text().replace('  at -5w: CEO and CoS', '  at -5w CEO and CoS')
    uri = open_document(client, path, text)
    assert [d.code for d in await published(client, uri, 1)] == ["OKR001"]
    found = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(uri), position(text, "PLT drafts")))
    assert "Product Leadership Team" in found.contents.value
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        types.TextDocumentIdentifier(uri)))
    assert [symbol.name for symbol in symbols][:2] == ["kickoff", "collaboration"]


@in_session
async def test_format_document_gives_what_okrdsl_fmt_gives(client: LanguageClient, project: Path):
    from okrdsl.fmt import format_text

    path = project / "fy23-q3.okrp"
    messy = path.read_text().replace("  at -8w: PLT drafts", "  at   -8w :   PLT drafts", 1)
    uri = open_document(client, path, messy)
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(
        types.TextDocumentIdentifier(uri), types.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert len(edits) == 1 and edits[0].new_text == format_text(messy).text == path.read_text()
    clean = open_document(client, project / "roles.okrp")
    assert await client.text_document_formatting_async(types.DocumentFormattingParams(
        types.TextDocumentIdentifier(clean), types.FormattingOptions(tab_size=2, insert_spaces=True))) in ([], (), None)
