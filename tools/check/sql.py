"""What the check needs from a model's SQL, read with regular expressions (no Jinja rendering).

Only the Jinja blocks are searched for ref(), source() and config(), exactly as dbt resolves them;
the hard-coded-relation scan looks at the SQL with Jinja, comments and string literals removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.pii import PII_NAME

_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_JINJA_BLOCK = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
# ref('model') or ref('package', 'model'), and source('source', 'table'): in SQL and in YAML alike.
REF_CALL = re.compile(r"""\bref\s*\(\s*(['"])([^'"]+)\1(?:\s*,\s*(['"])([^'"]+)\3)?""")
SOURCE_CALL = re.compile(r"""\bsource\s*\(\s*(['"])([^'"]+)\1\s*,\s*(['"])([^'"]+)\3""")
_CONFIG = re.compile(r"\bconfig\s*\(")
_MATERIALIZED = re.compile(r"""\bmaterialized\s*=\s*(['"])(\w+)\1""")
_SNAPSHOT_BLOCK = re.compile(r"\{%-?\s*snapshot\s+(\w+)\s*-?%\}")

_SQL_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_SQL_STRING = re.compile(r"'(?:[^']|'')*'")
_IDENT = r'(?:"[^"\n]+"|[A-Za-z_][\w$]*)'
_RELATION = re.compile(rf"\b(from|join)\s+({_IDENT}(?:\s*\.\s*{_IDENT}){{1,2}})(?!\s*\()", re.I)
# `a is [not] distinct from t.col` compares values: that FROM is not a relation either.
_DISTINCT_BEFORE = re.compile(r"\bdistinct\s*$", re.I)
# `extract(epoch from t.col)`, `trim(both ' ' from t.col)`: a FROM that is not a relation.
_FROM_FUNCTIONS = {"extract", "trim", "substring", "position", "overlay", "date_part", "substr"}

@dataclass(frozen=True)
class Call:
    """A ref('model') or source('source', 'table') call and the line it is on."""

    args: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class SqlFacts:
    refs: tuple[Call, ...]
    sources: tuple[Call, ...]
    materialized: str | None
    materialized_line: int
    hard_coded: tuple[Call, ...]
    snapshots: tuple[Call, ...]
    # Identifiers named like an email or phone column (PII_NAME), first occurrence of each.
    pii_names: tuple[Call, ...] = ()
    # `<expression> as <alias>` select items: Call((alias, *columns the expression names), line)
    aliased: tuple[Call, ...] = ()
    # every output column name (output_names)
    outputs: tuple[str, ...] = ()


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _blank(match: re.Match[str]) -> str:
    """Replace a match by spaces, keeping its newlines so offsets and lines stay put."""
    return re.sub(r"[^\n]", " ", match.group(0))


def _inside_from_function(text: str, offset: int) -> bool:
    depth = 0
    i = offset - 1
    while i >= 0:
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                word = re.search(r"(\w+)\s*$", text[:i])
                return bool(word and word.group(1).lower() in _FROM_FUNCTIONS)
            depth -= 1
        i -= 1
    return False


def hard_coded_relations(text: str) -> list[Call]:
    """`from db.schema.table` / `join schema.table` written out instead of ref() or source()."""
    cleaned = _JINJA_COMMENT.sub(_blank, text)
    # An expression becomes one placeholder identifier (keeping its newlines): `{{ var('db') }}.s.t`
    # is still a hard-coded schema.table, while `{{ ref('x') }}` alone is a single name and passes.
    cleaned = _JINJA_BLOCK.sub(lambda m: ("__jinja__" if m.group(0).startswith("{{") else "")
                               + "\n" * m.group(0).count("\n"), cleaned)
    cleaned = _SQL_COMMENT.sub(_blank, cleaned)
    cleaned = _SQL_STRING.sub(_blank, cleaned)
    found = []
    for match in _RELATION.finditer(cleaned):
        if _inside_from_function(cleaned, match.start()) or _DISTINCT_BEFORE.search(cleaned, 0, match.start()):
            continue
        name = re.sub(r"\s+", "", match.group(2)).replace("__jinja__", "{{ ... }}")
        found.append(Call((name,), _line_at(cleaned, match.start())))
    return found


_FINAL_CTE = re.compile(r"\bfinal\s+as\s*\(", re.I)
_ALIAS = re.compile(r"\bas\s+([A-Za-z_][\w$]*)", re.I)
_BARE_ITEM = re.compile(r"^[ \t]*(?:[A-Za-z_][\w$]*\.)?([A-Za-z_][\w$]*)[ \t]*,?[ \t]*$", re.M)


def output_names(text: str) -> list[Call]:
    """The model's output columns as far as the text shows them: aliases and select items that
    are a bare column, outside Jinja, comments and string literals; with a `final` CTE, only in
    its select list (a column an earlier CTE reads or computes and final drops is not in the
    model, nor an input renamed on the way, such as `email` in `lower(email) as customer_email`)."""
    cleaned = _JINJA_COMMENT.sub(_blank, text)
    cleaned = _JINJA_BLOCK.sub(_blank, cleaned)
    cleaned = _SQL_COMMENT.sub(_blank, cleaned)
    cleaned = _SQL_STRING.sub(_blank, cleaned)
    final = _FINAL_CTE.search(cleaned)
    start = final.end() if final else 0
    outputs = [(m.group(1), m.start(1)) for m in _ALIAS.finditer(cleaned, start)]
    outputs += [(m.group(1), m.start(1)) for m in _BARE_ITEM.finditer(cleaned, start)]
    seen: dict[str, Call] = {}
    for name, offset in sorted(outputs, key=lambda item: item[1]):
        seen.setdefault(name.lower(), Call((name.lower(),), _line_at(cleaned, offset)))
    return list(seen.values())


def pii_like_names(text: str) -> list[Call]:
    """Output columns (output_names) that look like personal data."""
    return [call for call in output_names(text) if PII_NAME.fullmatch(call.args[0])]


_LAST_AS = re.compile(r"^(?P<expr>.*\S)\s+as\s+(?P<alias>[A-Za-z_][\w$]*)\s*,?\s*$", re.I)
_COLUMN_REF = re.compile(r"(?<![\w$.])(?:[A-Za-z_][\w$]*\.)*([A-Za-z_][\w$]*)(?![\w$(])")


def aliased_expressions(text: str) -> list[Call]:
    """Each select item `<expression> as <alias>`, its expression on that line or on the lines
    since the previous item ended (a `case` over several lines), with the column names it
    mentions: where a renamed or derived column comes from."""
    cleaned = _JINJA_COMMENT.sub(_blank, text)
    cleaned = _JINJA_BLOCK.sub(_blank, cleaned)
    cleaned = _SQL_COMMENT.sub(_blank, cleaned)
    cleaned = _SQL_STRING.sub(_blank, cleaned)
    found = []
    pending: list[str] = []
    for number, line in enumerate(cleaned.splitlines(), start=1):
        stripped = line.strip().lower()
        match = _LAST_AS.match(line)
        if match is not None and match.group("alias").lower() != "select":
            expression = " ".join([*pending, match.group("expr")])
            names = {m.group(1).lower() for m in _COLUMN_REF.finditer(expression)}
            found.append(Call((match.group("alias").lower(), *sorted(names)), number))
            pending = []
        elif stripped.endswith((",", "(")) or stripped in ("select", "select distinct", "") or \
                stripped.startswith(("from ", "where ", "group by", "order by", ")")):
            pending = []
        else:
            pending.append(line)
    return found


_MACRO_START = re.compile(r"\{%-?\s*(macro|test)\s+(\w+)\s*\(")


def _argument_names(text: str, start: int) -> tuple[tuple[str, ...], bool]:
    """The argument names of a signature whose `(` is just before `start`, and whether it closes."""
    names, current, depth, quote, i = [], "", 0, "", start
    while i < len(text):
        char = text[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}" and depth:
            depth -= 1
        elif char == ")":
            names.append(current)
            return tuple(n.split("=", 1)[0].strip() for n in names if n.strip()), True
        elif char == "," and not depth:
            names.append(current)
            current = ""
            i += 1
            continue
        if not depth and not quote:
            current += char
        i += 1
    return (), False


def macro_definitions(text: str) -> list[Call]:
    """`{% macro name(a, b=1) %}` and `{% test name(model, ...) %}`: Call((name, *arguments), line),
    a generic test named as dbt registers its macro, test_<name>."""
    without_comments = _JINJA_COMMENT.sub(_blank, text)
    found = []
    for m in _MACRO_START.finditer(without_comments):
        arguments, closed = _argument_names(without_comments, m.end())
        if not closed:
            continue
        name = f"test_{m.group(2)}" if m.group(1) == "test" else m.group(2)
        found.append(Call((name, *arguments), _line_at(without_comments, m.start())))
    return found


def read_sql(text: str) -> SqlFacts:
    without_comments = _JINJA_COMMENT.sub(_blank, text)
    refs: list[Call] = []
    sources: list[Call] = []
    snapshots: list[Call] = []
    materialized: str | None = None
    materialized_line = 1
    for block in _JINJA_BLOCK.finditer(without_comments):
        body = block.group(0)
        start = block.start()
        for m in REF_CALL.finditer(body):
            name = m.group(4) if m.group(4) else m.group(2)
            refs.append(Call((name,), _line_at(without_comments, start + m.start())))
        for m in SOURCE_CALL.finditer(body):
            sources.append(Call((m.group(2), m.group(4)), _line_at(without_comments, start + m.start())))
        if _CONFIG.search(body):
            mat = _MATERIALIZED.search(body)
            if mat:
                materialized = mat.group(2)
                materialized_line = _line_at(without_comments, start + mat.start())
    for m in _SNAPSHOT_BLOCK.finditer(without_comments):
        snapshots.append(Call((m.group(1),), _line_at(without_comments, m.start())))
    return SqlFacts(
        refs=tuple(refs),
        sources=tuple(sources),
        materialized=materialized,
        materialized_line=materialized_line,
        hard_coded=tuple(hard_coded_relations(text)),
        snapshots=tuple(snapshots),
        pii_names=tuple(pii_like_names(text)),
        aliased=tuple(aliased_expressions(text)),
        outputs=tuple(call.args[0] for call in output_names(text)),
    )
