"""The pictures of docs/assets (tools/diagrams.py): the Mermaid text made from a manifest, the
staleness check, and the command's errors. The project's own pictures against its manifest, and
their drawing in chromium, are in tools/tests/dbt/test_diagrams.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tools import diagrams
from tools.cli import main
from tools.errors import ToolError


def _model(name: str, fqn: list[str], materialized: str = "table", depends: tuple[str, ...] = (),
           columns: dict | None = None, kind: str = "model") -> dict:
    return {"unique_id": f"{kind}.p.{name}", "resource_type": kind, "name": name, "fqn": ["p", *fqn, name],
            "config": {"materialized": materialized, "enabled": True, "meta": {}},
            "columns": columns or {}, "depends_on": {"nodes": list(depends)}}


def _test(kind: str, model: str, column: str, **kwargs: str) -> dict:
    return {"unique_id": f"test.p.{kind}_{model}_{column}", "resource_type": "test", "column_name": column,
            "attached_node": f"model.p.{model}", "test_metadata": {"name": kind, "kwargs": kwargs},
            "depends_on": {"nodes": [f"model.p.{model}"]}}


def _manifest() -> dict:
    nodes = [
        _model("stg_shop__orders", ["staging", "shop"], "view"),
        _model("dim_customers", ["marts", "core"], columns={"customer_id": {"data_type": "bigint"},
                                                            "name": {}}),
        _model("fct_orders", ["marts", "core"], "incremental", ("model.p.stg_shop__orders", "model.p.dim_customers"),
               {"order_id": {"data_type": "varchar"}, "customer_id": {}, "amount": {}}),
        _model("v_fct_orders_rls", ["marts", "core"], "view", ("model.p.fct_orders",)),
        _test("unique", "dim_customers", "customer_id"), _test("not_null", "dim_customers", "customer_id"),
        _test("unique", "fct_orders", "order_id"), _test("not_null", "fct_orders", "order_id"),
        _test("unique", "fct_orders", "customer_id"),  # unique alone is not a key
        _test("relationships", "fct_orders", "customer_id", to="ref('dim_customers')", field="customer_id"),
    ]
    nodes[3]["config"]["meta"]["rls_view_of"] = "fct_orders"
    nodes[3]["columns"] = {"customer_id": {"data_type": "bigint"}}
    source = {"unique_id": "source.p.shop.orders", "resource_type": "source", "source_name": "shop",
              "schema": "raw_shop_dev", "name": "orders", "depends_on": {"nodes": []}}
    nodes[0]["depends_on"]["nodes"] = ["source.p.shop.orders"]
    exposure = {"unique_id": "exposure.p.board", "resource_type": "exposure", "name": "board", "label": "Board",
                "depends_on": {"nodes": ["model.p.v_fct_orders_rls", "model.p.dim_customers"]}}
    return {"nodes": {n["unique_id"]: n for n in nodes}, "sources": {source["unique_id"]: source},
            "exposures": {exposure["unique_id"]: exposure}}


def test_the_erd_draws_the_mart_tables_with_their_keys_and_joins() -> None:
    assert diagrams.erd_source(_manifest()) == """erDiagram
    dim_customers {
        bigint customer_id PK
    }
    fct_orders {
        varchar order_id PK
        bigint customer_id FK
    }
    dim_customers ||--o{ fct_orders : "customer_id"
"""


def test_the_lineage_draws_the_layers_by_folder_with_counts() -> None:
    assert diagrams.lineage_source(_manifest()) == """flowchart LR
    subgraph layer__raw["Raw (Fivetran, dbt's run history)"]
        raw__shop["shop<br/>1 table"]
    end
    subgraph layer__staging["Staging"]
        staging__staging_shop["shop<br/>1 model"]
    end
    subgraph layer__marts["Marts"]
        marts__marts_core["core<br/>3 models"]
    end
    subgraph layer__exposures["Sigma dashboards"]
        exposures__board["Board<br/>reads 2 relations"]
    end
    marts__marts_core --> exposures__board
    raw__shop --> staging__staging_shop
    staging__staging_shop --> marts__marts_core
"""


def test_a_manifest_without_marts_is_refused() -> None:
    with pytest.raises(ToolError, match="no mart tables"):
        diagrams.erd_source({"nodes": {}})
    with pytest.raises(ToolError, match="no nodes"):
        diagrams.lineage_source({"nodes": {}})


def _written(assets: Path, found: list[diagrams.Diagram]) -> None:
    assets.mkdir(parents=True, exist_ok=True)
    for diagram in found:
        (assets / f"{diagram.name}.mmd").write_text(diagram.source, encoding="utf-8")
        (assets / f"{diagram.name}.svg").write_text(
            f"<!-- mermaid source sha256: {diagram.digest} -->\n<svg/>\n", encoding="utf-8")


def test_stale_names_text_and_pictures_the_manifest_no_longer_gives(tmp_path: Path) -> None:
    found = diagrams.diagrams(_manifest())
    _written(tmp_path, found)
    assert diagrams.stale(found, tmp_path) == []
    changed = _manifest()
    del changed["nodes"]["test.p.relationships_fct_orders_customer_id"]
    assert diagrams.stale(diagrams.diagrams(changed), tmp_path) == [
        f"{tmp_path / 'marts_erd.mmd'} differs from the manifest",
        f"{tmp_path / 'marts_erd.svg'} was not drawn from the manifest's marts_erd"]
    # the text brought up to date by hand, the picture not redrawn
    (tmp_path / "marts_erd.mmd").write_text(diagrams.erd_source(changed), encoding="utf-8")
    assert diagrams.stale(diagrams.diagrams(changed), tmp_path) == [
        f"{tmp_path / 'marts_erd.svg'} was not drawn from the manifest's marts_erd"]
    (tmp_path / "lineage.svg").unlink()
    assert f"{tmp_path / 'lineage.svg'} was not drawn from the manifest's lineage" in \
        diagrams.stale(diagrams.diagrams(changed), tmp_path)


def _project(tmp_path: Path) -> Path:
    (tmp_path / "dbt_project.yml").write_text("name: p\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("content, message", [
    (None, "cannot read"),
    ("{not json", "is not JSON"),
    ("[1, 2]", "is not a dbt manifest"),
    ('{"nodes": {}}', "no mart tables"),
])
def test_a_bad_manifest_is_one_line_and_writes_nothing(tmp_path: Path, content: str | None, message: str) -> None:
    root = _project(tmp_path)
    manifest = root / "manifest.json"
    if content is not None:
        manifest.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["diagrams", "--project-dir", str(root), "--manifest", str(manifest)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("error: ") and message in result.output
    assert str(manifest) in result.output or content == '{"nodes": {}}'
    assert not (root / "docs").exists()


def test_check_exits_1_and_says_how_to_regenerate(tmp_path: Path) -> None:
    root = _project(tmp_path)
    manifest = root / "manifest.json"
    manifest.write_text(json.dumps(_manifest()), encoding="utf-8")
    result = CliRunner().invoke(main, ["diagrams", "--project-dir", str(root), "--manifest", str(manifest), "--check"])
    assert result.exit_code == 1
    assert "marts_erd.mmd differs from the manifest" in result.output
    assert result.output.rstrip().endswith("regenerate them: make diagrams")
    _written(root / diagrams.ASSETS_DIR, diagrams.diagrams(_manifest()))
    result = CliRunner().invoke(main, ["diagrams", "--project-dir", str(root), "--manifest", str(manifest), "--check"])
    assert result.exit_code == 0, result.output
