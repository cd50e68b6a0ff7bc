"""okrdsl: a language for an organisation's OKR process and OKR sets.

    >>> import okrdsl
    >>> spec, diagnostics = okrdsl.loads('roles\\n  PM "Product Manager" aka PMs\\n')
    >>> [role.id.value for role in spec.roles], diagnostics
    (['PM'], ())
"""

from importlib.metadata import PackageNotFoundError, version

from okrdsl.api import Loaded, load, loads
from okrdsl.diagnostics import Diagnostic, Severity

try:
    __version__ = version("okrdsl")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = ["Diagnostic", "Loaded", "Severity", "load", "loads", "__version__"]
