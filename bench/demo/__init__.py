"""The deterministic generator of the demo books in ledger-data/ and of their dedup ground truth
(duplicates.yaml): `python -m bench.demo.generate ledger-data`. Not part of the installed library."""
