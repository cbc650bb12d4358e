"""The ledger primitives: periods and months, the builder every derived entry goes through."""
