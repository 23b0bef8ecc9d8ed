"""dbt YAML that people edit: add what is missing, never rewrite what is there.

Dumping a parsed document again (what dbt-osmosis does) loses blank lines, quoting and layout;
even ruamel.yaml's round trip re-indents and re-wraps. Here the existing file is only *read*, with
libyaml's composer, to learn where every list item starts and ends; new items are rendered as text
and inserted after the last line of the list they join. Every existing byte stays where it was,
which the tests check byte for byte.

Lists merged by name: `sources`, `tables`, `columns`, `models`. A missing item is added whole
(with its tests); an item that exists is only descended into to add missing children. Nothing
else (descriptions, tests, config, key order) of an existing item is touched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from tools.errors import ToolError

# libyaml's C parser when available: composing a 9,000-line file takes 50 ms, against 1.2 s for
# ruamel.yaml's round-trip loader (which would then dump, and dumping is what loses formatting).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MERGED_LISTS = ("sources", "tables", "columns", "models")
INDENT = 2


class Flow(dict):
    """A small mapping written in flow style: `{count: 30, period: minute}`."""


class FlowList(list):
    """A short list written in flow style: `[invoice_id, line_index]`."""


# --- rendering --------------------------------------------------------------------------------

_PLAIN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_ .,()/'-]*$")
_YAML11_SPECIAL = re.compile(
    r"^(?:y|n|yes|no|true|false|on|off|null|~|[-+]?(?:\d[\d_]*)?(?:\.\d*)?(?:e[-+]?\d+)?|\.inf|\.nan)$",
    re.IGNORECASE,
)


def scalar(value: Any) -> str:
    """A YAML scalar: plain when that is unambiguous, else double-quoted (JSON escaping is valid YAML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if value is None:
        return "null"
    text = str(value)
    if text and _PLAIN.match(text) and not text.endswith(" ") and not _YAML11_SPECIAL.match(text):
        return text
    if '"' in text and "'" not in text and text.isprintable():
        return f"'{text}'"
    return json.dumps(text, ensure_ascii=False)


def _render_flow(value: Flow | FlowList) -> str:
    if isinstance(value, FlowList):
        return "[" + ", ".join(_flow_scalar(item) for item in value) + "]"
    return "{" + ", ".join(f"{key}: {_flow_scalar(item)}" for key, item in value.items()) + "}"


def _flow_scalar(value: Any) -> str:
    text = scalar(value)
    if text[:1] not in "\"'" and any(ch in text for ch in ",[]{}"):
        return json.dumps(text)
    return text


def render_mapping(mapping: dict[str, Any], indent: int = 0, blank_between: Iterable[str] = ()) -> list[str]:
    """Block-style lines for a mapping at `indent` spaces; lists are indented under their key."""
    lines: list[str] = []
    pad = " " * indent
    blank = set(blank_between)
    for key, value in mapping.items():
        if isinstance(value, (Flow, FlowList)):
            lines.append(f"{pad}{key}: {_render_flow(value)}")
        elif isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines.extend(render_mapping(value, indent + INDENT, blank))
        elif isinstance(value, list):
            lines.append(f"{pad}{key}:")
            for position, item in enumerate(value):
                if position and key in blank:
                    lines.append("")
                lines.extend(render_item(item, indent + INDENT, blank))
        else:
            lines.append(f"{pad}{key}: {scalar(value)}")
    return lines


def render_item(item: Any, dash_col: int, blank_between: Iterable[str] = ()) -> list[str]:
    """A list item whose dash sits at `dash_col`."""
    pad = " " * dash_col
    if isinstance(item, (Flow, FlowList)):
        return [f"{pad}- {_render_flow(item)}"]
    if isinstance(item, dict):
        body = render_mapping(item, dash_col + INDENT, blank_between)
        first = body[0]
        return [f"{pad}- {first[dash_col + INDENT:]}"] + body[1:]
    return [f"{pad}- {scalar(item)}"]


def render_document(doc: dict[str, Any], blank_between: Iterable[str] = ("tables", "models")) -> str:
    """A whole new file: top-level keys separated by a blank line."""
    chunks = [
        "\n".join(render_mapping({key: value}, 0, blank_between)) for key, value in doc.items()
    ]
    return "\n\n".join(chunks) + "\n"


# --- merging ----------------------------------------------------------------------------------


@dataclass
class _Insertion:
    after_line: int  # 0-based index of the line the text goes after
    lines: list[str]
    order: int


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_blank(line: str) -> bool:
    return not line.strip()


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _last_content_line(lines: list[str], start: int, min_indent: int) -> int:
    """The last line of the block that starts on `start`: later lines indented at least `min_indent`."""
    last = start
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if _is_blank(line):
            continue
        indent = _indent_of(line)
        if _is_comment(line):
            if indent >= min_indent:
                last = index
            continue
        if indent < min_indent or line.startswith(("---", "...")):
            break
        last = index
    return last


def _get(mapping: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    for key_node, value_node in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _names_of_node(node: yaml.Node) -> set[str]:
    names: set[str] = set()
    if isinstance(node, yaml.MappingNode):
        for key in ("name", "identifier"):
            found = _get(node, key)
            if found and isinstance(found[1], yaml.ScalarNode):
                names.add(found[1].value.strip().strip('"').lower())
    return names


def _compose(text: str, what: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise ToolError(f"cannot read {what}: it is not valid YAML ({str(exc).splitlines()[0]})") from None


class _Merger:
    """Finds where things are with libyaml's composer (node positions, fast), inserts text lines."""

    def __init__(self, text: str, what: str):
        self.text = text
        self.what = what
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.lines = text.splitlines()
        self.insertions: list[_Insertion] = []
        self.added: list[str] = []
        self.root = _compose(text, what)

    def _insert(self, after_line: int, lines: list[str]) -> None:
        self.insertions.append(_Insertion(after_line, lines, len(self.insertions)))

    def _dash_col(self, item: yaml.Node) -> int:
        line, col = item.start_mark.line, item.start_mark.column
        text = self.lines[line]
        dash = text.rfind("-", 0, col + 1) if col < len(text) else text.rfind("-")
        return dash if dash >= 0 else max(col - INDENT, 0)

    def _separated(self, seq: yaml.SequenceNode) -> bool:
        """True when the list's items are separated by blank lines (the file's habit, kept)."""
        if len(seq.value) < 2:
            return False
        start = seq.value[1].start_mark.line
        return start > 0 and _is_blank(self.lines[start - 1])

    def merge_mapping(self, existing: yaml.MappingNode, desired: dict[str, Any], path: str, key_col: int,
                      start_line: int) -> None:
        for key in MERGED_LISTS:
            if key not in desired:
                continue
            wanted = desired[key]
            found = _get(existing, key)
            if found is None:
                end = _last_content_line(self.lines, start_line, key_col)
                block = render_mapping({key: wanted}, key_col, ("tables", "models"))
                if key_col == 0 and self.lines and not _is_blank(self.lines[end]):
                    block = [""] + block
                self._insert(end, block)
                self.added.extend(f"{path}{key[:-1]} {_label(item)}" for item in wanted)
                continue
            key_node, value = found
            key_line = key_node.start_mark.line
            if isinstance(value, yaml.ScalarNode) and value.tag.endswith(":null"):
                self._append_items(key_line, key_col + INDENT, wanted, path, key, separated=False)
            elif isinstance(value, yaml.SequenceNode):
                self.merge_list(value, wanted, path, key, key_line)
            else:
                raise ToolError(f"cannot add to {self.what}: `{key}` at line {key_line + 1} is not a list")

    def merge_list(self, seq: yaml.SequenceNode, desired: list[dict[str, Any]], path: str, key: str,
                   key_line: int) -> None:
        by_name: dict[str, int] = {}
        for index, item in enumerate(seq.value):
            for name in _names_of_node(item):
                by_name.setdefault(name, index)
        missing: list[dict[str, Any]] = []
        for item in desired:
            found = by_name.get(str(item["name"]).lower())
            if found is None and "identifier" in item:
                found = by_name.get(str(item["identifier"]).lower())
            if found is None:
                missing.append(item)
                continue
            existing = seq.value[found]
            if isinstance(existing, yaml.MappingNode) and existing.value:
                first_key = existing.value[0][0]
                self.merge_mapping(existing, item, f"{path}{_label(item)}.", first_key.start_mark.column,
                                   first_key.start_mark.line)
        if not missing:
            return
        if seq.flow_style or not seq.value:
            raise ToolError(
                f"cannot add to {self.what}: `{key}` at line {key_line + 1} is a flow-style list; "
                "write it as a block list"
            )
        last = seq.value[-1]
        dash = self._dash_col(last)
        end = _last_content_line(self.lines, last.start_mark.line, dash + 1)
        self._append_items(end, dash, missing, path, key, separated=self._separated(seq))

    def _append_items(self, after_line: int, dash: int, items: list[dict[str, Any]], path: str, key: str,
                      separated: bool) -> None:
        block: list[str] = []
        for item in items:
            if separated:
                block.append("")
            block.extend(render_item(item, dash, ("tables", "models")))
            self.added.append(f"{path}{key[:-1]} {_label(item)}")
        self._insert(after_line, block)

    def result(self) -> str:
        if not self.insertions:
            return self.text
        raw_lines = self.text.splitlines(keepends=True)
        if raw_lines and not raw_lines[-1].endswith(("\n", "\r")):
            raw_lines[-1] += self.newline
        by_line: dict[int, list[str]] = {}
        for insertion in sorted(self.insertions, key=lambda item: (item.after_line, item.order)):
            by_line.setdefault(insertion.after_line, []).extend(insertion.lines)
        out: list[str] = []
        for index, line in enumerate(raw_lines):
            out.append(line)
            for new_line in by_line.get(index, []):
                out.append(new_line.rstrip() + self.newline if new_line.strip() else self.newline)
        return "".join(out)


def _label(item: Any) -> str:
    return str(item.get("name")) if isinstance(item, dict) else str(item)


def merge(text: str | None, desired: dict[str, Any], what: str = "the YAML file") -> tuple[str, list[str]]:
    """The file with every missing source/table/column/model of `desired` added, and what was added.

    `text` None (no file yet) renders `desired` whole.
    """
    if text is None or not text.strip():
        added = [f"{key} {_label(item)}" for key in MERGED_LISTS if key in desired for item in desired[key]]
        return render_document(desired), added
    merger = _Merger(text, what)
    if not isinstance(merger.root, yaml.MappingNode):
        raise ToolError(f"cannot add to {what}: its top level is not a mapping")
    merger.merge_mapping(merger.root, desired, "", 0, 0)
    result = merger.result()
    if result != text:
        _verify(result, desired, what)
    return result, merger.added


@dataclass(frozen=True)
class Unmatched:
    """An item the file lists that the desired document does not, by the file's own names."""

    within: tuple[str, ...]  # the names of the items it is listed under: (source, table) for a column
    kind: str  # source, table, column or model
    name: str

    def __str__(self) -> str:
        """As `merge` labels what it adds: `source.table name`, `source.table.column name`."""
        return "".join(f"{name}." for name in self.within) + f"{self.kind} {self.name}"


def unmatched(text: str | None, desired: dict[str, Any], what: str = "the YAML file") -> list[Unmatched]:
    """What the file lists (sources, tables, columns, models) that `desired` does not.

    Columns are compared only where `desired` lists columns for the item.
    """
    if text is None or not text.strip():
        return []
    root = _compose(text, what)
    found: list[Unmatched] = []

    def walk(node: yaml.Node | None, wanted: dict[str, Any], within: tuple[str, ...]) -> None:
        if not isinstance(node, yaml.MappingNode):
            return
        for key in MERGED_LISTS:
            listed = _get(node, key) if key in wanted else None
            if listed is None or not isinstance(listed[1], yaml.SequenceNode):
                continue
            by_name: dict[str, dict[str, Any]] = {}
            for item in wanted[key]:
                for name_key in ("name", "identifier"):
                    if name_key in item:
                        by_name.setdefault(str(item[name_key]).lower(), item)
            for existing in listed[1].value:
                names = _names_of_node(existing)
                if not names:
                    continue
                # named as the file names it, so that it can be found there
                name_node = _get(existing, "name") if isinstance(existing, yaml.MappingNode) else None
                name = name_node[1].value if name_node and isinstance(name_node[1], yaml.ScalarNode) else min(names)
                match = next((by_name[n] for n in sorted(names) if n in by_name), None)
                if match is not None:
                    walk(existing, match, (*within, name))
                else:
                    found.append(Unmatched(within, key[:-1], name))

    walk(root, desired, ())
    return found


def _verify(text: str, desired: dict[str, Any], what: str) -> None:
    """The merged text must parse and hold every desired name: a failure here is a bug, not user input."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:  # pragma: no cover - a bug in the insertion logic
        raise RuntimeError(f"merging into {what} produced invalid YAML: {exc}") from exc

    def check(node: yaml.Node | None, wanted: dict[str, Any]) -> None:
        for key in MERGED_LISTS:
            if key not in wanted:
                continue
            found = _get(node, key) if isinstance(node, yaml.MappingNode) else None
            items = found[1].value if found and isinstance(found[1], yaml.SequenceNode) else []
            index: dict[str, yaml.Node] = {}
            for item in items:
                for name in _names_of_node(item):
                    index.setdefault(name, item)
            for item in wanted[key]:
                match = index.get(str(item["name"]).lower()) or index.get(str(item.get("identifier", "")).lower())
                if match is None:  # pragma: no cover
                    raise RuntimeError(f"merging into {what} lost {key} item {item['name']!r}")
                check(match, item)

    check(root, desired)
