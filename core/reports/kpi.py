"""Key figures for a period, beside the same figures for the period before.

| KPI | formula |
| --- | --- |
| revenue | net sales (core.reports.sales: revenue postings, net of VAT and returns) |
| revenue growth % | (revenue - previous revenue) / previous revenue x 100 |
| cost of sales | postings on the top-level groups of the `cogs`, `waste` and `price_difference` roles |
| gross margin % | (revenue - cost of sales) / revenue x 100 |
| food cost % | cost of sales / revenue x 100 (the restaurant's food and beverage cost ratio) |
| DSO (days) | receivable balance at the end / credit sales x days in the period; credit sales are the debits to \
the `receivable` control account (invoiced, VAT included) |
| DPO (days) | payable balance at the end / credit purchases x days; credit purchases are the credits to the \
`payable` control account |
| inventory turnover | cost of sales / average stock value ((opening + closing) / 2, from the stock ledger) |
| days of inventory | days in the period / inventory turnover |

Every ratio is computed from exact integers and rounded half to even once, at the end (to 0.1 for
percentages and days, 0.01 for turnover). A ratio whose denominator is zero is left empty.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import polars as pl

from core.model.records import Book
from core.model.money import from_minor
from core.ledger.period import Span, compared, short_label
from core.reports import Column, Scope, Table
from core.reports.sales import sales_postings
from core.reports.statements import _postings, closing_entries

ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")


def _ratio(num: int, den: int, scale: int = 1, q: Decimal = ONE_DECIMAL) -> Decimal | None:
    if den == 0:
        return None
    return (Decimal(num) * scale / Decimal(den)).quantize(q, ROUND_HALF_EVEN)


def cost_of_sales_accounts(book: Book) -> list[str]:
    """Accounts in the top-level groups of the cogs, waste and price_difference roles."""
    def top(code: str) -> str:
        while code in book.accounts and book.accounts[code].parent in book.accounts:
            code = book.accounts[code].parent or code
        return code

    tops = {top(c) for r in ("cogs", "waste", "price_difference") if (c := book.settings.role(r))}

    return sorted(c for c in book.accounts if top(c) in tops)


def figures(book: Book, span: Span, scope: Scope = Scope()) -> dict[str, Any]:
    """The raw integers (base minor units) behind the KPIs of one span."""
    assert span.begin is not None and span.end is not None
    skip = closing_entries(book)
    everything = scope.postings(book)
    p = _postings(book, begin=span.begin, end=span.end, skip=skip, base=everything)
    revenue = int(-(sales_postings(book, span, scope)["base"].sum() or 0))
    cos = cost_of_sales_accounts(book)
    cost = int(p.filter(pl.col("account").is_in(pl.Series(cos, dtype=pl.String).implode()))["base"].sum() or 0)
    upto = _postings(book, end=span.end, base=everything)

    def control(role: str) -> tuple[int, int, int]:
        code = book.settings.role(role)
        if not code:
            return 0, 0, 0
        on = p.filter(pl.col("account") == code)["base"]
        return (int(upto.filter(pl.col("account") == code)["base"].sum() or 0),
                int(on.clip(lower_bound=0).sum() or 0), int((-on).clip(lower_bound=0).sum() or 0))

    ar, ar_debits, _ = control("receivable")
    ap, _, ap_credits = control("payable")
    opening_stock = closing_stock = 0
    ledger = book.stock_ledger
    if ledger is not None and not ledger.rows.is_empty():
        rows = ledger.rows if scope.location is None else ledger.rows.filter(pl.col("location") == scope.location)
        opening_stock = int(rows.filter(pl.col("date") < span.begin)["value"].sum() or 0)
        closing_stock = int(rows.filter(pl.col("date") < span.end)["value"].sum() or 0)
    crm = crm_figures(book, span)
    return {"days": (span.end - span.begin).days, "revenue": revenue, "cost_of_sales": cost,
            "receivable": ar, "credit_sales": ar_debits, "payable": -ap, "credit_purchases": ap_credits,
            "opening_stock": opening_stock, "closing_stock": closing_stock,
            "customer_revenue": crm["revenue"], "active_customers": crm["active"],
            "active_before": crm["active_before"], "new_customers": crm["new"], "churned": crm["churned"],
            "marketing_spend": crm["spend"]}


def kpis(f: dict[str, Any], previous_revenue: int | None) -> dict[str, Decimal | None]:
    days, revenue, cost = f["days"], f["revenue"], f["cost_of_sales"]
    turnover = _ratio(2 * cost, f["opening_stock"] + f["closing_stock"], q=TWO_DECIMALS)
    return {
        "revenue_growth_pct": None if not previous_revenue else _ratio(revenue - previous_revenue,
                                                                         abs(previous_revenue), 100),
        "gross_margin_pct": _ratio(revenue - cost, revenue, 100),
        "food_cost_pct": _ratio(cost, revenue, 100),
        "dso_days": _ratio(f["receivable"] * days, f["credit_sales"]),
        "dpo_days": _ratio(f["payable"] * days, f["credit_purchases"]),
        "inventory_turnover": turnover,
        "days_of_inventory": None if not turnover else (Decimal(days) / turnover).quantize(ONE_DECIMAL,
                                                                                           ROUND_HALF_EVEN),
        **crm_kpis(f, revenue, cost),
    }


def crm_kpis(f: dict[str, Any], revenue: int, cost: int) -> dict[str, Decimal | None]:
    """Churn, lifetime value and acquisition cost from the invoiced (named) customers.

    churn % = customers invoiced in the period before and not in this one / those of the period
    before; CLV = net sales per active customer x gross margin / churn rate (the margin a customer
    brings per period, over the expected number of periods it stays); CAC = marketing spend / new
    customers (first invoice ever in this period).
    """
    churn = _ratio(f["churned"], f["active_before"], 100)
    clv = None
    if f["active_customers"] and f["churned"] and f["active_before"] and revenue:
        per_customer = Decimal(f["customer_revenue"]) / f["active_customers"]
        margin = Decimal(revenue - cost) / Decimal(revenue)
        clv = (per_customer * margin * f["active_before"] / f["churned"]).quantize(TWO_DECIMALS, ROUND_HALF_EVEN)
    cac = None if not f["new_customers"] or not f["marketing_spend"] else (
        Decimal(f["marketing_spend"]) / f["new_customers"]).quantize(TWO_DECIMALS, ROUND_HALF_EVEN)
    return {"active_customers": Decimal(f["active_customers"]), "new_customers": Decimal(f["new_customers"]),
            "churn_pct": churn, "clv_minor": clv, "cac": cac}


MONEY_INPUTS = frozenset({"revenue", "cost_of_sales", "receivable", "credit_sales", "payable", "credit_purchases",
                          "opening_stock", "closing_stock", "customer_revenue"})

LABELS = (
    ("revenue", "Revenue (net sales)", "money"), ("revenue_growth_pct", "Revenue growth %", "pct"),
    ("cost_of_sales", "Cost of sales", "money"), ("gross_margin_pct", "Gross margin %", "pct"),
    ("food_cost_pct", "Food cost %", "pct"), ("dso_days", "DSO on credit sales (days)", "pct"),
    ("dpo_days", "DPO (days)", "pct"), ("inventory_turnover", "Inventory turnover (times)", "pct"),
    ("days_of_inventory", "Days of inventory", "pct"),
    ("active_customers", "Active customers (invoiced)", "pct"), ("new_customers", "New customers", "pct"),
    ("churn_pct", "Customer churn %", "pct"), ("clv", "Customer lifetime value", "money"),
    ("cac", "Acquisition cost per new customer", "money"),
)


def build_kpi(book: Book, span: Span, *, against: str = "previous", scope: Scope = Scope()) -> Table:
    """The KPIs of `span` and of the span `against` (previous | last-year), with the change."""
    if span.begin is None or span.end is None:
        raise ValueError("KPIs need a bounded period: give -p or -b and -e")
    dec = book.settings.base_decimals
    before = compared(span, against)
    earlier = compared(before, against)
    f_now, f_before = figures(book, span, scope), figures(book, before, scope)
    prev_prev_revenue = figures(book, earlier, scope)["revenue"]
    k_now, k_before = kpis(f_now, f_before["revenue"]), kpis(f_before, prev_prev_revenue)

    def value(key: str, f: dict[str, Any], k: dict[str, Any]) -> Decimal | None:
        if key == "clv":      # computed on minor units: back to the currency's unit
            v = k["clv_minor"]
            return None if v is None else (v / Decimal(10) ** dec).quantize(Decimal(1).scaleb(-dec), ROUND_HALF_EVEN)
        return from_minor(f[key], dec) if key in ("revenue", "cost_of_sales") else k[key]

    rows: list[tuple[Any, ...]] = []
    for key, label, _kind in LABELS:
        a, b = value(key, f_now, k_now), value(key, f_before, k_before)
        change = None if a is None or b is None else a - b
        rows.append((key, label, a, b, change))
    cols = (Column("kpi", "KPI"), Column("name", "Name"), Column("value", short_label(span), "pct"),
            Column("previous", short_label(before), "pct"), Column("change", "Change", "pct"))
    last = span.end - timedelta(days=1)
    meta: dict[str, Any] = {
        "currency": book.base, "company": book.settings.name, "begin": str(span.begin), "end": str(span.end),
        "compared_with": {"begin": str(before.begin), "end": str(before.end)}, **scope.meta(),
        "inputs": {k: (from_minor(v, dec) if k in MONEY_INPUTS else v) for k, v in f_now.items()},
        "as_of": str(last),
    }
    return Table("kpi", f"Key figures, {span.label()}", cols, tuple(rows), None, meta)


def crm_figures(book: Book, span: Span, against: str = "previous") -> dict[str, Any]:
    """Customers active (invoiced) in the span and the one before, new and churned customers,
    marketing spend, and from them CLV, CAC and churn (docs/crm.md gives the formulas)."""
    assert span.begin is not None and span.end is not None
    before = compared(span, against)

    def active(s: Span) -> dict[str, int]:
        p = sales_postings(book, s).filter(pl.col("party").is_not_null())
        out: dict[str, int] = {}
        for party, base in p.group_by("party").agg(pl.col("base").sum()).iter_rows():
            out[party] = -int(base)
        return out

    now, then = active(span), active(before)
    ever_before = set(active(Span(None, span.begin)))
    new = [c for c in now if c not in ever_before]
    churned = [c for c in then if c not in now]
    spend = sum((c.cost for c in book.campaigns if span.begin <= c.start < span.end), Decimal(0))
    role = book.settings.role("marketing")
    if role:
        p = book.ledger().filter(pl.col("account").str.starts_with(role) & (pl.col("date") >= span.begin)
                                 & (pl.col("date") < span.end))
        spend = from_minor(int(p["base"].sum() or 0), book.settings.base_decimals)
    return {"active": len(now), "active_before": len(then), "new": len(new), "churned": len(churned),
            "revenue": sum(now.values()), "spend": spend}
