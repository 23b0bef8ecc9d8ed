"""A local stand-in for Fivetran: lands the six FieldForce sources into DuckDB, shaped as Fivetran lands them."""
