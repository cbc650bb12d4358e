"""Deterministic demo books for kebir: Deniz Lokanta Grubu A.Ş., fiscal year 2025.

The company
    Deniz Lokanta Grubu A.Ş. runs two meyhane-style seafood restaurants in Istanbul, Kadıköy
    (KDK) and Beşiktaş (BSK), and a central kitchen with a catering business in Maltepe (MTF).
    The books are kept in TRY on the Turkish uniform chart (TDHP, 7/A expense accounts). The
    company holds a EUR account for purchases from Italy (a combi oven) and Greece (olive oil)
    and pays one software subscription in USD.

What is written (one fiscal year, 2025-01-01 .. 2025-12-31, opening balances on 2025-01-01)
    books.toml, accounts.yaml          a TDHP subset and every account role of docs/documents.md and
                                       docs/payroll.md (VAT per rate: 191.01-03 / 391.01-03 for 1, 10
                                       and 20%); Akbank (102.03) is closed on 2025-06-30
    rates/2025.csv                     EUR and USD for every calendar day (a random walk)
    sales/2025/2025-MM.csv             the restaurants' daily Z-reports: net sales per dish category
                                       with its VAT rate, and the tenders (cash, card, meal vouchers)
                                       that pay net + VAT to the kuruş; kebir derives the entries
    orders/2025/2025-MM.yaml           purchase orders, each received one with its supplier invoice
                                       (SI-) at the order's prices and the weekly supplier payments
                                       (SP-); the catering sales orders (with the rep who owns the
                                       customer in the CRM), their invoices (INV-), wedding deposits
                                       (ADV-) applied on the invoices, three credit notes (CN-) and
                                       the customer payments (PAY-): some in instalments, some for
                                       two invoices, a few late and some still open at the year end;
                                       one gala invoiced and paid in EUR, the oven bought in EUR
    payroll/2025/2025-MM.yaml          monthly payroll runs (one line per employee, commissions on
                                       paid invoices), computed with core.erp.payroll
    journals/2025/2025-MM.yaml         what a bookkeeper still keys by hand: the opening entry, card
                                       and meal-card settlements, cash deposits and petty cash, rent,
                                       utilities and other service invoices (on 320.01, with the
                                       supplier as contact) and their payments, the payroll payments
                                       (net pay, withholding, SGK) that match the runs, import VAT, a
                                       few EUR/USD entries
    journals/imports/2025-bank-fees.csv  bank charges (transfer fees included) as one bulk CSV journal
    contacts/erp, contacts/crm, contacts/links.yaml
                                       customers, suppliers, employees; CRM companies, people and
                                       activities. Many customers exist on both sides under other
                                       spellings; which records are the same firm or person is
                                       written to the truth file (bench/demo/duplicates.yaml)
    stock/                             locations (with their cash, card, sales and cost accounts),
                                       items (drinks on 153/621, catering menus `produced`), and
                                       monthly move files from a day-by-day simulation of on-hand
                                       quantities, so stock never goes negative (every move has a
                                       time; counts come last)

    Every event is recorded once: documents post through kebir's rules (stock moves, Z-reports,
    invoices, payments, payroll runs), so no manual entry touches an inventory account, and every
    manual posting on the AR/AP control accounts names its contact. The monthly VAT offset is left
    to `kebir close`. Credit limits cover every customer's highest balance of the year but for
    two, which passed theirs during the year and were back under by 31 December.

Determinism
    Every random choice comes from one random.Random(2025), split into one generator per section
    in a fixed order, so a change in one section does not reshuffle the others. Money is integer
    kuruş/cents, quantities integer thousandths, rates and unit costs integer 1/10000: nothing
    written ever passes through a float, and foreign amounts are converted with Decimal, half-up.
    No wall clock, no iteration over sets; every file goes through core.books.store, which sorts and
    formats it canonically (`kebir fmt` leaves the output unchanged).

Run from the repository root:

    python -m bench.demo.generate ledger-data [--truth bench/demo/duplicates.yaml]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

import yaml

from core.books.newbooks import GITIGNORE
from core.books.store import dump_csv_rows, dump_yaml_records, write_atomic
from bench.demo.basics import (
    END, ONE_DAY, Record, SEED, TRUTH_PATH, YEAR, build_rates, half_up, iso, money, rate_rows, to_base,
)
from bench.demo.company import (ACCOUNTS, DISHES, ITEMS, LEAVE_DAYS, LEGAL_FOLLOW_UP, MENUS, QUARTERS, SAUCES,
                                SERVICE_ITEMS)
from bench.demo.contacts import Contacts, build_contacts, random_day
from bench.demo.catering import Menu, SalesOrder, build_sales_orders, build_tills
from bench.demo.stock import StockSim
from bench.demo.documents import Documents
from bench.demo.journals import OVEN_CUSTOMS, PASTA_MACHINE_DAY, PASTA_MACHINE_EUR, Journal, Payroll
from bench.demo.records import (
    account_records, books_toml, by_month, check_journal, check_orders, check_z_reports, einvoice_numbers,
    item_records, location_records, network_records, number_entries, number_moves, purchase_records, recipe_records,
    reason_records, run_records, supply_records, unit_records,
)


# --------------------------------------------------------------------------- writing

def write_yaml(root: Path, rel: str, kind: str, records: list[Record]) -> None:
    write_atomic(root / rel, dump_yaml_records(kind, records))


def write_csv(root: Path, rel: str, kind: str, rows: list[Record]) -> None:
    write_atomic(root / rel, dump_csv_rows(kind, rows))


def write_truth(path: Path, truth: dict[str, list[list[str]]]) -> None:
    header = ("# Dedup ground truth for the demo books written by bench/demo/generate.py (do not edit:\n"
              "# regenerate). crm_erp: CRM record and ERP party that are the same firm or person;\n"
              "# within_crm / within_erp: clusters of records of one firm or person on one side;\n"
              "# hard_negatives: pairs that look alike but are different firms or people.\n")
    body = yaml.safe_dump(truth, sort_keys=False, default_flow_style=None, width=10000)
    write_atomic(path, header + body)


CAMPAIGNS = (   # id, name, kind, start, end, cost (minor units)
    ("CMP-2025-IFTAR", "Ramazan iftar menus for firms", "email", "2025-02-10", "2025-03-29", 4_500_000),
    ("CMP-2025-WEDDING", "Wedding season fair, Haliç Kongre", "event", "2025-04-12", "2025-04-13", 12_000_000),
    ("CMP-2025-LOYALTY", "Lokanta loyalty card", "loyalty", "2025-06-01", "", 2_500_000),
    ("CMP-2025-NEWYEAR", "New year corporate dinners", "ads", "2025-10-20", "2025-12-20", 8_000_000),
)
DEAL_STAGES = ("lead", "qualified", "proposal", "negotiation")
SEGMENTS = (
    ("VIP", "Best customers of the last 12 months", "revenue_12m >= 1000000"),
    ("AT-RISK", "Customers with invoices more than 30 days past due", "days_overdue > 30"),
    ("DORMANT", "Bought before, nothing since July", "last_sale < DATE '2025-07-01'"),
    ("PROSPECTS", "Open deals, never invoiced", "invoices = 0 AND open_deals > 0"),
)


def build_crm(rng: random.Random, contacts: Contacts, sales_orders: list[SalesOrder]
              ) -> tuple[list[Record], list[Record], list[Record]]:
    """Deals (each catering order was a won deal first; open and lost deals besides), the year's
    campaigns with the contacts they reached, and saved segments."""
    crm_of = {erp: crm for crm, erp in (sorted(pair) for pair in contacts.truth["crm_erp"])}
    companies = sorted(c["id"] for c in contacts.companies)
    campaigns = []
    for cid, name, kind, start, end, cost in CAMPAIGNS:
        members = sorted(rng.sample(companies, min(len(companies), rng.randint(40, 90))))
        rec = {"id": cid, "name": name, "kind": kind, "start": start, "cost": money(cost), "account": "760.01",
               "members": members}
        if end:
            rec["end"] = end
        campaigns.append(rec)

    def campaign_on(day: dt.date, contact: str) -> str:
        for c in campaigns:
            if c["start"] <= iso(day) <= c.get("end", iso(END)) and contact in c["members"]:
                return c["id"]
        return ""

    drafts = []
    for so in sales_orders:
        if so.status == "cancelled" or not so.id:
            continue
        contact = crm_of.get(so.party, so.party)
        created = so.date - dt.timedelta(days=rng.randint(14, 45))
        rec = {"contact": contact, "name": so.memo, "stage": "won", "amount": money(so.net()),
               "created": iso(created), "expected_close": iso(so.date), "closed": iso(so.date),
               "owner": so.rep or "EM-0008", "order": so.id}
        if cmp := campaign_on(created, contact):
            rec["campaign"] = cmp
        drafts.append(rec)
    for n in range(60):
        contact = rng.choice(companies)
        created = random_day(rng, dt.date(YEAR, 3, 1), END)
        guests = rng.randint(4, 30) * 10
        amount = guests * rng.choice((95_000, 120_000, 150_000, 185_000))
        lost = n % 3 == 0 and created < dt.date(YEAR, 11, 15)
        rec = {"contact": contact, "name": f"Event for {guests} guests", "amount": money(amount),
               "created": iso(created),
               "expected_close": iso(min(END, created + dt.timedelta(days=rng.randint(20, 60)))),
               "owner": rng.choice(("EM-0007", "EM-0008", "EM-0009", "EM-0044"))}
        if lost:
            rec |= {"stage": "lost", "closed": iso(created + dt.timedelta(days=rng.randint(10, 40))),
                    "lost_reason": rng.choice(("price", "date not available", "chose another venue", "no budget"))}
        else:
            rec["stage"] = rng.choice(DEAL_STAGES)
        if cmp := campaign_on(created, contact):
            rec["campaign"] = cmp
        drafts.append(rec)
    drafts.sort(key=lambda r: (r["created"], r["contact"], r["name"]))
    deals = [{"id": f"D-{n:04d}", **r} for n, r in enumerate(drafts, 1)]
    segments = [{"id": sid, "name": name, "where": where} for sid, name, where in SEGMENTS]
    return deals, campaigns, segments


def price_records(menu: Menu) -> list[Record]:
    """The restaurants' menu, one list a quarter (the tills charge it), and the 2026 catering price
    list, agreed in December: list prices, a customer price for the biggest event customer,
    quantity breaks and the loyalty promotion. Valid from 2026, so the year's orders (priced by
    hand as they were) are not measured against it."""
    menus: list[Record] = []
    for n, first in enumerate(QUARTERS):
        last = QUARTERS[n + 1] - ONE_DAY if n + 1 < len(QUARTERS) else END
        menus.append({"id": f"MENU-{YEAR}-Q{n + 1}", "kind": "list", "valid_from": iso(first), "valid_to": iso(last),
                      "prices": [{"item": item, "price": money(menu.price(item, first))}
                                 for item, *_ in menu.sold]})
    return menus + [
        {"id": "PL-2026", "kind": "list", "valid_from": "2026-01-01",
         "prices": [{"item": m, "price": money(half_up(price * 135, 100))} for m, _, price in MENUS]},
        {"id": "CP-2026-CU-0050", "kind": "customer", "party": "CU-0050", "valid_from": "2026-01-01",
         "prices": [{"item": "CAT-MENU-A", "price": money(half_up(145000 * 128, 100))}]},
        {"id": "QB-2026-MENUS", "kind": "breaks", "valid_from": "2026-01-01", "items": [m for m, _, _ in MENUS],
         "breaks": [{"min_quantity": "100", "discount": "5"}, {"min_quantity": "250", "discount": "8"}]},
        {"id": "PR-2026-LOYALTY", "kind": "promotion", "campaign": "CMP-2025-LOYALTY", "valid_from": "2026-01-01",
         "valid_to": "2026-03-31", "items": ["CAT-MENU-B", "CAT-MENU-C"], "discount": "10"},
    ]


def year_end_fields(records: list[dict]) -> list[dict]:
    """The fields the year-end close reads (docs/close.md): a customer's `legal_follow_up`, after its
    credit limit; an employee's unused `leave_days`, after the gross salary."""
    out = []
    for rec in records:
        extra = ({"legal_follow_up": LEGAL_FOLLOW_UP[rec["id"]]} if rec["id"] in LEGAL_FOLLOW_UP else
                 {"leave_days": LEAVE_DAYS[rec["id"]]} if rec["id"] in LEAVE_DAYS else {})
        if not extra:
            out.append(rec)
            continue
        after = "credit_limit" if "legal_follow_up" in extra else "gross_salary"
        new: dict = {}
        for k, v in rec.items():
            new[k] = v
            if k == after:
                new |= extra
        out.append(new)
    return out


