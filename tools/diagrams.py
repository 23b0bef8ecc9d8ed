"""The pictures of docs/assets: an ERD of the marts and the lineage of the layers, made from dbt's
manifest as Mermaid text and rendered to SVG in the system chromium (`tools diagrams`, make diagrams).

The Mermaid text is committed beside each SVG (<name>.mmd), and each SVG records the SHA-256 of
the text it was drawn from, so `tools diagrams --check` (and the test) tells a stale picture from
the manifest alone: no browser, no Node.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.errors import ToolError

ASSETS_DIR = Path("docs") / "assets"
# scripts/diagrams/package.json pins it; `npm ci --prefix scripts/diagrams` installs it
MERMAID_JS = Path("scripts") / "diagrams" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
SOURCE_HASH = re.compile(r"<!-- mermaid source sha256: ([0-9a-f]{64}) -->")
LAYERS = ("raw", "seeds", "staging", "intermediate", "snapshots", "marts", "exposures")
LAYER_TITLES = {"raw": "Raw (Fivetran, dbt's run history)", "seeds": "Seeds", "staging": "Staging",
                "intermediate": "Intermediate", "snapshots": "Snapshots", "marts": "Marts",
                "exposures": "Sigma dashboards"}


@dataclass(frozen=True)
class Diagram:
    name: str
    title: str
    source: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()


def load_manifest(path: Path) -> dict[str, Any]:
    """dbt's manifest.json, or one sentence saying why it cannot be read."""
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ToolError(f"cannot read {path}: {exc.strerror or exc} (run `dbt parse` first)") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ToolError(f"{path} is not JSON ({exc}): run `dbt parse` again") from exc
    if not isinstance(loaded, dict):
        raise ToolError(f"{path} is not a dbt manifest")
    return loaded


def _models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {uid: n for uid, n in manifest.get("nodes", {}).items()
            if n.get("resource_type") in ("model", "seed", "snapshot") and n.get("config", {}).get("enabled", True)}


