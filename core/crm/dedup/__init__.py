"""Duplicate detection over the contacts, by stage (merging is core.crm.merge). Import each
name from its module; this package re-exports nothing.

Pipeline, column-wise over all contacts at once (polars), so a million records take about a
minute on two cores:

`read` (the contacts of the books) -> `normalise` (Turkish folding, legal-form suffixes,
abbreviations, nicknames, E.164 phones, e-mail/domain, tax-id digits, addresses) -> `block` on
cheap keys so the compared pairs grow near-linearly -> `compare` each candidate pair into a small
comparison vector (rapidfuzz for names, equality for the rest) -> `fit`: Fellegi-Sunter weights
whose m/u probabilities come from EM over the distinct comparison vectors weighted by their
counts (fixed start: deterministic) -> match probability per pair -> `cluster`: connected
components (union-find) over the pairs above the threshold, split while any member pair scores
below a lower threshold -> each cluster marked `auto` (every member pair at or above
AUTO_THRESHOLD: proposed for acceptance) or `review` -> `plan`: the plan file. `scan` holds the
entry points (`scan`, `scan_frame`, `scan_books`), `cache` the rows cache. Each module imports
only from the ones before it in this order: normalise, read, block, compare, fit, cluster,
cache, plan, scan.

Hard rule: two ERP parties that both carry a tax id and the ids differ are never matched.

Incremental: given the previous plan (`Previous`), pairs already decided there (accept or
reject), pairs linked in contacts/links.yaml and merged records (`merged_into`) are never
proposed again, and when the previous plan's record hashes are at hand (its `.seen` sidecar)
only new or changed records are compared against the rest, with the previous model's weights.

The scalar functions (`fold`, `norm_name`, `phone_e164`, `normalise`, `compare`, ...) give the
same values as the column-wise ones; the plan's evidence uses them for the few clustered records.
"""
