"""okrdsl: a language for an organisation's OKR process and OKR sets.

    >>> import okrdsl
    >>> spec, diagnostics = okrdsl.loads('roles\\n  PM "Product Manager" aka PMs\\n')
    >>> [role.id.value for role in spec.roles], diagnostics
    (['PM'], ())

The names below are imported when first used (PEP 562), so that `import okrdsl`
costs nothing until they are: the `okrdsl` program installs its Ctrl-C handler
before lark, attrs and click are loaded (see okrdsl/_entry.py).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing; type checkers read it the same way
if TYPE_CHECKING:
    from okrdsl.api import Loaded, load, loads
    from okrdsl.diagnostics import Diagnostic, Severity

    __version__: str

__all__ = ["Diagnostic", "Loaded", "Severity", "load", "loads", "__version__"]

_HOMES = {
    "Loaded": "okrdsl.api", "load": "okrdsl.api", "loads": "okrdsl.api",
    "Diagnostic": "okrdsl.diagnostics", "Severity": "okrdsl.diagnostics",
}


def __getattr__(name: str):
    if name == "__version__":
        from okrdsl.version import __version__ as value  # not importlib.metadata: see okrdsl/version.py
    elif name in _HOMES:
        from importlib import import_module

        value = getattr(import_module(_HOMES[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
