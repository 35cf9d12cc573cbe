"""Customer invoices written as SQL copies of one made by the ORM (the demo's history)."""

from collections import defaultdict

from odoo import fields
from odoo.tools.mail import generate_tracking_message_id

from .demo_rows import insert_rows, next_names, reserve_ids, select_rows
from .demo_taxes import TaxAmounts

# Line values from sale that are stored as they are on the invoice line.
LINE_VALUES = (
    "display_type",
    "sequence",
    "name",
    "product_id",
    "product_uom_id",
    "quantity",
    "discount",
    "price_unit",
    "is_downpayment",
)
# Invoice values from sale that are stored as they are on the invoice.
MOVE_VALUES = (
    "ref",
    "move_type",
    "currency_id",
    "campaign_id",
    "medium_id",
    "source_id",
    "team_id",
    "partner_id",
    "partner_shipping_id",
    "fiscal_position_id",
    "invoice_origin",
    "invoice_payment_term_id",
    "invoice_user_id",
    "journal_id",
)


def copy_invoices(env, groups, template):
    """Write the invoices of ``groups`` as copies of ``template``."""
    Move = env["account.move"]
    if not groups:
        return Move
    env.flush_all()
    cr = env.cr
    rows = _invoice_template_rows(cr, template)
    currency = template.currency_id
    company = template.company_id
    amounts = TaxAmounts(env, company, currency)
    plans = [_invoice_plan(orders) for orders, _date, _due in groups]
    names = next_names(cr, template, [day for _orders, day, _due in groups])
    move_ids = reserve_ids(cr, "account_move", len(groups))
    line_ids = iter(reserve_ids(cr, "account_move_line", sum(len(plan[1]) + 2 for plan in plans)))
    now = fields.Datetime.now()
    new = defaultdict(list)
    invoiced = []
    for (orders, invoice_date, due_date), (values, lines), move_id, sequence in zip(
        groups, plans, move_ids, names, strict=True
    ):
        name = sequence["name"]
        partner = env["res.partner"].browse(values["partner_id"])
        stamp = {"create_date": now, "write_date": now}
        common = {
            "move_id": move_id,
            "move_name": name,
            "partner_id": partner.commercial_partner_id.id,
            "ref": values["ref"],
            "date": invoice_date,
            "invoice_date": invoice_date,
            **stamp,
        }
        taxed = [
            (line["product"], line["taxes"], line["price_unit"], line["quantity"], line["discount"])
            for line in lines
        ]
        # Items hold the untaxed amounts rounded over the whole invoice, as the
        # invoice's tax lines are computed; each line's subtotal is its own.
        bases, _untaxed, tax, _total = amounts.document(partner, taxed)
        untaxed = currency.round(sum(bases))
        for line, taxed_line, base in zip(lines, taxed, bases, strict=True):
            taxes = line["taxes"]
            subtotal, line_total = amounts.line(*taxed_line)
            line_id = next(line_ids)
            new["account_move_line"].append(
                dict(
                    rows["product"],
                    id=line_id,
                    **{column: line[column] for column in LINE_VALUES if column in line},
                    account_id=line["account"].id,
                    debit=0.0,
                    credit=base,
                    balance=-base,
                    amount_currency=-base,
                    price_subtotal=subtotal,
                    price_total=line_total,
                    **common,
                )
            )
            new["account_move_line_account_tax_rel"] += [
                {"account_move_line_id": line_id, "account_tax_id": tax_id} for tax_id in taxes.ids
            ]
            new["sale_order_line_invoice_rel"].append(
                {"invoice_line_id": line_id, "order_line_id": line["sale_line"].id}
            )
            invoiced.append((line["sale_line"], line["quantity"], subtotal))
        total = currency.round(untaxed + tax)
        new["account_move_line"].append(
            dict(
                rows["tax"],
                id=next(line_ids),
                debit=0.0,
                credit=tax,
                balance=-tax,
                amount_currency=-tax,
                tax_base_amount=-untaxed,
                **common,
            )
        )
        reference = values.get("payment_reference") or name
        term_name = (
            f"{values['ref']} - {reference}"
            if values["ref"] and values["ref"] != reference
            else reference
        )
        new["account_move_line"].append(
            dict(
                rows["payment_term"],
                id=next(line_ids),
                name=term_name,
                debit=total,
                credit=0.0,
                balance=total,
                amount_currency=total,
                amount_residual=total,
                amount_residual_currency=total,
                date_maturity=due_date,
                **common,
            )
        )
        effective = [day for day in orders.mapped("effective_date") if day]
        new["account_move"].append(
            dict(
                rows["move"],
                id=move_id,
                **{column: values[column] or None for column in MOVE_VALUES if column in values},
                commercial_partner_id=partner.commercial_partner_id.id,
                invoice_partner_display_name=partner.commercial_partner_id.display_name,
                **sequence,
                payment_reference=reference,
                date=invoice_date,
                invoice_date=invoice_date,
                invoice_date_due=due_date,
                delivery_date=max(effective).date() if effective else None,
                amount_untaxed=untaxed,
                amount_tax=tax,
                amount_total=total,
                amount_residual=total,
                amount_untaxed_signed=untaxed,
                amount_untaxed_in_currency_signed=untaxed,
                amount_tax_signed=tax,
                amount_total_signed=total,
                amount_total_in_currency_signed=total,
                amount_residual_signed=total,
                **stamp,
            )
        )
        if rows["message"]:
            new["mail_message"].append(
                {
                    **{k: v for k, v in rows["message"].items() if k != "id"},
                    "res_id": move_id,
                    "body": _origin_note(env, orders),
                    "message_id": generate_tracking_message_id(f"{move_id}-account.move"),
                    "date": now.replace(microsecond=0),
                    **stamp,
                }
            )
    for table in (
        "account_move",
        "account_move_line",
        "account_move_line_account_tax_rel",
        "sale_order_line_invoice_rel",
        "mail_message",
    ):
        if new[table]:
            insert_rows(cr, table, new[table])
    _mark_invoiced(cr, currency, invoiced, now)
    env.invalidate_all()
    return Move.browse(move_ids)


