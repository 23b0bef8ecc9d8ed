"""Who can read what on Snowflake, computed from the statements that set it up.

Input: the platform statements (macros/snowflake/platform.sql), every statement dbt sends in a
prod run (recorded offline by tools/snowflake_offline.py: grants, masking post-hooks), the
masking policies' clear-text roles, and the relations dbt builds (from its manifest) and Fivetran
lands (the sources). Output: for each role, the relations it can SELECT, and for each classified
column of them whether the role reads it in clear.

The model of Snowflake's access control, kept to what these statements use:
- a role holds its own grants and those of every role granted to it, transitively;
- SELECT on a table or view needs USAGE on its database and its schema, and either ownership, a
  grant on the object, or a grant on all / future tables (views) of its schema (future grants
  count for every relation: the platform script runs before dbt creates any);
- a column with a masking policy reads in clear only for the policy's clear roles, matched
  against the session's role (current_role()), that is the functional role itself and never a
  role it inherits;
- every role inherits PUBLIC;
- a view without a policy on a column shows it as masked as the relations it selects it from
  (Snowflake applies the underlying column's policy for the querying role).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

_NAME = r"[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)*"


def clean_statement(statement: str) -> str:
    """One line, without dbt's query comment or a trailing semicolon."""
    without_comments = re.sub(r"/\*.*?\*/", " ", statement, flags=re.S)
    return " ".join(without_comments.split()).rstrip(";").strip()


@dataclass(frozen=True)
class Relation:
    name: str  # DATABASE.SCHEMA.NAME, upper case
    kind: str  # 'table' or 'view'
    owner: str  # the role that creates it
    # the relations a view selects from (models only; empty for tables and views over raw)
    reads: tuple[str, ...] = ()

    @property
    def database(self) -> str:
        return self.name.split(".")[0]

    @property
    def schema(self) -> str:
        return ".".join(self.name.split(".")[:2])


@dataclass
class Grants:
    """What the statements granted, each name upper case."""

    inherits: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    usage: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # role -> databases, schemas
    select_on: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # role -> relations
    # role -> {(schema, 'table'|'view')}: SELECT on all or future objects of that kind in the schema
    select_in_schema: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    # relation -> {column: policy}
    policies: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    unknown: list[str] = field(default_factory=list)

    def roles_of(self, role: str) -> set[str]:
        """The role and every role it inherits; every role inherits PUBLIC."""
        seen, todo = set(), [role.upper(), "PUBLIC"]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.inherits.get(current, ()))
        return seen


_PATTERNS = [
    ("role", re.compile(rf"grant role ({_NAME}) to role ({_NAME})$", re.I)),
    ("select_in_schema",
     re.compile(rf"grant select on (?:all|future) (tables|views) in schema ({_NAME}) to role ({_NAME})$", re.I)),
    ("select_on", re.compile(rf"grant select on (?:(?:table|view) )?({_NAME}) to (?:role )?({_NAME})$", re.I)),
    ("usage", re.compile(rf"grant ([\w ,]+) on (database|schema) ({_NAME}) to role ({_NAME})$", re.I)),
    ("policy",
     re.compile(rf"alter (?:table|view) ({_NAME}) modify column (\w+) set masking policy ({_NAME})(?: force)?$", re.I)),
    # statements that grant no read access on relations
    ("ignore", re.compile(rf"grant role {_NAME} to user {_NAME}$|grant usage on warehouse "
                          rf"|grant apply on masking policy "
                          rf"|grant database role |revoke ", re.I)),
]


def parse_grants(statements: Iterable[str]) -> Grants:
    grants = Grants()
    for raw in statements:
        statement = clean_statement(raw)
        if not statement.lower().startswith(("grant", "revoke", "alter table", "alter view")):
            continue
        if statement.lower().startswith(("alter table", "alter view")) and "masking policy" not in statement.lower():
            continue
        for kind, pattern in _PATTERNS:
            match = pattern.match(statement)
            if not match:
                continue
            groups = [g.upper() for g in match.groups()]
            if kind == "role":
                grants.inherits[groups[1]].add(groups[0])
            elif kind == "select_in_schema":
                grants.select_in_schema[groups[2]].add((groups[1], groups[0].lower().rstrip("s")))
            elif kind == "select_on":
                grants.select_on[groups[1]].add(groups[0])
            elif kind == "usage":
                if "USAGE" in [p.strip() for p in groups[0].split(",")]:
                    grants.usage[groups[3]].add(groups[2])
            elif kind == "policy":
                grants.policies[groups[0]][groups[1].lower()] = groups[2]
            break
        else:
            if statement.lower().startswith("revoke"):
                continue
            grants.unknown.append(statement)
    return grants


def can_select(grants: Grants, role: str, relation: Relation) -> bool:
    roles = grants.roles_of(role)
    if relation.owner in roles:
        return True
    if not any(relation.database in grants.usage[r] for r in roles):
        return False
    if not any(relation.schema in grants.usage[r] for r in roles):
        return False
    return any(relation.name in grants.select_on[r] or (relation.schema, relation.kind) in grants.select_in_schema[r]
               for r in roles)


def readable(grants: Grants, role: str, relations: Iterable[Relation]) -> set[str]:
    return {r.name for r in relations if can_select(grants, role, r)}


def reads_in_clear(grants: Grants, clear_roles: dict[str, set[str]], role: str, relation: Relation, column: str,
                   relations: dict[str, Relation]) -> bool:
    """Whether `role`, as its session's role, reads `column` of `relation` unmasked."""
    policy = grants.policies.get(relation.name, {}).get(column.lower())
    if policy is not None:
        return role.upper() in clear_roles.get(policy, set())
    if relation.kind == "view" and relation.reads:
        upstream = [relations[name] for name in relation.reads if name in relations]
        holders = [u for u in upstream if column.lower() in grants.policies.get(u.name, {})]
        if holders:
            return all(reads_in_clear(grants, clear_roles, role, u, column, relations) for u in holders)
    return True


def clear_roles_by_policy(spec: dict) -> dict[str, set[str]]:
    """Fully qualified policy name (upper case) -> the roles it shows values to in clear."""
    return {f"{spec['policy_schema']}.{p['name']}".upper(): set(p["clear_roles"]) for p in spec["masking_policies"]}
