"""The Streamlit app of the dashboard preview: `tools dashboards serve` (make dashboards) runs it as

    streamlit run tools/dashboards/app.py -- --analytics FILE --compiled DIR --project-dir DIR --user NAME

Each page runs its dashboard's compiled queries as the chosen user (the sidebar, or `?user=NAME`
in the address) and draws what tools/dashboards/pages.py makes of the answers.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.navigation.page import Page as StreamlitPage

from tools.dashboards import pages, queries
from tools.errors import ToolError


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="tools/dashboards/app.py")
    parser.add_argument("--analytics", type=Path, required=True)
    parser.add_argument("--compiled", type=Path, required=True)
    parser.add_argument("--project-dir", type=Path, required=True)
    parser.add_argument("--user", required=True)
    return parser.parse_args(sys.argv[1:])


def _chosen_user(users: dict[str, queries.UserAccess], default: str) -> queries.UserAccess:
    """The user of `?user=` (kept in the address, so a page can be shared as that user), else the
    sidebar's choice, else the one `tools dashboards serve --user` named."""
    asked = st.query_params.get("user")
    if asked is not None and asked.strip().upper() not in users:
        st.error(f"Unknown user {asked!r}: not in {queries.ACCESS_SEED}. Known users: {', '.join(sorted(users))}.")
        st.stop()
    names = sorted(users)
    current = (asked or st.session_state.get("user") or default).strip().upper()
    chosen = st.sidebar.selectbox("View as", names, index=names.index(current) if current in names else 0,
                                  help="A user of seed_user_region_access: the dashboards show what the "
                                       "row-level-security views let them read.") or names[0]
    st.session_state["user"] = chosen
    st.query_params["user"] = chosen
    return users[chosen]


def _draw(page: pages.Page) -> None:
    if page.empty:
        st.info(page.empty)
    if page.kpis:
        for column, kpi in zip(st.columns(len(page.kpis)), page.kpis, strict=True):
            column.metric(kpi.label, kpi.value, kpi.delta, delta_color="off", delta_arrow="off", border=True)
    for block in page.blocks:
        st.subheader(block.title)
        if isinstance(block, pages.Table):
            if block.rows:
                st.table(pd.DataFrame(block.rows, columns=block.columns), hide_index=True)
            else:
                st.caption("No rows.")
        elif block.data:
            frame = pd.DataFrame(block.data)
            draw = st.line_chart if block.kind == "line" else st.bar_chart
            draw(frame, x=block.x, y=block.y, color=block.series, height=280)
        else:
            st.caption("No rows.")


def _dashboard_page(dashboard: queries.Dashboard, tiles: dict[str, str], analytics: Path,
                    region_codes: dict[int, str], user: queries.UserAccess) -> None:
    st.title(f"{dashboard.title} dashboard")
    visible = user.regions(region_codes)
    scope = "every region (admin)" if user.is_admin else (", ".join(visible.values()) or "no region")
    st.caption(f"As {user.user_name}: {scope}. The queries Sigma sends "
               f"({queries.QUERIES_DIR}/{dashboard.name}__*.sql), through the row-level-security views.")
    try:
        answers = queries.run_tiles(analytics, user.user_name, tiles)
    except ToolError as exc:
        st.error(str(exc))
        st.stop()
    _draw(pages.PAGES[dashboard.name](answers, region_codes))
    st.caption(f"Shown as {user.user_name}.")


def _overview_page(links: dict[queries.Dashboard, StreamlitPage], region_codes: dict[int, str],
                   user: queries.UserAccess) -> None:
    st.title("FieldForce dashboards: local preview")
    visible = user.regions(region_codes)
    scope = "every region (admin)" if user.is_admin else (", ".join(visible.values()) or "no region")
    st.markdown(f"The three Sigma workbooks over this laptop's warehouse, as **{user.user_name}** sees them: "
                f"{scope}. Choose another user in the sidebar, or add `?user=NAME` to the address.")
    for dashboard, page in links.items():
        st.page_link(page, label=f"{dashboard.title} dashboard (the exposure {dashboard.exposure})",
                     query_params={"user": user.user_name})
    st.caption(f"Shown as {user.user_name}.")


def main() -> None:
    args = _arguments()
    st.set_page_config(page_title="FieldForce dashboards (local preview)", layout="wide")
    try:
        compiled = queries.compiled_queries(args.compiled)
        users = queries.user_access(args.project_dir)
        region_codes = queries.all_regions(args.project_dir)
    except ToolError as exc:
        st.error(str(exc))
        st.stop()
    user = _chosen_user(users, args.user)
    def dashboard_page(dashboard: queries.Dashboard) -> Callable[[], None]:
        return lambda: _dashboard_page(dashboard, compiled[dashboard.name], args.analytics, region_codes, user)

    dashboards = {dashboard: st.Page(dashboard_page(dashboard), title=dashboard.title, url_path=dashboard.name)
                  for dashboard in queries.DASHBOARDS}

    def overview_page() -> None:
        _overview_page(dashboards, region_codes, user)

    # the overview is the default page, at / (a default page has no path of its own)
    overview = st.Page(overview_page, title="Overview", default=True)
    navigation = st.navigation([overview, *dashboards.values()])
    navigation.run()


main()
