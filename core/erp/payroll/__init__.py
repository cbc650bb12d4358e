"""Payroll runs: the Turkish monthly wage calculation, and the one journal entry each run derives.
Import each name from its module; this package re-exports nothing.

A run (`payroll/YYYY/YYYY-MM.yaml`, docs/payroll.md) lists the gross pay of each employee for one
month, or only the run's totals when the detail is kept in a separate, restricted repository.
From the lines kebir computes every payslip component the way Turkish payroll does: SGK premiums
on the gross capped at the ceiling (tavan) and raised to the floor (taban), income tax by the
cumulative annual brackets on the year-to-date base, stamp tax, the minimum-wage exemption of both
taxes, net pay and the employer's contributions. Each component is rounded half-up to the kuruş
per employee, so totals are sums of what the payslips show and the entry balances exactly.

Modules, each importing only from the ones before it: `rules` (constants, rounding, brackets,
`PayrollRules` from `books.toml [payroll]`), `runs` (the run records, reading and checking the
files), `calculation` (payslips, run totals, year-to-date bases, commissions), `posting`
(`derive_payroll`: the entry of each run, E060-E067 and E047 as `Problem`s, never raised).
Everything is a pure function of its arguments over frozen dataclasses and `Decimal`: no float.
"""
