"""Incremental builds equal a full refresh under any change Fivetran can land (property-based).

Hypothesis draws sequences of change batches (tools/tests/cdc.py: updates of any column,
foreign keys included; soft deletes of any row, alone; un-deletes; late rows; retried
deliveries; re-syncs; new columns; late and out-of-order pings; seed edits) and writes them
straight into a small raw database with SQL, not through `tools sync`. After each batch the
project is built incrementally and, beside it, from scratch; every model must hold the same rows
in both, dbt's audit columns aside. A failure shows the smallest sequence of batches Hypothesis
found that breaks it, and the relations that differ.

`make test` runs a short, fixed profile; `pytest --cdc-rounds 50` explores further (random each
time, unless `--cdc-seed N`). See docs/incremental.md.
"""

from __future__ import annotations

import shutil
from collections import OrderedDict
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, example, given, note, settings
from hypothesis import strategies as st

from tools.tests import cdc
from tools.tests.conftest import AS_OF, Warehouse
from tools.tests.twin_builds import TwinBuilds

pytestmark = pytest.mark.e2e

SCALE = 0.001
SEED = 11
MAX_BATCHES = 3
# backfill_start for a batch followed by a backfill: the last day of the data, so that older routes are
# still extended, not recomputed
BACKFILL_START = "2026-11-20"


@pytest.fixture(scope="module")
def start(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, cdc.Schema]:
    """Raw data generated once, and the state every example starts from (both builds done)."""
    root = tmp_path_factory.mktemp("cdc")
    generated = Warehouse(root / "generated")
    result = generated.tools("generate-raw", "--scale", str(SCALE), "--seed", str(SEED), "--as-of",
                             AS_OF.isoformat(), "--quiet")
    assert result.returncode == 0, result.stderr
    twins = TwinBuilds(root / "twins")
    twins.create(generated.raw_path)
    assert twins.differences() == {}
    twins.save(root / "start")
    con = duckdb.connect(str(generated.raw_path), read_only=True)
    try:
        schema = cdc.Schema.read(con)
    finally:
        con.close()
    return root, schema


class Prefixes:
    """States reached after a sequence of batches, so that shrinking replays only what changed.

    The most recent KEPT sequences are kept (a few MB each), besides the starting state.
    """

    KEPT = 40

    def __init__(self, root: Path) -> None:
        self.root = root
        self.start = root / "start"
        self.saved: OrderedDict[tuple[str, ...], Path] = OrderedDict()
        self.count = 0

    def path(self, batches: list[cdc.Batch]) -> Path:
        return self.saved[tuple(str(b) for b in batches)] if batches else self.start

    def longest(self, batches: list[cdc.Batch]) -> int:
        known = [n for n in range(1, len(batches) + 1) if tuple(str(b) for b in batches[:n]) in self.saved]
        return max(known, default=0)

    def keep(self, batches: list[cdc.Batch], twins: TwinBuilds) -> None:
        self.count += 1
        destination = self.root / "prefixes" / str(self.count)
        twins.save(destination)
        self.saved[tuple(str(b) for b in batches)] = destination
        while len(self.saved) > self.KEPT:
            _, oldest = self.saved.popitem(last=False)
            shutil.rmtree(oldest, ignore_errors=True)


def check_sequence(twins: TwinBuilds, prefixes: Prefixes, batches: list[cdc.Batch]) -> None:
    for number, batch in enumerate(batches, start=1):
        note(f"batch {number}: {batch}")  # printed, readably, for the example that fails
    done = prefixes.longest(batches)
    twins.restore(prefixes.path(batches[:done]))
    con = duckdb.connect(str(twins.raw), read_only=True)
    try:
        (synced,) = con.execute("select landed_until from _fieldforce_generator.state").fetchone()
    finally:
        con.close()
    for number in range(done, len(batches)):
        batch = batches[number]
        con = duckdb.connect(str(twins.raw))
        try:
            con.execute("set TimeZone = 'UTC'")
            synced = cdc.land(con, batch, number + 1, synced, twins.project / "seeds")
        finally:
            con.close()
        last = number == len(batches) - 1
        if batch.compared or last:
            twins.build(*(["--vars", f"{{backfill_start: '{BACKFILL_START}'}}"] if batch.after == "backfill" else []))
            found = twins.differences()
            assert found == {}, (
                f"after batch {number + 1} of {len(batches)}, the incremental build differs from a full refresh "
                f"(rows only incremental, only full): {found}")
        elif batch.after == "staging":
            twins.run_incremental("--select", "path:models/staging")
        elif batch.after.startswith("refresh:"):
            twins.run_incremental("--select", batch.after.split(":", 1)[1], "--full-refresh")
        prefixes.keep(batches[:number + 1], twins)


def test_incremental_builds_equal_a_full_refresh_under_any_changes(
        start: tuple[Path, cdc.Schema], request: pytest.FixtureRequest) -> None:
    root, schema = start
    rounds = request.config.getoption("--cdc-rounds")
    seed = request.config.getoption("--cdc-seed")
    twins = TwinBuilds(root / "twins")
    prefixes = Prefixes(root)

    @settings(max_examples=rounds, deadline=None, database=None, derandomize=seed is None and rounds <= 3,
              phases=[Phase.explicit, Phase.generate, Phase.shrink],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.function_scoped_fixture])
    @given(st.lists(cdc.batches(schema), min_size=1, max_size=MAX_BATCHES))
    @example(list(cdc.EVERY_KIND))
    def run(batches: list[cdc.Batch]) -> None:
        check_sequence(twins, prefixes, batches)

    if seed is not None:
        from hypothesis import seed as hypothesis_seed

        run = hypothesis_seed(seed)(run)
    run()
    shutil.rmtree(root / "prefixes", ignore_errors=True)