def generate(out: Path, truth_path: Path | None) -> dict[str, int]:
    """Write the demo books under `out` (and the dedup truth); returns record counts per file kind."""
    master = random.Random(SEED)
    rng = {name: random.Random(master.getrandbits(64))
           for name in ("rates", "contacts", "activities", "orders", "stock", "journal", "documents", "crm",
                        "tills")}
    rates = build_rates(rng["rates"])
    contacts = build_contacts(rng["contacts"], rng["activities"])
    erp_dups = [pair[1] for pair in contacts.truth["within_erp"]]
    sales_orders = build_sales_orders(rng["orders"], contacts.customers, erp_dups)
    menu = Menu()
    tills = build_tills(rng["tills"], menu)
    sim = StockSim(rng["stock"], sales_orders, menu, tills)
    sim.run()
    purchases = purchase_records(sim.orders, contacts.supplier_ids)   # gives the orders their ids first
    documents = Documents(rng["documents"], rates, contacts, sales_orders, sim)
    documents.build()
    runs = Payroll(contacts.employees, documents)
    runs.build()
    journal = Journal(rng["journal"], rates, contacts, documents, runs, tills)
    journal.build()
    number_entries(journal.entries, "JE")
    number_entries(journal.bank, "BK")

    known = {r["id"] for r in contacts.customers + contacts.suppliers + contacts.employees}
    check_journal(journal.entries + journal.bank, known)
    check_z_reports(journal.z_rows)
    move_rows = number_moves(sim.moves)
    check_orders(purchases, move_rows)

    write_atomic(out / "books.toml", books_toml())
    write_atomic(out / ".gitignore", GITIGNORE)        # the cache stays out of `git add -A`, as in `kebir init`
    write_yaml(out, "accounts.yaml", "accounts", account_records())
    write_csv(out, f"rates/{YEAR}.csv", "rates", rate_rows(rates))
    entries = [e.record() for e in journal.entries]
    for month, records in by_month(entries).items():
        write_yaml(out, f"journals/{YEAR}/{YEAR}-{month:02d}.yaml", "journal", records)
    bank_rows = [p.row(e) for e in sorted(journal.bank, key=lambda e: e.id) for p in e.postings]
    write_csv(out, f"journals/imports/{YEAR}-bank-fees.csv", "journal-csv", bank_rows)
    write_yaml(out, "contacts/erp/customers.yaml", "erp-contacts", year_end_fields(contacts.customers))
    write_yaml(out, "contacts/erp/suppliers.yaml", "erp-contacts", contacts.suppliers)
    write_yaml(out, "contacts/erp/employees.yaml", "erp-contacts", year_end_fields(contacts.employees))
    write_yaml(out, "contacts/crm/companies.yaml", "crm-contacts", contacts.companies)
    write_yaml(out, "contacts/crm/people.yaml", "crm-contacts", contacts.people)
    write_yaml(out, "contacts/crm/activities.yaml", "activities", contacts.activities)
    write_yaml(out, "contacts/links.yaml", "links", contacts.links)
    deals, campaigns, segments = build_crm(rng["crm"], contacts, sales_orders)
    write_yaml(out, "contacts/crm/deals.yaml", "deals", deals)
    write_yaml(out, "contacts/crm/campaigns.yaml", "campaigns", campaigns)
    write_yaml(out, "contacts/crm/segments.yaml", "segments", segments)
    write_yaml(out, "prices.yaml", "prices", price_records(menu))
    write_yaml(out, "stock/locations.yaml", "locations", location_records())
    write_yaml(out, "assets/register.yaml", "assets", asset_records(bought_in_the_year(documents, rates)))
    write_yaml(out, "stock/items.yaml", "items", item_records(contacts.supplier_ids))
    write_yaml(out, "stock/recipes.yaml", "recipes", recipe_records())
    write_yaml(out, "stock/units.yaml", "units", unit_records())
    write_yaml(out, "stock/reasons.yaml", "reasons", reason_records())
    write_yaml(out, "stock/supply.yaml", "supply", supply_records(contacts.supplier_ids) + network_records())
    for month, records in by_month(run_records(sim.runs)).items():
        write_yaml(out, f"stock/production/{YEAR}/{YEAR}-{month:02d}.yaml", "production", records)
    for month, rows in by_month(move_rows).items():
        write_csv(out, f"stock/moves/{YEAR}/{YEAR}-{month:02d}.csv", "moves", rows)
    orders = purchases + [so.record() for so in sales_orders] + documents.records()
    einvoice_numbers(orders, contacts.customers)
    for month, records in by_month([o for o in orders if o["date"] <= iso(END)]).items():
        write_yaml(out, f"orders/{YEAR}/{YEAR}-{month:02d}.yaml", "orders", records)
    for month, rows in by_month(journal.z_rows).items():
        write_csv(out, f"sales/{YEAR}/{YEAR}-{month:02d}.csv", "sales", rows)
    for month, records in by_month(runs.records()).items():
        write_yaml(out, f"payroll/{YEAR}/{YEAR}-{month:02d}.yaml", "payroll", records)
    if truth_path is not None:
        write_truth(truth_path, contacts.truth)

    kinds = {k: 0 for k in ("receipt", "transfer", "issue", "waste", "adjustment", "count")}
    for r in move_rows:
        kinds[r["kind"]] += 1
    return {"accounts": len(ACCOUNTS), "rates": len(rates), "journal entries": len(journal.entries),
            "journal postings": sum(len(e.postings) for e in journal.entries),
            "bank-fee entries": len(journal.bank), "bank-fee rows": len(bank_rows),
            "customers": len(contacts.customers), "suppliers": len(contacts.suppliers),
            "employees": len(contacts.employees), "crm companies": len(contacts.companies),
            "crm people": len(contacts.people), "activities": len(contacts.activities), "links": len(contacts.links),
            "items": len(ITEMS) + len(SAUCES) + len(DISHES) + len(MENUS) + len(SERVICE_ITEMS),
            "moves": len(move_rows), "production runs": len(sim.runs), "rush orders": len(sim.rushes),
            **{f"  {k}": v for k, v in kinds.items()},
            "purchase orders": len(purchases), "sales orders": len(sales_orders), **documents.counts(),
            "z-report rows": len(journal.z_rows), "payroll runs": len(runs.runs),
            "payroll lines": sum(len(r.lines) for r in runs.runs),
            **{f"truth {k}": len(v) for k, v in contacts.truth.items()}}


