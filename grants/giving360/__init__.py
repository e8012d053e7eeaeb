"""The 360Giving Data Standard: a funder's published file in (`importing`), Exchange's awards out
(`publishing`), and the checks 360Giving's Data Quality Tool runs beyond the schema (`quality`)."""

from .importing import Outcome360, import_grants
from .publishing import FLAT_COLUMNS, VERSION, export, flat_dataset, grant, package, published_awards
from .reading import SourceFile, read_bytes, read_path

__all__ = [
    "FLAT_COLUMNS",
    "Outcome360",
    "SourceFile",
    "VERSION",
    "export",
    "flat_dataset",
    "grant",
    "import_grants",
    "package",
    "published_awards",
    "read_bytes",
    "read_path",
]