def _mart_tables(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The marts' tables (their secure views mirror them, column for column), by unique id."""
    return {uid: n for uid, n in _models(manifest).items()
            if n["resource_type"] == "model" and len(n["fqn"]) > 2 and n["fqn"][1] == "marts"
            and n["config"].get("materialized") not in ("view", "ephemeral")}


def _tests(manifest: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [n for n in manifest.get("nodes", {}).values()
            if n.get("resource_type") == "test" and (n.get("test_metadata") or {}).get("name") == name]


def _ref_name(to: str) -> str | None:
    found = re.fullmatch(r"""\s*ref\(\s*['"]([^'"]+)['"]\s*\)\s*""", to or "")
    return found.group(1) if found else None


def _column_types(manifest: dict[str, Any], node: dict[str, Any]) -> dict[str, str]:
    """Declared column types: the model's own, else its secure view's contract (same columns)."""
    types = {}
    views = [v for v in _models(manifest).values() if v["config"].get("meta", {}).get("rls_view_of") == node["name"]]
    for source in [*views, node]:
        types.update({c: col["data_type"] for c, col in source.get("columns", {}).items() if col.get("data_type")})
    return types


def _mermaid_type(data_type: str | None) -> str:
    """Mermaid's attribute type is one word: numeric(38,2) -> numeric."""
    return re.sub(r"\W.*", "", data_type or "") or "column"


def erd_source(manifest: dict[str, Any]) -> str:
    """A Mermaid erDiagram of the mart tables: each with its primary key (unique and not_null) and
    foreign keys (relationships tests), joined where a relationships test joins them."""
    tables = _mart_tables(manifest)
    if not tables:
        raise ToolError("the manifest has no mart tables: is it this project's (run `dbt parse` first)?")
    by_name = {n["name"]: n for n in tables.values()}
    # a seed the marts join to (the regions) is drawn too: it is their dimension
    seeds = {n["name"]: n for n in _models(manifest).values() if n["resource_type"] == "seed"}
    tested: dict[tuple[str, str], set[str]] = defaultdict(set)
    for kind in ("unique", "not_null"):
        for test in _tests(manifest, kind):
            attached = test.get("attached_node") or ""
            if attached in tables and test.get("column_name"):
                tested[(tables[attached]["name"], test["column_name"])].add(kind)
    joins: set[tuple[str, str, str, str]] = set()
    foreign: dict[str, set[str]] = defaultdict(set)
    for test in _tests(manifest, "relationships"):
        attached = test.get("attached_node") or ""
        kwargs = test["test_metadata"].get("kwargs", {})
        parent = _ref_name(kwargs.get("to", "")) or ""
        column = test.get("column_name") or kwargs.get("column_name")
        if attached in tables and parent in {**by_name, **seeds} and column and parent != tables[attached]["name"]:
            child = tables[attached]["name"]
            if parent in seeds:
                by_name[parent] = seeds[parent]
            joins.add((parent, child, str(kwargs.get("field", column)), column))
            foreign[child].add(column)
    lines = ["erDiagram"]
    for name in sorted(by_name):
        node = by_name[name]
        types = _column_types(manifest, node)
        keys = {c for (table, c), kinds in tested.items() if table == name and kinds == {"unique", "not_null"}}
        keys |= {field for parent, _, field, _ in joins if parent == name and parent in seeds}
        lines.append(f"    {name} {{")
        for column in [c for c in node.get("columns", {}) if c in keys | foreign[name]] or sorted(keys | foreign[name]):
            marks = ",".join(m for m, on in (("PK", column in keys), ("FK", column in foreign[name])) if on)
            lines.append(f"        {_mermaid_type(types.get(column))} {column} {marks}")
        lines.append("    }")
    for parent, child, field, column in sorted(joins):
        label = column if field == column else f"{column} = {field}"
        lines.append(f'    {parent} ||--o{{ {child} : "{label}"')
    return "\n".join(lines) + "\n"


def _layer_group(node: dict[str, Any]) -> tuple[str, str]:
    """(layer, group) a node is drawn in: a raw schema, a staging folder, a marts domain, ..."""
    kind = node["resource_type"]
    if kind == "source":
        return "raw", node["source_name"]  # not its schema, which differs by target
    if kind == "exposure":
        return "exposures", node.get("label") or node["name"]
    if kind in ("seed", "snapshot"):
        return f"{kind}s", f"{kind}s"
    folders = node["fqn"][1:-1]
    layer = folders[0] if folders else "models"
    return layer, "/".join(folders[:2]) if len(folders) > 1 else layer


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _node_id(layer: str, group: str) -> str:
    """A box's id: its layer's and group's names (a raw schema and a dashboard may share a name)."""
    return re.sub(r"\W", "_", f"{layer}__{group}".lower())


def lineage_source(manifest: dict[str, Any]) -> str:
    """A Mermaid flowchart of the layers, left to right: raw schemas, staging folders, intermediate
    folders, marts domains and the dashboards (exposures), each box counting its nodes."""
    everything: dict[str, dict[str, Any]] = {**_models(manifest), **manifest.get("sources", {}),
                                             **manifest.get("exposures", {})}
    counted: dict[tuple[str, str], int] = defaultdict(int)
    edges: set[tuple[tuple[str, str], tuple[str, str]]] = set()
    for node in everything.values():
        layer, group = _layer_group(node)
        counted[(layer, group)] += 1
        for upstream in node.get("depends_on", {}).get("nodes", []):
            if upstream in everything:
                upstream_box = _layer_group(everything[upstream])
                if upstream_box != (layer, group):
                    edges.add((upstream_box, (layer, group)))
    if not counted:
        raise ToolError("the manifest has no nodes: run `dbt parse` first")
    # an exposure is one node: its box counts what it reads
    reads = {_layer_group(n)[1]: len(n.get("depends_on", {}).get("nodes", [])) for n in everything.values()
             if n["resource_type"] == "exposure"}
    counted.update({("exposures", group): number for group, number in reads.items()})
    nouns = {"raw": "table", "seeds": "seed", "staging": "model", "intermediate": "model", "snapshots": "snapshot",
             "marts": "model"}
    lines = ["flowchart LR"]
    order = {layer: i for i, layer in enumerate(LAYERS)}
    for layer in sorted({layer for layer, _ in counted}, key=lambda la: (order.get(la, len(order)), la)):
        lines.append(f'    subgraph {_node_id("layer", layer)}["{LAYER_TITLES.get(layer, layer)}"]')
        for (group_layer, group), count in sorted(counted.items()):
            if group_layer != layer:
                continue
            label = f"{group}<br/>reads {_count(count, 'relation')}" if layer == "exposures" else \
                f"{group.split('/')[-1]}<br/>{_count(count, nouns.get(layer, 'model'))}"
            lines.append(f'        {_node_id(layer, group)}["{label}"]')
        lines.append("    end")
    for upstream, downstream in sorted(edges):
        lines.append(f"    {_node_id(*upstream)} --> {_node_id(*downstream)}")
    return "\n".join(lines) + "\n"


def diagrams(manifest: dict[str, Any]) -> list[Diagram]:
    return [Diagram("marts_erd", "The marts: keys and relationships", erd_source(manifest)),
            Diagram("lineage", "Lineage of the layers", lineage_source(manifest))]


def stale(diagrams_now: list[Diagram], assets: Path) -> list[str]:
    """What in `assets` no longer matches the manifest: a .mmd whose text differs, an .svg drawn
    from other text (or missing)."""
    found = []
    for diagram in diagrams_now:
        text = assets / f"{diagram.name}.mmd"
        picture = assets / f"{diagram.name}.svg"
        if not text.is_file() or text.read_text(encoding="utf-8") != diagram.source:
            found.append(f"{text} differs from the manifest")
        drawn = SOURCE_HASH.search(picture.read_text(encoding="utf-8")) if picture.is_file() else None
        if drawn is None or drawn.group(1) != diagram.digest:
            found.append(f"{picture} was not drawn from the manifest's {diagram.name}")
    return found


def render_svg(diagrams_now: list[Diagram], mermaid_js: Path) -> dict[str, str]:
    """{name: SVG} drawn by Mermaid in headless chromium, each headed by its source's hash."""
    from playwright.sync_api import Error

    from tools.dashboards.browser import headless_chromium

    if not mermaid_js.is_file():
        raise ToolError(f"no {mermaid_js}: install Mermaid first (`npm ci --prefix scripts/diagrams`, "
                        "which make diagrams runs)")
    drawn = {}
    with headless_chromium() as browser:
        page = browser.new_page()
        try:
            page.set_content("<!doctype html><html><body></body></html>")
            page.add_script_tag(path=str(mermaid_js))
            # SVG text, not HTML in foreignObject: the picture reads the same in an <img> anywhere
            page.evaluate("() => mermaid.initialize({startOnLoad: false, theme: 'neutral', securityLevel: 'strict',"
                          " htmlLabels: false, er: {useMaxWidth: false},"
                          " flowchart: {useMaxWidth: false, htmlLabels: false, wrappingWidth: 400}})")
            for diagram in diagrams_now:
                try:
                    svg = page.evaluate("async ([id, text]) => (await mermaid.render(id, text)).svg",
                                        [diagram.name, diagram.source])
                except Error as exc:
                    raise ToolError(f"Mermaid could not draw {diagram.name}: {exc.message.splitlines()[0]}") from None
                drawn[diagram.name] = f"<!-- mermaid source sha256: {diagram.digest} -->\n{svg}\n"
        finally:
            page.close()
    return drawn


def write(diagrams_now: list[Diagram], svgs: dict[str, str], assets: Path,
          atomic_write: Callable[[Path, str], None]) -> list[Path]:
    written = []
    for diagram in diagrams_now:
        for path, text in ((assets / f"{diagram.name}.mmd", diagram.source),
                           (assets / f"{diagram.name}.svg", svgs[diagram.name])):
            atomic_write(path, text)
            written.append(path)
    return written
