"""Key figures for a period, beside the same figures for the period before.

| KPI | formula |
| --- | --- |
| revenue | net sales (core.reports.sales: revenue postings, net of VAT and returns) |
| revenue growth % | (revenue - previous revenue) / previous revenue x 100 |
| cost of sales | postings on the top-level groups of the `cogs`, `waste` and `price_difference` roles |
| gross margin % | (revenue - cost of sales) / revenue x 100 |
| food cost % | cost of sales / revenue x 100 (the restaurant's food and beverage cost ratio) |
| labour cost | postings on the payroll's wage accounts: the `salaries` and `employer_contributions` roles and \
every `[accounts.cost_centre]` pair (gross wages and employer SGK, as the payroll runs booked them) |
| labour cost % | labour cost / revenue x 100 |
| prime cost | cost of sales + labour cost; prime cost % = prime cost / revenue x 100 |
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

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

import polars as pl

from core.model.i18n import text
from core.model.records import Book
from core.model.money import from_minor
from core.ledger.period import Span, compared, short_label
from core.reports import Column, Scope, Table
from core.reports.sales import sales_postings
from core.reports.statements import _postings, closing_entries

ONE_DECIMAL = Decimal("0.1")
CHURN_MONTHS = 12        # a customer not invoiced for this many months is lost (catering: events are yearly)
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


def labour_accounts(book: Book) -> list[str]:
    """The accounts payroll books wage cost to: the `salaries` and `employer_contributions` roles and
    both accounts of every `[accounts.cost_centre]` entry (`kitchen = "720.01:720.02"`)."""
    out = {c for r in ("salaries", "employer_contributions") if (c := book.settings.role(r))}
    for role, code in book.settings.roles:
        if role.startswith("cost_centre:") and code:
            out.update(c for c in code.split(":") if c)
    return sorted(out)


def figures(book: Book, span: Span, scope: Scope = Scope(), window: int = CHURN_MONTHS) -> dict[str, Any]:
    """The raw integers (base minor units) behind the KPIs of one span."""
    assert span.begin is not None and span.end is not None
    skip = closing_entries(book)
    everything = scope.postings(book)
    p = _postings(book, begin=span.begin, end=span.end, skip=skip, base=everything)
    revenue = int(-(sales_postings(book, span, scope)["base"].sum() or 0))
    cos = cost_of_sales_accounts(book)
    cost = int(p.filter(pl.col("account").is_in(pl.Series(cos, dtype=pl.String).implode()))["base"].sum() or 0)
    wages = pl.Series(labour_accounts(book), dtype=pl.String).implode()
    labour = int(p.filter(pl.col("account").is_in(wages))["base"].sum() or 0)
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
    crm = crm_figures(book, span, window=window)
    return {"days": (span.end - span.begin).days, "revenue": revenue, "cost_of_sales": cost,
            "labour_cost": labour, "prime_cost": cost + labour,
            "receivable": ar, "credit_sales": ar_debits, "payable": -ap, "credit_purchases": ap_credits,
            "opening_stock": opening_stock, "closing_stock": closing_stock,
            "customer_revenue": crm["revenue"], "active_customers": crm["active"],
            "active_before": crm["active_before"], "customer_base": crm["customer_base"],
            "new_customers": crm["new"], "churned": crm["churned"],
            "marketing_spend": crm["spend"]}


def kpis(f: dict[str, Any], previous_revenue: int | None) -> dict[str, Decimal | None]:
    days, revenue, cost = f["days"], f["revenue"], f["cost_of_sales"]
    turnover = _ratio(2 * cost, f["opening_stock"] + f["closing_stock"], q=TWO_DECIMALS)
    return {
        "revenue_growth_pct": None if not previous_revenue else _ratio(revenue - previous_revenue,
                                                                         abs(previous_revenue), 100),
        "gross_margin_pct": _ratio(revenue - cost, revenue, 100),
        "food_cost_pct": _ratio(cost, revenue, 100),
        "labour_cost_pct": _ratio(f["labour_cost"], revenue, 100),
        "prime_cost_pct": _ratio(f["prime_cost"], revenue, 100),
        "dso_days": _ratio(f["receivable"] * days, f["credit_sales"]),
        "dpo_days": _ratio(f["payable"] * days, f["credit_purchases"]),
        "inventory_turnover": turnover,
        "days_of_inventory": None if not turnover else (Decimal(days) / turnover).quantize(ONE_DECIMAL,
                                                                                           ROUND_HALF_EVEN),
        **crm_kpis(f, revenue, cost),
    }


def crm_kpis(f: dict[str, Any], revenue: int, cost: int) -> dict[str, Decimal | None]:
    """Churn, lifetime value and acquisition cost from the invoiced (named) customers (docs/kpi.md).

    churn % = customers of the base before the period (invoiced in the churn window before it) not
    invoiced in the window ending at its end / that base; CLV = net sales per customer of the base
    at the end x gross margin / churn rate (the margin a customer brings per period, over the number
    of periods it is expected to stay); CAC = campaign spend attributed to the period / new
    customers (first invoice ever in this period).
    """
    churn = _ratio(f["churned"], f["active_before"], 100)
    clv = None
    if f["customer_base"] and f["churned"] and f["active_before"] and revenue:
        per_customer = Decimal(f["customer_revenue"]) / f["customer_base"]
        margin = Decimal(revenue - cost) / Decimal(revenue)
        clv = (per_customer * margin * f["active_before"] / f["churned"]).quantize(TWO_DECIMALS, ROUND_HALF_EVEN)
    cac = None if not f["new_customers"] or not f["marketing_spend"] else (
        Decimal(f["marketing_spend"]) / f["new_customers"]).quantize(TWO_DECIMALS, ROUND_HALF_EVEN)
    return {"active_customers": Decimal(f["active_customers"]), "new_customers": Decimal(f["new_customers"]),
            "churn_pct": churn, "clv_minor": clv, "cac": cac}


MONEY_INPUTS = frozenset({"revenue", "cost_of_sales", "labour_cost", "prime_cost", "receivable", "credit_sales",
                          "payable", "credit_purchases",
                          "opening_stock", "closing_stock", "customer_revenue"})

# The KPIs in the order the report lists them; their names are the catalogue's `kpi.<id>` (core/model/i18n.py).
KPIS = ("revenue", "revenue_growth_pct", "cost_of_sales", "gross_margin_pct", "food_cost_pct", "labour_cost",
        "labour_cost_pct", "prime_cost", "prime_cost_pct", "dso_days", "dpo_days", "inventory_turnover",
        "days_of_inventory", "active_customers", "new_customers", "churn_pct", "clv", "cac")


def build_kpi(book: Book, span: Span, *, against: str = "previous", scope: Scope = Scope(),
              churn_months: int = CHURN_MONTHS) -> Table:
    """The KPIs of `span` and of the span `against` (previous | last-year), with the change; a customer
    is lost after `churn_months` months without an invoice. Names are the catalogue's English ones
    (the `kpi` ids stay as they are); pages for people say them in the books' language through
    core.reports.speak, as every report."""
    if span.begin is None or span.end is None:
        raise ValueError("KPIs need a bounded period: give -p or -b and -e")
    dec = book.settings.base_decimals
    before = compared(span, against)
    earlier = compared(before, against)
    f_now, f_before = figures(book, span, scope, churn_months), figures(book, before, scope, churn_months)
    prev_prev_revenue = figures(book, earlier, scope, churn_months)["revenue"]
    k_now, k_before = kpis(f_now, f_before["revenue"]), kpis(f_before, prev_prev_revenue)

    def value(key: str, f: dict[str, Any], k: dict[str, Any]) -> Decimal | None:
        if key == "clv":      # computed on minor units: back to the currency's unit
            v = k["clv_minor"]
            return None if v is None else (v / Decimal(10) ** dec).quantize(Decimal(1).scaleb(-dec), ROUND_HALF_EVEN)
        return from_minor(f[key], dec) if key in ("revenue", "cost_of_sales", "labour_cost", "prime_cost") else k[key]

    rows: list[tuple[Any, ...]] = []
    for key in KPIS:
        a, b = value(key, f_now, k_now), value(key, f_before, k_before)
        change = None if a is None or b is None else a - b
        rows.append((key, text(f"kpi.{key}", "en"), a, b, change))
    cols = (Column("kpi", text("kpi.col.kpi", "en"), terminal=False), Column("name", text("kpi.col.name", "en")),
            Column("value", short_label(span), "pct"), Column("previous", short_label(before), "pct"),
            Column("change", text("col.change", "en"), "pct"))
    last = span.end - timedelta(days=1)
    meta: dict[str, Any] = {
        "currency": book.base, "company": book.settings.name, "begin": str(span.begin), "end": str(span.end),
        "compared_with": {"begin": str(before.begin), "end": str(before.end)}, **scope.meta(),
        "inputs": {k: (from_minor(v, dec) if k in MONEY_INPUTS else v) for k, v in f_now.items()},
        "as_of": str(last), "churn_months": churn_months, "language": "en",
    }
    return Table("kpi", text("kpi.title", "en", period=span.label()), cols, tuple(rows), None, meta)


PRIME_COLUMNS = (
    Column("month", "Month"), Column("location", "Location"), Column("name", "Name"),
    Column("revenue", "Revenue", "money"), Column("cost_of_sales", "Cost of sales", "money"),
    Column("food_cost_pct", "Food cost %", "pct"), Column("labour", "Labour", "money"),
    Column("labour_pct", "Labour %", "pct"), Column("prime_cost", "Prime cost", "money"),
    Column("prime_cost_pct", "Prime cost %", "pct"),
)
NO_LOCATION = "(none)"


def build_prime_cost(book: Book, span: Span, *, scope: Scope = Scope()) -> Table:
    """Revenue, cost of sales, labour and prime cost per month and location of `span` (docs/kpi.md):
    each figure as the KPIs take it, split by the `location` its postings carry; what carries none
    (a head-office wage, a cost booked by hand) is its own line `(none)`, so the lines add up to
    the company's figures."""
    if span.begin is None or span.end is None:
        raise ValueError("prime cost needs a bounded period: give -p or -b and -e")
    dec = book.settings.base_decimals
    p = _postings(book, begin=span.begin, end=span.end, skip=closing_entries(book), base=scope.postings(book))
    p = p.with_columns(month=pl.col("date").dt.strftime("%Y-%m"), location=pl.col("location").fill_null(NO_LOCATION))
    sales = sales_postings(book, span, scope).group_by("month", "location").agg(revenue=-pl.col("base").sum())
    cos = pl.Series(cost_of_sales_accounts(book), dtype=pl.String).implode()
    wages = pl.Series(labour_accounts(book), dtype=pl.String).implode()
    costs = (p.filter(pl.col("account").is_in(cos) | pl.col("account").is_in(wages)).group_by("month", "location")
             .agg(cost=pl.col("base").filter(pl.col("account").is_in(cos)).sum(),
                  labour=pl.col("base").filter(pl.col("account").is_in(wages)).sum()))
    g = (sales.join(costs, on=["month", "location"], how="full", coalesce=True)
         .with_columns(pl.col("revenue", "cost", "labour").fill_null(0).cast(pl.Int64))
         .sort("month", pl.col("location") == NO_LOCATION, "location"))

    def line(rev: int, cost: int, lab: int) -> tuple[Any, ...]:
        return (from_minor(rev, dec), from_minor(cost, dec), _ratio(cost, rev, 100), from_minor(lab, dec),
                _ratio(lab, rev, 100), from_minor(cost + lab, dec), _ratio(cost + lab, rev, 100))

    rows = tuple((m, loc, book.locations[loc].name if loc in book.locations else "", *line(r, c, lab))
                 for m, loc, r, c, lab in g.select("month", "location", "revenue", "cost", "labour").iter_rows())
    t = [int(g[c].sum() or 0) for c in ("revenue", "cost", "labour")]
    return Table("prime-cost", text("report.prime_cost", "en", period=span.label()), PRIME_COLUMNS, rows,
                 ("Total", "", "", *line(*t)),
                 {"currency": book.base, "company": book.settings.name, "begin": str(span.begin),
                  "end": str(span.end), **scope.meta(), "labour_accounts": labour_accounts(book)})


