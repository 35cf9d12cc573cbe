"""Vendor bills written as SQL copies of one made by the ORM (the demo's history)."""

from collections import defaultdict

from odoo import fields

from .demo_rows import insert_rows, next_names, reserve_ids, select_rows
from .demo_taxes import TaxAmounts

# Bill values Odoo computes from the vendor and the bill date, read from a draft.
PARTNER_VALUES = (
    "date",
    "commercial_partner_id",
    "partner_shipping_id",
    "fiscal_position_id",
    "invoice_payment_term_id",
    "partner_bank_id",
    "preferred_payment_method_line_id",
    "invoice_partner_display_name",
)


def copy_bills(env, plans, template):
    """Write the posted vendor bills of ``plans`` as copies of ``template``.

    :param plans: list of (vendor, reference, bill date, lines of (product,
        quantity, unit price)), bills without taxes as the demo's feed and
        supplies are
    :param template: a posted bill of the same journal, made by the ORM
    :return: the bills, in the order of ``plans``
    """
    Move, Line = env["account.move"], env["account.move.line"]
    if not plans:
        return Move
    env.flush_all()
    cr = env.cr
    rows = _bill_template_rows(cr, template)
    company, currency = template.company_id, template.currency_id
    amounts = TaxAmounts(env, company, currency)
    no_tax = env["account.tax"]
    drafts = [
        Move.new(
            {
                "move_type": "in_invoice",
                "journal_id": template.journal_id.id,
                "partner_id": vendor.id,
                "invoice_date": day,
            }
        )
        for vendor, _ref, day, _lines in plans
    ]
    headers = [{name: _column(draft[name]) for name in PARTNER_VALUES} for draft in drafts]
    names = next_names(cr, template, [header["date"] for header in headers])
    move_ids = reserve_ids(cr, "account_move", len(plans))
    line_ids = iter(reserve_ids(cr, "account_move_line", sum(len(p[3]) + 1 for p in plans)))
    now = fields.Datetime.now()
    stamp = {"create_date": now, "write_date": now}
    new = defaultdict(list)
    for (vendor, ref, day, lines), draft, header, move_id, sequence in zip(
        plans, drafts, headers, move_ids, names, strict=True
    ):
        common = {
            "move_id": move_id,
            "move_name": sequence["name"],
            "partner_id": header["commercial_partner_id"],
            "ref": ref,
            "date": header["date"],
            "invoice_date": day,
            **stamp,
        }
        fiscal_position = draft.fiscal_position_id
        total = 0.0
        for product, quantity, price_unit in lines:
            quantity = _stored(Line, "quantity", quantity)
            price_unit = _stored(Line, "price_unit", price_unit)
            subtotal, line_total = amounts.line(product, no_tax, price_unit, quantity, 0.0)
            total += subtotal
            account = product.product_tmpl_id.get_product_accounts(fiscal_pos=fiscal_position)
            new["account_move_line"].append(
                dict(
                    rows["product"],
                    id=next(line_ids),
                    product_id=product.id,
                    product_uom_id=product.uom_id.id,
                    name=_line_name(product, vendor),
                    account_id=account["expense"].id,
                    quantity=quantity,
                    price_unit=price_unit,
                    debit=subtotal,
                    credit=0.0,
                    balance=subtotal,
                    amount_currency=subtotal,
                    price_subtotal=subtotal,
                    price_total=line_total,
                    **common,
                )
            )
        total = currency.round(total)
        due = _due_date(draft, day, currency, company, total)
        new["account_move_line"].append(
            dict(
                rows["payment_term"],
                id=next(line_ids),
                account_id=_payable_account(draft, company).id,
                debit=0.0,
                credit=total,
                balance=-total,
                amount_currency=-total,
                amount_residual=-total,
                amount_residual_currency=-total,
                date_maturity=due,
                **common,
            )
        )
        new["account_move"].append(
            dict(
                rows["move"],
                id=move_id,
                **header,
                **sequence,
                partner_id=vendor.id,
                ref=ref,
                invoice_date=day,
                invoice_date_due=due,
                amount_untaxed=total,
                amount_tax=0.0,
                amount_total=total,
                amount_residual=total,
                amount_untaxed_signed=-total,
                amount_untaxed_in_currency_signed=-total,
                amount_tax_signed=0.0,
                amount_total_signed=-total,
                amount_total_in_currency_signed=-total,
                amount_residual_signed=-total,
                **stamp,
            )
        )
    for table in ("account_move", "account_move_line"):
        insert_rows(cr, table, new[table])
    env.invalidate_all()
    return Move.browse(move_ids)


def _stored(model, name, value):
    """``value`` as the ORM stores it in ``model``'s field (rounded to its digits)."""
    return model._fields[name].convert_to_cache(value, model)


def _column(value):
    """A draft's field value as its database column holds it."""
    if hasattr(value, "_name"):
        return value.id or None
    return value or None


def _line_name(product, vendor):
    """The label account gives a purchase line: the product's name in the
    vendor's language and its purchase description."""
    if vendor.lang:
        product = product.with_context(lang=vendor.lang)
    return "\n".join(filter(None, (product.display_name, product.description_purchase)))


def _payable_account(draft, company):
    """The account of a bill's payment term item, as account computes it."""
    account = (
        draft.commercial_partner_id.with_company(company).property_account_payable_id
        or company.partner_id.with_company(company).property_account_payable_id
    )
    if draft.fiscal_position_id:
        account = draft.fiscal_position_id.map_account(account)
    return account


def _due_date(draft, day, currency, company, total):
    """The bill's one due date: under its payment term, or without one the date
    Odoo gives such a bill (its draft's, the day it is made)."""
    term = draft.invoice_payment_term_id
    if not term:
        return draft.invoice_date_due
    terms = term._compute_terms(
        date_ref=day,
        currency=currency,
        company=company,
        tax_amount=0.0,
        tax_amount_currency=0.0,
        sign=-1,
        untaxed_amount=-total,
        untaxed_amount_currency=-total,
    )
    (due,) = {line["date"] for line in terms["line_ids"]}
    return due


def _bill_template_rows(cr, bill):
    (move,) = select_rows(cr, "account_move", "id = %s", [bill.id])
    lines = select_rows(cr, "account_move_line", "move_id = %s ORDER BY id", [bill.id])
    by_type = {}
    for line in lines:
        by_type.setdefault(line["display_type"], line)
    if set(by_type) != {"product", "payment_term"}:
        raise ValueError(f"{bill.name}: only bills without taxes can be copied")
    return {"move": move, "product": by_type["product"], "payment_term": by_type["payment_term"]}
