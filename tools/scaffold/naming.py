"""Names the way Fivetran writes them in the destination, and identifiers that are safe in SQL.

Fivetran's rule (see docs/scaffold.md): split a source name at lower→upper and letter↔digit
boundaries, keep a run of capitals glued to the word that follows it, turn `__` (and any other run
of separators) into one `_`, and lower-case the result:

    Pricebook2Id → pricebook_2_id     Foo__c → foo_c     AllowIPNPayment → allow_ipnpayment
"""

from __future__ import annotations

import re
import unicodedata

from tools.errors import ToolError

# Reserved words of Snowflake (docs "Reserved & limited keywords") and DuckDB
# (`select keyword_name from duckdb_keywords() where keyword_category = 'reserved'`), plus words
# that other engines reserve and Fivetran sources are known to use as column names (QuickBooks
# `index`). A column with one of these names is quoted with the project's quote_identifier macro.
SNOWFLAKE_RESERVED = frozenset(
    """
    account all alter and any as between by case cast check column connect connection constraint
    create cross current current_date current_time current_timestamp current_user database delete
    distinct drop else exists false following for from full grant group gscluster having ilike in
    increment inner insert intersect into is issue join lateral left like localtime localtimestamp
    minus natural not null of on or order organization qualify regexp revoke right rlike row rows
    sample schema select set some start table tablesample then to trigger true try_cast union unique
    update using values view when whenever where window with
    """.split()
)
DUCKDB_RESERVED = frozenset(
    """
    all analyse analyze and any array as asc asymmetric both case cast check collate column
    constraint create default deferrable desc describe distinct do else end except false fetch for
    foreign from group having in initially intersect into lambda lateral leading limit not null
    offset on only or order pivot pivot_longer pivot_wider placing primary qualify references
    returning select show some summarize symmetric table then to trailing true union unique unpivot
    using variadic when where window with
    """.split()
)
ALSO_QUOTED = frozenset({"index", "key", "user", "value"})
RESERVED_WORDS = SNOWFLAKE_RESERVED | DUCKDB_RESERVED | ALSO_QUOTED

_PLAIN_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_DESTINATION_NAME = re.compile(r"^[a-z0-9_]+$")
# Boundaries where Fivetran inserts an underscore.
_LOWER_UPPER = re.compile(r"(?<=[a-z])(?=[A-Z])")
_LETTER_DIGIT = re.compile(r"(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])")
_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")


def _ascii(name: str) -> str:
    """Accented letters lose their accents (é → e); other characters stay for the caller to judge."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fivetran_name(name: str) -> str:
    """The destination name Fivetran gives a source schema, table or column name.

    A leading underscore is kept (`_fivetran_synced`, Google Sheets' `_row`). Raises ToolError when
    nothing usable is left (an empty name, only punctuation, letters outside ASCII).
    """
    original = name
    text = _ascii(name.strip())
    if any(ord(ch) > 127 and (ch.isalnum()) for ch in text):
        raise ToolError(f"name {original!r} cannot be made a valid identifier (letters outside ASCII)")
    leading = "_" if text.startswith("_") else ""
    text = _LOWER_UPPER.sub("_", text)
    text = _LETTER_DIGIT.sub("_", text)
    text = _SEPARATORS.sub("_", text).strip("_").lower()
    if not text:
        raise ToolError(f"name {original!r} cannot be made a valid identifier")
    return check_identifier_length(leading + text, original)


# Snowflake's limit on an identifier (DuckDB's is higher).
MAX_IDENTIFIER_LENGTH = 255


def check_identifier_length(name: str, original: str | None = None) -> str:
    if len(name) > MAX_IDENTIFIER_LENGTH:
        shown = (original or name)[:40]
        raise ToolError(f"name {shown!r}... is {len(name)} characters; Snowflake allows {MAX_IDENTIFIER_LENGTH}")
    return name


def check_destination_name(name: str, what: str) -> str:
    """A name as it is in the destination (`name_in_destination`, a landed column): lower snake case.

    Snowflake reports unquoted names in upper case, so case is folded first.
    """
    folded = name.lower()
    if not _DESTINATION_NAME.fullmatch(folded) or not re.search(r"[a-z0-9]", folded):
        raise ToolError(f"{what} {name[:60]!r} cannot be made a valid identifier (expected letters, digits and _)")
    return check_identifier_length(folded)


def needs_quoting(name: str) -> bool:
    """True for reserved words and names that are not plain identifiers (such as a leading digit)."""
    return name in RESERVED_WORDS or not _PLAIN_IDENTIFIER.fullmatch(name)


def sql_column(name: str) -> str:
    """The column as a staging model writes it: bare, or through the quote_identifier macro."""
    if needs_quoting(name):
        return "{{ quote_identifier('" + name + "') }}"
    return name


def humanize(name: str) -> str:
    """`billing_city` → `billing city`, for description stubs."""
    return " ".join(part for part in name.strip("_").split("_") if part)


def singular(name: str) -> str:
    """A naive English singular (`accounts` → `account`, `categories` → `category`) for descriptions."""
    if name.endswith("ies") and len(name) > 4:
        return name[:-3] + "y"
    if name.endswith(("sses", "xes", "ches", "shes")):
        return name[:-2]
    if name.endswith("s") and not name.endswith(("ss", "us", "is")):
        return name[:-1]
    return name
