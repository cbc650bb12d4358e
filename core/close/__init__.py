"""Period close and the checks over the whole books: validation, the close itself, its git tags and the audit \
of history."""