def _invoice_plan(orders):
    """What ``orders._create_invoices()`` would write for one customer:
    the invoice's values and its product lines, in order."""
    values, lines = None, []
    refs, origins, references = [], [], []
    for order in orders:
        order = order.with_company(order.company_id)
        order_values = order._prepare_invoice()
        for ref, seen in (
            (order_values["ref"], refs),
            (order_values["invoice_origin"], origins),
            (order_values["payment_reference"], references),
        ):
            if ref not in seen:
                seen.append(ref)
        values = values or order_values
        for sale_line in order._get_invoiceable_lines():
            (line,) = sale_line._prepare_invoice_lines_vals_list(sequence=len(lines))
            product = sale_line.product_id
            line.update(
                sale_line=sale_line,
                product=product,
                taxes=sale_line.tax_ids,
                account=product.product_tmpl_id.get_product_accounts(
                    fiscal_pos=order.fiscal_position_id
                )["income"],
            )
            lines.append(line)
    if len(orders) > 1:
        for sequence, line in enumerate(lines, start=1):
            line["sequence"] = sequence
    values.update(
        ref=", ".join(filter(None, refs))[:2000] or None,
        invoice_origin=", ".join(filter(None, origins)),
        payment_reference=references[0] if len(references) == 1 else None,
    )
    return values, lines


def _origin_note(env, orders):
    """The note sale posts on an invoice: "This journal entry has been created
    from" and links to its orders."""
    return (
        env["ir.qweb"]
        ._render(
            "mail.message_origin_link",
            {"self": env["account.move"], "origin": orders, "edit": False},
            minimal_qcontext=True,
        )
        .strip()
    )


def _invoice_template_rows(cr, invoice):
    (move,) = select_rows(cr, "account_move", "id = %s", [invoice.id])
    lines = select_rows(cr, "account_move_line", "move_id = %s ORDER BY id", [invoice.id])
    by_type = {}
    for line in lines:
        by_type.setdefault(line["display_type"], line)
    messages = select_rows(
        cr,
        "mail_message",
        "model = 'account.move' AND res_id = %s ORDER BY id LIMIT 1",
        [invoice.id],
    )
    return {
        "move": move,
        "product": by_type["product"],
        "tax": by_type["tax"],
        "payment_term": by_type["payment_term"],
        "message": messages[0] if messages else None,
    }


def _mark_invoiced(cr, currency, invoiced, now):
    """Order lines and orders as invoicing them leaves them (sale's computed
    invoiced quantities, amounts and statuses)."""
    rows = []
    for sale_line, quantity, subtotal in invoiced:
        policy = sale_line.product_id.invoice_policy
        invoiceable = sale_line.qty_delivered if policy == "delivery" else sale_line.product_uom_qty
        to_invoice = invoiceable - sale_line.qty_invoiced - quantity
        price_reduce = sale_line.price_unit * (1 - (sale_line.discount or 0.0) / 100.0)
        rows.append(
            (
                sale_line.id,
                sale_line.qty_invoiced + quantity,
                to_invoice,
                "to invoice" if to_invoice else "invoiced",
                sale_line.untaxed_amount_invoiced + subtotal,
                currency.round(
                    price_reduce * invoiceable - sale_line.untaxed_amount_invoiced - subtotal
                ),
                now,
            )
        )
    cr.execute_values(
        """UPDATE sale_order_line sol
              SET qty_invoiced = v.qty_invoiced, qty_to_invoice = v.qty_to_invoice,
                  invoice_status = v.status, untaxed_amount_invoiced = v.invoiced,
                  untaxed_amount_to_invoice = v.to_invoice, write_date = v.now
             FROM (VALUES %s) AS v(id, qty_invoiced, qty_to_invoice, status, invoiced,
                                   to_invoice, now)
            WHERE sol.id = v.id""",
        rows,
        page_size=1000,
    )
    cr.execute(
        """UPDATE sale_order so
              SET invoice_status = CASE WHEN EXISTS (
                      SELECT 1 FROM sale_order_line sol
                       WHERE sol.order_id = so.id AND sol.display_type IS NULL
                         AND sol.invoice_status <> 'invoiced')
                  THEN 'to invoice' ELSE 'invoiced' END,
                  write_date = %s
            WHERE so.id = ANY(%s)""",
        [now, list({sale_line.order_id.id for sale_line, _qty, _subtotal in invoiced})],
    )
