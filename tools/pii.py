"""Which column names look like personal data, and of which class (SDD, PII Handling).

One place for the patterns: `tools check` (GOV003) flags an unclassified column that matches,
and `tools scaffold-source` classifies the columns it writes, so a new connector's staging YAML
starts masked. The classes are those a masking policy exists for (macros/snowflake/platform.sql).
"""

from __future__ import annotations

import re

_ANY = r"[A-Za-z_][\w$]*"
# class -> the names that belong to it (whole identifier, any case)
CLASS_PATTERNS: dict[str, str] = {
    "email": rf"(?:{_ANY})?(?:email|e_mail)[\w$]*",
    "phone": rf"(?:{_ANY})?(?:phone|mobile)[\w$]*",
    "name": r"(?:[\w$]*_)?(?:first|last|middle|full|given|family|display|contact|customer|technician|person"
            r"|employee|user)_name",
    "address": r"(?:[\w$]*_)?(?:address|street)(?:_line)?(?:_?\d+)?|(?:[\w$]*_)?city",
    "postal_code": r"(?:[\w$]*_)?(?:postal_code|postcode|zip|zip_code|zipcode)",
    "location": r"(?:[\w$]*_)?(?:latitude|longitude|lat|lng|lon)",
}
_CLASSES = {cls: re.compile(pattern, re.I) for cls, pattern in CLASS_PATTERNS.items()}

# Any of them, as an identifier inside SQL text.
PII_NAME = re.compile(r"(?<![\w$])(" + "|".join(CLASS_PATTERNS.values()) + r")(?![\w$])", re.I)
# Values that look like an email address or a phone number (seeds, a built warehouse).
# A phone is written with separators (415-555-0123, (415) 555-0123) or in E.164 (+14155550123);
# ten bare digits are as often an id, and are left to the name rules.
PII_VALUE = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}|(?:\+?\d{1,3}[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}"
                       r"|(?<![\w+])\+\d{10,15}\b")


def pii_class_of(column_name: str) -> str | None:
    """The class a column of this name most likely holds, or None if it does not look personal."""
    for cls, pattern in _CLASSES.items():
        if pattern.fullmatch(column_name):
            return cls
    return None
