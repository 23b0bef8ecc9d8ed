"""Benchmark `tools scaffold-source` on a synthetic 100-table connector (schema config JSON only).

    python benchmarks/bench_scaffold.py [--tables 100] [--columns 25] [--runs 7]

Prints the median wall time of a first run (every file added), a re-run (every file compared,
nothing written) and a run after the connector gained a column in every table (every SQL file
regenerated, both YAML files extended), each in a fresh temporary project. The goal: under a second.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from tools.scaffold import ScaffoldOptions, scaffold_source


def synthetic_schema(tables: int, columns: int) -> dict:
    """Salesforce-like: camelCase names, custom fields, a composite key, history and keyless tables."""
    result = {}
    for t in range(tables):
        cols = {"Id": {"enabled": True, "is_primary_key": True, "hashed": False}}
        for c in range(columns):
            name = ["Amount{}", "Status{}__c", "CreatedDate{}", "Pricebook{}Id", "IsFlag{}"][c % 5].format(c)
            cols[name] = {"enabled": c % 17 != 16, "hashed": c % 23 == 0, "is_primary_key": False}
        if t % 10 == 3:
            cols["Index"] = {"enabled": True, "is_primary_key": True}
        if t % 10 == 7:
            cols["Id"]["is_primary_key"] = False
            cols.pop("Id")
        mode = "HISTORY" if t % 10 == 5 else "SOFT_DELETE"
        result[f"Object{t}__c"] = {"enabled": t % 50 != 49, "sync_mode": mode, "columns": cols}
    return {"code": "Success", "data": {"schemas": {"bench": {"name_in_destination": "fivetran_bench",
                                                              "enabled": True, "tables": result}}}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=int, default=100)
    parser.add_argument("--columns", type=int, default=25)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    first: list[float] = []
    again: list[float] = []
    changed: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench_scaffold_") as tmp:
        doc = synthetic_schema(args.tables, args.columns)
        schema = Path(tmp) / "schema.json"
        schema.write_text(json.dumps(doc))
        for table in doc["data"]["schemas"]["bench"]["tables"].values():
            table["columns"]["AddedLater__c"] = {"enabled": True}
        schema_v2 = Path(tmp) / "schema_v2.json"
        schema_v2.write_text(json.dumps(doc))
        os.environ["FIELDFORCE_WAREHOUSE_DIR"] = str(Path(tmp) / "no-warehouse")
        for run in range(args.runs):
            project = Path(tmp) / f"project_{run}"
            (project / "models").mkdir(parents=True)
            for timings, path in ((first, schema), (again, schema), (changed, schema_v2)):
                start = time.perf_counter()
                scaffold_source(ScaffoldOptions("bench", fivetran_schema=path, use_warehouse=False,
                                                project_dir=project))
                timings.append(time.perf_counter() - start)
        files = len(list((Path(tmp) / "project_0" / "models" / "staging" / "bench").iterdir()))
    print(f"{args.tables} tables x {args.columns} columns, {files} files, {args.runs} runs")
    print(f"first run (write everything): median {statistics.median(first) * 1000:.0f} ms")
    print(f"re-run (nothing to do):       median {statistics.median(again) * 1000:.0f} ms")
    print(f"after a column in every table: median {statistics.median(changed) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