# The fixed assets behind the opening balances of 254/255 and the equipment bought in 2025. The
# books depreciate by VUK ([assets] method = "vuk", docs/close.md): annual amounts, a full year in
# the year of acquisition, declining balance at twice the straight-line rate capped at 50%; to the
# end of 2024 that is 1,370,000 + 1,920,000 + 320,000 + 740,000 = 4,350,000.00, the opening 257.01.
FIXED_ASSETS = (
    ("FA-0001", "Mutfak ekipmanları (Kadıköy, Beşiktaş, Maltepe)", "2023-01-10", "255.01", 685000000, 120,
     "straight-line", None),
    ("FA-0002", "Mobilya ve dekorasyon", "2022-06-01", "255.02", 320000000, 60, "straight-line", None),
    ("FA-0003", "Bilgisayar ve POS cihazları", "2024-03-01", "255.03", 64000000, 36, "declining-balance", None),
    ("FA-0004", "Catering araçları", "2023-09-01", "254.01", 185000000, 60, "straight-line", None),
)


def bought_in_the_year(documents: Documents, rates: dict) -> tuple[tuple, ...]:
    """The equipment bought in 2025, at cost in TRY: the combi oven (its invoice at the day's rate,
    with customs and freight) and the pasta machine (paid in advance in EUR)."""
    oven = documents.oven
    oven_cost = to_base(oven.net, rates[(oven.date, "EUR")]) + OVEN_CUSTOMS
    pasta_cost = to_base(PASTA_MACHINE_EUR, rates[(PASTA_MACHINE_DAY, "EUR")])
    return (("FA-0005", "Kombi fırın, 10 tepsi (Forni Veneti)", iso(oven.date), "255.01", oven_cost, 120,
             "straight-line", None),
            ("FA-0006", "Makarna makinesi (Forni Veneti)", iso(PASTA_MACHINE_DAY), "255.01", pasta_cost, 120,
             "straight-line", None))


def asset_records(bought: tuple[tuple, ...] = ()) -> list[Record]:
    out = []
    for aid, name, acquired, account, cost, life, method, rate in FIXED_ASSETS + bought:
        rec = {"id": aid, "name": name, "acquired": acquired, "cost": money(cost), "method": method,
               "life_months": str(life), "account": account, "accumulated": "257.01", "expense": "770.18"}
        if rate:
            rec["rate"] = rate
        out.append(rec)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.demo.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path, help="books directory to write (created if missing)")
    parser.add_argument("--truth", type=Path, default=TRUTH_PATH,
                        help=f"where to write the dedup ground truth (default: {TRUTH_PATH})")
    parser.add_argument("--no-truth", action="store_true", help="do not write the truth file")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.outdir, None if args.no_truth else args.truth)
    for name, n in counts.items():
        print(f"{name:>20}: {n:,}", file=sys.stderr)
    print(f"wrote {args.outdir} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
