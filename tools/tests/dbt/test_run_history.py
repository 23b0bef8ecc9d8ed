"""Run history in the warehouse (macros/run_history/, models/marts/monitoring/): what the
on-run-end hook records equals dbt's own artifacts, and the monitoring marts built on it say what
those runs did: success, failure, freshness on time or late, the slowest models."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import timedelta

import duckdb
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from tools.tests.conftest import AS_OF, Warehouse

HISTORY = "main_run_history"
MONITORING = "main_monitoring"


def run_results(wh: Warehouse, name: str = "run_results.json") -> dict:
    return json.loads((wh.root / "target" / name).read_text())


@pytest.fixture(scope="module")
def history(built: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> tuple[Warehouse, dict[str, dict]]:
    """A copy of the built warehouse, its run history emptied, that then ran with the clock an
    hour after the landing, a minute later for each command: two runs of dim_services, a source freshness check (some tables
    late by then), a build of Salesforce accounts with the raw column it reads renamed (the model
    fails, its children are skipped), and the monitoring marts. Returns the artifacts of the
    recorded runs, by name."""
    wh = built.copy(tmp_path_factory.mktemp("history") / "wh")
    with duckdb.connect(str(wh.analytics_path)) as con:
        con.execute(f"delete from {HISTORY}.dbt_invocations")
        con.execute(f"delete from {HISTORY}.dbt_node_results")
    # a minute apart: each command's pinned clock starts where it is told, so commands told the
    # same time could record a later run as the earlier one
    steps = iter(range(60, 120))

    def at_next_minute() -> Warehouse:
        return replace(wh, clock=AS_OF + timedelta(minutes=next(steps)))

    artifacts: dict[str, dict] = {}
    for name in ("run", "run again"):
        at_next_minute().dbt("run", "--select", "dim_services")
        artifacts[name] = run_results(wh)
    at_next_minute().dbt("source", "freshness", check=False)
    artifacts["freshness"] = run_results(wh, "sources.json")
    with duckdb.connect(str(wh.raw_path)) as con:
        con.execute("alter table fivetran_salesforce.account rename column name to name_gone")
    broken = at_next_minute().dbt("build", "--select", "stg_salesforce__account+", check=False)
    assert broken.returncode == 1, broken.stdout[-3000:]
    artifacts["build"] = run_results(wh)
    at_next_minute().dbt("build", "--select", "path:models/staging/dbt_run_history path:models/marts/monitoring")
    return wh, artifacts


def test_each_recorded_run_holds_every_result_of_its_artifact(history: tuple[Warehouse, dict[str, dict]]) -> None:
    wh, artifacts = history
    for command, artifact in artifacts.items():
        invocation = artifact["metadata"]["invocation_id"]
        recorded = {unique_id: (status, seconds, failures) for unique_id, status, seconds, failures in wh.query(
            f"select unique_id, status, execution_seconds, failures from {HISTORY}.dbt_node_results "
            f"where invocation_id = '{invocation}'")}
        # the project's own hooks are in the artifact, not among the results on-run-end is given
        expected = {result["unique_id"]: (result["status"], result["execution_time"], result.get("failures"))
                    for result in artifact["results"] if not result["unique_id"].startswith("operation.")}
        assert expected
        assert recorded.keys() == expected.keys(), command
        for unique_id, (status, seconds, failures) in expected.items():
            got = recorded[unique_id]
            assert got[0] == status and math.isclose(got[1], seconds, rel_tol=1e-9, abs_tol=1e-9), unique_id
            assert got[2] == failures or (failures is None and got[2] is None), unique_id
        (command_recorded,) = wh.query(f"select command from {HISTORY}.dbt_invocations "
                                       f"where invocation_id = '{invocation}'")[0]
        assert command_recorded == command.split()[0]


def test_the_failed_build_is_a_failure_with_its_error_and_skipped_children(
        history: tuple[Warehouse, dict[str, dict]]) -> None:
    wh, artifacts = history
    build = artifacts["build"]
    invocation = build["metadata"]["invocation_id"]
    statuses = [result["status"] for result in build["results"] if not result["unique_id"].startswith("operation.")]
    row = wh.query(f"select is_success, node_count, failed_node_count, skipped_node_count "
                   f"from {MONITORING}.fct_dbt_invocations where invocation_id = '{invocation}'")[0]
    assert row == (False, len(statuses), statuses.count("error") + statuses.count("fail"), statuses.count("skipped"))
    assert row[2] >= 1 and row[3] >= 1
    (message,) = wh.query(f"select message from {MONITORING}.fct_dbt_node_results where invocation_id = "
                          f"'{invocation}' and unique_id = 'model.dbt_fieldforce.stg_salesforce__account'")[0]
    assert message.startswith("Runtime Error in model stg_salesforce__account") and "\n" not in message, message
    rates = wh.query(f"select run_date, command, run_count, successful_run_count, success_rate "
                     f"from {MONITORING}.rpt_dbt_run_success_daily order by command")
    assert [(day, command, runs, ok, float(rate)) for day, command, runs, ok, rate in rates] == [
        (AS_OF.date(), "build", 1, 0, 0.0), (AS_OF.date(), "freshness", 1, 0, 0.0), (AS_OF.date(), "run", 2, 2, 1.0)]


def test_the_freshness_slo_counts_each_source_by_its_check(history: tuple[Warehouse, dict[str, dict]]) -> None:
    wh, artifacts = history
    checks = {result["unique_id"]: result["status"] for result in artifacts["freshness"]["results"]}
    assert {"pass", "error"} <= set(checks.values())  # an hour after landing, the 15-minute sources are late
    rows = {unique_id: (status, count, on_time, float(share), is_met) for unique_id, status, count, on_time, share, is_met
            in wh.query(f"select unique_id, latest_status, check_count, on_time_check_count, on_time_share, is_slo_met "
                        f"from {MONITORING}.rpt_source_freshness_slo")}
    assert rows.keys() == checks.keys()
    for unique_id, status in checks.items():
        on_time = status in ("pass", "warn")
        assert rows[unique_id] == (status, 1, int(on_time), float(on_time), on_time), unique_id


def test_the_slowest_models_are_timed_by_their_latest_successful_build(
        history: tuple[Warehouse, dict[str, dict]]) -> None:
    wh, artifacts = history
    (first,), (second,) = ([r["execution_time"] for r in artifacts[name]["results"]
                            if r["unique_id"] == "model.dbt_fieldforce.dim_services"] for name in ("run", "run again"))
    rows = {unique_id: (seconds, previous, count, rank) for unique_id, seconds, previous, count, rank in wh.query(
        f"select unique_id, latest_seconds, previous_median_seconds, previous_build_count, slowness_rank "
        f"from {MONITORING}.rpt_model_timings")}
    # only dim_services built successfully: the broken build's models failed or were skipped
    assert rows.keys() == {"model.dbt_fieldforce.dim_services"}
    latest, previous, count, rank = rows["model.dbt_fieldforce.dim_services"]
    assert math.isclose(latest, second, rel_tol=1e-9) and math.isclose(previous, first, rel_tol=1e-9)
    assert (count, rank) == (1, 1)


# the basic multilingual plane: Jinja reads a string literal's \\u escapes one code unit at a time
TEXT = st.text(alphabet=st.characters(max_codepoint=0xFFFF, blacklist_categories=["Cs"],
                                      blacklist_characters="\x00"), max_size=40)


# no shrinking: each example is a dbt process, and a failure prints every text anyway
@settings(max_examples=2, deadline=None, database=None, derandomize=True, phases=(Phase.explicit, Phase.generate))
@given(texts=st.lists(TEXT, min_size=60, max_size=60))
def test_any_message_is_recorded_as_it_was(tmp_path_factory: pytest.TempPathFactory, texts: list[str]) -> None:
    """Quotes, backslashes, newlines, unicode: what the hook writes as a literal reads back as
    the same text (a compile of many literals at once; one dbt process)."""
    wh = Warehouse(tmp_path_factory.mktemp("literals"))
    texts = [*texts, "it's", "back\\slash", "\\'", "''", "line\nbreak", "cr\r\nlf", "{{ not jinja }}", "--", "/* */",
             "$$", "\x01"]
    calls = "\n, ".join(f"{{{{ run_history_literal({json.dumps(text)}) }}}}" for text in texts)
    result = wh.compile_inline(f"select [\n{calls}\n] as texts")
    assert result.returncode == 0, result.stdout[-2000:]
    (recorded,) = duckdb.connect().execute(result.stdout).fetchone()
    assert recorded == texts
