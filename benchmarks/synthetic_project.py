"""A synthetic, rule-abiding dbt project of any size, for the benchmark and its test.

Per source: N staging models, N intermediate models, N dimensions and one fact (3N + 1 models),
with properties files, freshness, primary-key and relationships tests and an exposure.
"""

from __future__ import annotations

from pathlib import Path


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_synthetic_project(root: Path, models: int = 500, tables_per_source: int = 8) -> int:
    """Write the project under `root`; returns the number of models written (at least `models`)."""
    per_source = 3 * tables_per_source + 1
    sources = max(1, -(-models // per_source))
    _write(root / "dbt_project.yml", (
        "name: synthetic\nversion: '1.0.0'\nconfig-version: 2\nprofile: synthetic\n"
        "models:\n  synthetic:\n    staging:\n      +materialized: view\n"
        "    intermediate:\n      +materialized: table\n    marts:\n      +materialized: table\n"
        "      +group: analytics\n      +tags: [marts]\n"
    ))
    written = 0
    for s in range(sources):
        src = f"src{s:03d}"
        tables = [f"table{t:02d}" for t in range(tables_per_source)]
        stg_dir = root / "models" / "staging" / src
        int_dir = root / "models" / "intermediate" / f"domain_{src}"
        mart_dir = root / "models" / "marts" / f"mart_{src}"
        source_yaml = [f"version: 2\nsources:\n  - name: fivetran_{src}\n    schema: fivetran_{src}\n"
                       f"    loaded_at_field: _fivetran_synced\n    freshness:\n"
                       f"      warn_after: {{count: 1, period: hour}}\n    tables:\n"]
        stg_yaml, int_yaml, mart_yaml = ["version: 2\nmodels:\n"], ["version: 2\nmodels:\n"], ["version: 2\nmodels:\n"]
        for table in tables:
            stg, inter, dim = f"stg_{src}__{table}", f"int_{src}_{table}_enriched", f"dim_{src}_{table}"
            source_yaml.append(f"      - name: {table}\n        description: Raw {table}.\n")
            _write(stg_dir / f"{stg}.sql", (
                "with\n\nsource as (\n\n"
                f"    select * from {{{{ source('fivetran_{src}', '{table}') }}}}\n\n),\n\n"
                "renamed as (\n\n    select\n        id as row_id,\n        name as row_name,\n"
                "        _fivetran_synced\n    from source\n\n)\n\nselect * from renamed\n"))
            _write(int_dir / f"{inter}.sql", (
                f"select\n    r.row_id,\n    r.row_name\nfrom {{{{ ref('{stg}') }}}} as r\n"))
            _write(mart_dir / f"{dim}.sql", (
                f"select\n    e.row_id as {src}_{table}_key,\n    e.row_name\nfrom {{{{ ref('{inter}') }}}} as e\n"))
            for yaml_list, name, key in ((stg_yaml, stg, "row_id"), (int_yaml, inter, "row_id")):
                yaml_list.append(f"  - name: {name}\n    description: {name}.\n    columns:\n"
                                 f"      - name: {key}\n        data_tests: [unique, not_null]\n")
            mart_yaml.append(f"  - name: {dim}\n    description: {dim}.\n    config:\n      meta: {{certified: true}}\n"
                             f"      access: public\n      contract: {{enforced: true}}\n"
                             f"    columns:\n      - name: {src}_{table}_key\n        description: Key.\n"
                             f"        data_type: integer\n        data_tests: [unique, not_null]\n"
                             f"      - name: row_name\n        description: Name.\n        data_type: varchar\n")
            written += 3
        fact = f"fct_{src}"
        joins = "\n".join(f"left join {{{{ ref('dim_{src}_{t}') }}}} as d{i} on f.row_id = d{i}.{src}_{t}_key"
                          for i, t in enumerate(tables))
        _write(mart_dir / f"{fact}.sql", (
            "{{ config(materialized='incremental', unique_key='row_id') }}\n\n"
            "select\n    f.row_id,\n    f.row_name\n"
            f"from {{{{ ref('int_{src}_{tables[0]}_enriched') }}}} as f\n{joins}\n"))
        fact_columns = "".join(
            f"      - name: {src}_{t}_key\n        description: Key of dim_{src}_{t}.\n        data_type: integer\n"
            f"        data_tests:\n"
            f"          - relationships:\n              arguments:\n                to: ref('dim_{src}_{t}')\n"
            f"                field: {src}_{t}_key\n" for t in tables)
        mart_yaml.append(f"  - name: {fact}\n    description: {fact}.\n    meta: {{certified: true}}\n"
                         f"    config:\n      access: public\n      contract: {{enforced: true}}\n    columns:\n"
                         f"      - name: row_id\n        description: Key.\n        data_type: integer\n"
                         f"        data_tests: [unique, not_null]\n{fact_columns}")
        mart_yaml.append(f"exposures:\n  - name: dashboard_{src}\n    type: dashboard\n"
                         f"    owner: {{name: Analytics, email: analytics@example.com}}\n"
                         f"    depends_on:\n      - ref('{fact}')\n")
        written += 1
        _write(stg_dir / f"_{src}__sources.yml", "".join(source_yaml))
        _write(stg_dir / f"_{src}__models.yml", "".join(stg_yaml))
        _write(int_dir / f"_domain_{src}__models.yml", "".join(int_yaml))
        _write(mart_dir / f"_mart_{src}__models.yml", "".join(mart_yaml))
    return written
