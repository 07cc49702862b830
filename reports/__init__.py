"""Reports: the Parquet record of a scan, the notice's scope, the HTML report and DuckDB queries."""
