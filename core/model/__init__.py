"""The ground floor: every record type, the problem type and its catalogue, and money. Imports nothing of kebir \
above it."""
