"""Reading, checking and writing the books directory: YAML nodes, schemas, loading and caching, the one writer."""
