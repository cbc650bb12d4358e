"""The operational domains: stock, documents, Z-reports, pricing, recipes, production, planning, payroll, assets, \
recurring entries, commissions, and the derivation of postings from documents."""
