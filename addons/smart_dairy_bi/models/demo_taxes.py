"""Amounts of the demo's copied documents, computed by Odoo's own tax engine."""


class TaxAmounts:
    """Line and document amounts of one company and currency.

    A line's amounts depend only on its product, taxes, price, quantity and
    discount, so each distinct line is computed once per cursor (the install's:
    an order's line and its invoice's line share the result).
    """

    def __init__(self, env, company, currency):
        self.env = env
        self.company = company
        self.currency = currency
        self._lines = env.cr.cache.setdefault(
            ("smart_dairy_demo_line_amounts", company.id, currency.id), {}
        )

    def _base_line(self, partner, product, taxes, price_unit, quantity, discount):
        return self.env["account.tax"]._prepare_base_line_for_taxes_computation(
            {},
            product_id=product,
            tax_ids=taxes,
            price_unit=price_unit,
            quantity=quantity,
            discount=discount,
            currency_id=self.currency,
            partner_id=partner,
            rate=1.0,
        )

    def line(self, product, taxes, price_unit, quantity, discount):
        """(untaxed, total) of one order or invoice line, rounded as its own
        line (what sale's and account's line computes store)."""
        key = (product.id, tuple(taxes.ids), price_unit, quantity, discount)
        if key not in self._lines:
            AccountTax = self.env["account.tax"]
            base_line = self._base_line(
                self.env["res.partner"], product, taxes, price_unit, quantity, discount
            )
            AccountTax._add_tax_details_in_base_line(base_line, self.company)
            AccountTax._round_base_lines_tax_details([base_line], self.company)
            details = base_line["tax_details"]
            self._lines[key] = (
                self.currency.round(details["total_excluded_currency"]),
                self.currency.round(details["total_included_currency"]),
            )
        return self._lines[key]

    def document(self, partner, lines):
        """(bases, untaxed, tax, total) of a document's lines of (product, taxes,
        price_unit, quantity, discount), rounded together: each line's untaxed
        amount with its share of the rounding difference (what an invoice's items
        hold), and the totals (what an order's totals and an invoice's tax line
        hold)."""
        AccountTax = self.env["account.tax"]
        currency, company = self.currency, self.company
        base_lines = [self._base_line(partner, *line) for line in lines]
        AccountTax._add_tax_details_in_base_lines(base_lines, company)
        AccountTax._round_base_lines_tax_details(base_lines, company)
        summary = AccountTax._get_tax_totals_summary(
            base_lines=base_lines, currency=currency, company=company
        )
        bases = [
            currency.round(
                line["tax_details"]["total_excluded_currency"]
                + line["tax_details"]["delta_total_excluded_currency"]
            )
            for line in base_lines
        ]
        return bases, *(
            currency.round(summary[key])
            for key in ("base_amount_currency", "tax_amount_currency", "total_amount_currency")
        )
