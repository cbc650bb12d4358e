"""Migration and interop: journals, bank statements and contact exports in; manifests beside them.

The importers read a foreign file into a neutral form (`source.Parsed`), `books_out` turns that into
kebir records for one books directory (`account_map`: which account each source name becomes), and `manifest` \
writes down what came in and what went out,
so an import can be proved complete: totals per account and commodity in the source equal the
totals of the records written, or nothing is written at all.
"""