def months_before(day: date, n: int) -> date:
    """The same day `n` months earlier (the month's last day when it has fewer days)."""
    y, m = divmod(day.year * 12 + day.month - 1 - n, 12)
    return date(y, m + 1, min(day.day, calendar.monthrange(y, m + 1)[1]))


def campaign_spend(book: Book, span: Span) -> Fraction:
    """Campaign cost attributed to `span`, evenly per day over each campaign's days (start to end, both
    included); a campaign without an end is a one-off on its start day."""
    assert span.begin is not None and span.end is not None
    out = Fraction(0)
    for c in book.campaigns:
        last = c.end if c.end is not None and c.end >= c.start else c.start
        days = (last - c.start).days + 1
        overlap = (min(last + timedelta(days=1), span.end) - max(c.start, span.begin)).days
        if overlap > 0:
            out += Fraction(c.cost) * overlap / days
    return out


def crm_figures(book: Book, span: Span, against: str = "previous", window: int = CHURN_MONTHS) -> dict[str, Any]:
    """Customers active (invoiced) in the span, the customer base of the `window` months before it and
    at its end, new and churned customers, marketing spend (docs/kpi.md gives the definitions)."""
    assert span.begin is not None and span.end is not None

    def invoiced(s: Span) -> set[str]:
        """Parties with a sale of positive net revenue in `s` (an invoice, or a manual sales entry of
        books without documents): a credit note or a return alone is not activity."""
        p = sales_postings(book, s).filter(pl.col("party").is_not_null())
        per = p.group_by("party", "source").agg(pl.col("base").sum())
        return {party for party, _doc, base in per.iter_rows() if base < 0}

    p = sales_postings(book, span).filter(pl.col("party").is_not_null())
    revenue = -int(p["base"].sum() or 0)
    now = invoiced(span)
    base = invoiced(Span(months_before(span.begin, window), span.begin))
    at_end = invoiced(Span(months_before(span.end, window), span.end))
    new = now - invoiced(Span(None, span.begin))
    churned = base - at_end
    dec = book.settings.decimals(book.base) or 2
    spend = campaign_spend(book, span)
    role = book.settings.role("marketing")
    if role:
        led = book.ledger().filter(pl.col("account").str.starts_with(role) & (pl.col("date") >= span.begin)
                                   & (pl.col("date") < span.end))
        spend = Fraction(int(led["base"].sum() or 0), 10**dec)
    return {"active": len(now), "active_before": len(base), "customer_base": len(at_end), "new": len(new),
            "churned": len(churned), "revenue": revenue,
            "spend": from_minor((2 * spend.numerator * 10**dec + spend.denominator) // (2 * spend.denominator), dec)}
