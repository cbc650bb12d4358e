.PHONY: test lint demo bench docs-check

test:
	.venv/bin/python -m pytest -n 2

lint:
	.venv/bin/python -m ruff check cli core tests

demo:
	.venv/bin/python -m bench.demo.generate ledger-data

bench:
	.venv/bin/python bench/run.py --sizes 10000,100000
