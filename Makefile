.PHONY: test lint demo bench docs docs-check

test:
	.venv/bin/python -m pytest -n 2

lint:
	.venv/bin/ruff check cli core tests bench

demo:
	.venv/bin/python -m bench.demo.generate ledger-data

bench:
	.venv/bin/python bench/run.py --sizes 10000,100000

# docs/errors.md and docs/reference/ are generated from the code: docs rewrites them,
# docs-check fails when they are stale.
docs:
	KEBIR_UPDATE_DOCS=1 .venv/bin/python -m pytest -q tests/test_docs.py

docs-check:
	.venv/bin/python -m pytest -q tests/test_docs.py
