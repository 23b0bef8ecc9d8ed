"""YAML reading for the check: PyYAML (libyaml when present), mappings carry their line number.

Jinja inside YAML strings ("{{ var('raw_database') }}") is text here; nothing is evaluated.
A file that does not parse, or that repeats a key (dbt rejects those), raises YamlFileError with
the file and line so the user can fix it.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml's parser is several times faster; construction stays in Python either way.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

from tools.errors import ToolError


class YamlFileError(ToolError):
    """A YAML file that cannot be read; exit code 2 like a usage error."""

    exit_code = 2

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {problem}")


class LineDict(dict[Any, Any]):
    """A mapping that remembers the 1-based line it starts on."""

    __slots__ = ("line",)

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int) -> None:
        super().__init__(key, line)
        self.key = key
        self.line = line


class _LineLoader(_BaseLoader):
    pass


def _construct_map(loader: _LineLoader, node: yaml.MappingNode):  # type: ignore[no-untyped-def]
    data = LineDict(node.start_mark.line + 1)
    yield data
    seen: set[object] = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node)
        try:
            duplicate = key in seen
        except TypeError:  # unhashable key: let PyYAML report it
            duplicate = False
        if duplicate:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        with contextlib.suppress(TypeError):  # an unhashable key cannot repeat a hashable one
            seen.add(key)
    data.update(loader.construct_mapping(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def parse_yaml(text: str, rel_path: str) -> Any:
    """Parse one YAML document; errors name the file and line."""
    try:
        return yaml.load(text, Loader=_LineLoader)
    except _DuplicateKey as exc:
        raise YamlFileError(rel_path, exc.line, f"duplicate key {exc.key!r} (dbt rejects repeated keys)") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
        raise YamlFileError(rel_path, line, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlFileError(rel_path, None, f"invalid YAML: {exc}") from None


# A properties file is a few hundred lines; far beyond that it is a mistake (a data dump, a
# symlink to something endless) and parsing it would take minutes and gigabytes.
MAX_YAML_BYTES = 5_000_000


def load_yaml_file(path: Path, rel_path: str) -> Any:
    try:
        if not path.is_file():
            raise YamlFileError(rel_path, None, "is not a regular file (a symlink to a device or a pipe?)")
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise YamlFileError(rel_path, None, f"is {size / 1e6:.0f} MB; a properties file over "
                                                f"{MAX_YAML_BYTES / 1e6:.0f} MB is not one")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlFileError(rel_path, None, f"cannot read: {exc}") from None
    return parse_yaml(text, rel_path)


def line_of(value: object, default: int = 1) -> int:
    return value.line if isinstance(value, LineDict) and value.line else default
