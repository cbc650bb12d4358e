"""kebir's command line: thin Typer commands over `core`."""
