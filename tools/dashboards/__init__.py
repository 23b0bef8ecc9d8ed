"""The three Sigma dashboards previewed locally (docs/dashboards.md): a Streamlit app that runs
the queries Sigma sends (analyses/dashboards) against the local warehouse as a chosen user."""
