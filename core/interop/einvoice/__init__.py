"""e-Fatura and e-Arşiv invoices in GİB's UBL-TR 1.2 format (docs/statutory.md): the invoice as
GİB sees it (model), its XML (ubl), its printable copy (visual) and the numbers given to it when it
is issued (numbering)."""
