"""kebir's domain: record types, loading, validation, reports and the one module that writes.

Nothing in `core` imports typer or rich, so the package works as a library from a notebook.
"""
