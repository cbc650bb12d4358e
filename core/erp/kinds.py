"""The record-file kinds the domains own, registered with the loader's registry (core.books.kinds):
payroll runs, the fixed-asset register, recurring items, and recipes, units, supply and production
runs. Importing this module is what lets `core.books.load.load_book` read those files;
`core.erp.load.load_ledger` does.
"""

from __future__ import annotations

from typing import Any

from core.books import kinds
from core.books.yamlnodes import Map
from core.erp import assets, production, recurring
from core.erp.payroll.runs import parse_runs, read_runs
from core.model.assets import Asset
from core.model.errors import Problem
from core.model.payroll import PayrollRun
from core.model.records import Settings
from core.model.recurring import Recurring


def _runs(records: list[Map], rel: str, settings: Settings) -> tuple[list[Any], list[Problem]]:
    return read_runs(records, rel)     # run ids are checked with the entries they become


def _assets(records: list[Map], rel: str, settings: Settings) -> tuple[list[Any], list[Problem]]:
    return assets.assets_from(records, rel, settings.base_decimals)


def _recurring(records: list[Map], rel: str, settings: Settings) -> tuple[list[Any], list[Problem]]:
    return recurring.recurring_from(records, rel, settings.base_decimals)


kinds.register(
    kinds.RecordKind("payroll", PayrollRun, "payroll", read=_runs, order=PayrollRun.sort_key,
                     parse=parse_runs),
    kinds.RecordKind("assets", Asset, "assets", read=_assets),            # one file; ids are checked within it
    kinds.RecordKind("recurring", Recurring, "recurring", read=_recurring),
    *(kinds.RecordKind(kind, None, attach=production.attach) for kind in ("recipes", "units", "supply", "production")),
)
