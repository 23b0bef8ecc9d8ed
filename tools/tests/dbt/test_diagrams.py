"""The project's pictures (docs/assets, tools/diagrams.py) against its manifest: committed and up
to date, so a model, a relationships test or an exposure added without `make diagrams` fails here;
and Mermaid in chromium draws them (what `make diagrams` does)."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.dom.minidom

import pytest

from tools import diagrams
from tools.tests.conftest import PROJECT_ROOT, Warehouse

pytestmark = pytest.mark.e2e


def _manifest(built: Warehouse) -> dict:
    return json.loads((built.root / "target" / "manifest.json").read_text(encoding="utf-8"))


def test_the_committed_pictures_are_those_of_the_manifest(built: Warehouse) -> None:
    result = subprocess.run([sys.executable, "-m", "tools.cli", "diagrams", "--check", "--manifest",
                             str(built.root / "target" / "manifest.json")], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{result.stderr}(make diagrams redraws them)"
    erd = (PROJECT_ROOT / diagrams.ASSETS_DIR / "marts_erd.mmd").read_text(encoding="utf-8")
    for table in ("dim_customers", "fct_jobs", "fct_revenue", "seed_regions"):
        assert f"    {table} {{" in erd
    assert '    dim_customers ||--o{ fct_jobs : "customer_id"' in erd


def test_a_relationship_the_manifest_loses_makes_the_erd_stale(built: Warehouse) -> None:
    manifest = _manifest(built)
    dropped = [uid for uid, n in manifest["nodes"].items() if n["resource_type"] == "test"
               and (n.get("test_metadata") or {}).get("name") == "relationships"
               and n.get("attached_node") == "model.dbt_fieldforce.fct_jobs" and n.get("column_name") == "customer_id"]
    assert dropped
    for uid in dropped:
        del manifest["nodes"][uid]
    assets = PROJECT_ROOT / diagrams.ASSETS_DIR
    assert diagrams.stale(diagrams.diagrams(manifest), assets) == [
        f"{assets / 'marts_erd.mmd'} differs from the manifest",
        f"{assets / 'marts_erd.svg'} was not drawn from the manifest's marts_erd"]


def test_mermaid_in_chromium_draws_every_box(built: Warehouse) -> None:
    found = diagrams.diagrams(_manifest(built))
    drawn = diagrams.render_svg(found, PROJECT_ROOT / diagrams.MERMAID_JS)
    for diagram in found:
        svg = drawn[diagram.name]
        assert svg.startswith(f"<!-- mermaid source sha256: {diagram.digest} -->\n<svg")
        document = xml.dom.minidom.parseString(svg)
        texts = " ".join(node.data for node in _text_nodes(document.documentElement))
        names = ["dim_customers", "fct_jobs", "seed_regions"] if diagram.name == "marts_erd" else \
            ["fivetran_postgres", "int_operations", "Executive"]
        for name in names:
            assert name in texts, (diagram.name, name)


def _text_nodes(node):
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            yield child
        else:
            yield from _text_nodes(child)
