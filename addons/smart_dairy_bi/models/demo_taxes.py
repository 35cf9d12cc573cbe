"""Amounts of the demo's copied documents, computed by Odoo's own tax engine."""


def _base_line(env, currency, partner, product, taxes, price_unit, quantity, discount):
    return env["account.tax"]._prepare_base_line_for_taxes_computation(
        {},
        product_id=product,
        tax_ids=taxes,
        price_unit=price_unit,
        quantity=quantity,
        discount=discount,
        currency_id=currency,
        partner_id=partner,
        rate=1.0,
    )


def line_amounts(env, company, currency, partner, *line):
    """(untaxed, total) of one order or invoice line of (product, taxes,
    price_unit, quantity, discount), rounded as its own line (what sale's and
    account's line computes store)."""
    AccountTax = env["account.tax"]
    base_line = _base_line(env, currency, partner, *line)
    AccountTax._add_tax_details_in_base_line(base_line, company)
    AccountTax._round_base_lines_tax_details([base_line], company)
    details = base_line["tax_details"]
    return (
        currency.round(details["total_excluded_currency"]),
        currency.round(details["total_included_currency"]),
    )


def document_totals(env, company, currency, partner, lines):
    """(bases, untaxed, tax, total) of a document's lines of (product, taxes,
    price_unit, quantity, discount), rounded together: each line's untaxed amount
    with its share of the rounding difference (what an invoice's items hold), and
    the totals (what an order's totals and an invoice's tax line hold)."""
    AccountTax = env["account.tax"]
    base_lines = [_base_line(env, currency, partner, *line) for line in lines]
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
