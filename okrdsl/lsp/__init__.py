"""Editor support: `okrdsl lsp`, a language server (pygls, the optional `lsp` extra).

`analysis` and `assist` work out what an editor asks for from one check of a
file's unsaved text (`okrdsl.check.check_text`), in okrdsl's own positions, and
need nothing but okrdsl; `positions` turns them into the editor's; `server` is
the pygls server that speaks the protocol.
"""
