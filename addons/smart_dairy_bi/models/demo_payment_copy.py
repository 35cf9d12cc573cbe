"""Payments written as SQL copies of one made by the ORM (the demo's history)."""

from collections import defaultdict

from odoo import fields
from odoo.tools.mail import generate_tracking_message_id

from .demo_rows import insert_rows, next_names, reserve_ids, select_rows

# Amount columns of each table, scaled from the template's amount (their signs kept).
AMOUNTS = {
    "account_payment": ("amount", "amount_company_currency_signed"),
    "account_move": (
        "amount_total",
        "amount_total_signed",
        "amount_total_in_currency_signed",
        "amount_residual",
        "amount_residual_signed",
    ),
    "account_move_line": (
        "debit",
        "credit",
        "balance",
        "amount_currency",
        "amount_residual",
        "amount_residual_currency",
        "price_subtotal",
        "price_total",
    ),
    "account_partial_reconcile": ("amount", "debit_amount_currency", "credit_amount_currency"),
}

# Tables in an order that satisfies their foreign keys (a journal entry's
# origin_payment_id is set after the payments are written).
INSERT_ORDER = (
    "account_full_reconcile",
    "account_move",
    "account_payment",
    "account_move_line",
    "account_partial_reconcile",
    "account_move__account_payment",
    "mail_message",
)


def copy_payments(env, documents, templates):
    """Write the payments of ``documents`` as copies of ``templates`` (by
    document type: the ORM-made payment of a document of that type)."""
    if not documents:
        return env["account.payment"]
    env.flush_all()
    cr = env.cr
    rows = {move_type: _template_rows(cr, payment) for move_type, payment in templates.items()}
    numbers = next_names(
        cr,
        next(iter(templates.values())).move_id,
        [payment_date for _move, payment_date in documents],
    )
    ids = {
        table: reserve_ids(cr, table, len(documents) * (2 if table == "account_move_line" else 1))
        for table in (
            "account_payment",
            "account_move",
            "account_move_line",
            "account_partial_reconcile",
            "account_full_reconcile",
        )
    }
    now = fields.Datetime.now()
    new = defaultdict(list)
    settled = []
    orders = _sale_orders(cr, [move.id for move, _date in documents])
    for index, (move, payment_date) in enumerate(documents):
        template = rows[move.move_type]
        key = {
            "payment": ids["account_payment"][index],
            "move": ids["account_move"][index],
            "liquidity": ids["account_move_line"][2 * index],
            "counterpart": ids["account_move_line"][2 * index + 1],
            "partial": ids["account_partial_reconcile"][index],
            "full": ids["account_full_reconcile"][index],
        }
        sequence = numbers[index]
        name = sequence["name"]
        memo = move.name
        partner = move.commercial_partner_id
        ratio = move.amount_residual / template["amount"]
        stamp = {"create_date": now, "write_date": now}
        document_line, document_date = _document_line(
            cr, move.id, template["counterpart"]["account_id"]
        )
        new["account_payment"].append(
            _copy(
                template["payment"],
                "account_payment",
                ratio,
                id=key["payment"],
                move_id=key["move"],
                partner_id=partner.id,
                name=name,
                memo=memo,
                date=payment_date,
                **stamp,
            )
        )
        new["account_move"].append(
            _copy(
                template["move"],
                "account_move",
                ratio,
                id=key["move"],
                origin_payment_id=None,  # set once the payment exists
                partner_id=partner.id,
                commercial_partner_id=partner.id,
                invoice_partner_display_name=partner.display_name,
                **sequence,
                ref=memo,
                date=payment_date,
                **stamp,
            )
        )
        for role in ("liquidity", "counterpart"):
            line = template[role]
            reconciled = role == "counterpart"
            new["account_move_line"].append(
                _copy(
                    line,
                    "account_move_line",
                    ratio,
                    id=key[role],
                    move_id=key["move"],
                    payment_id=key["payment"],
                    partner_id=partner.id,
                    move_name=name,
                    ref=memo,
                    name=line["name"].replace(template["memo"], memo),
                    date=payment_date,
                    date_maturity=payment_date,
                    full_reconcile_id=key["full"] if reconciled else line["full_reconcile_id"],
                    matching_number=str(key["full"]) if reconciled else line["matching_number"],
                    **stamp,
                )
            )
        sides = {
            template["document_line"]: document_line,
            template["counterpart"]["id"]: key["counterpart"],
        }
        partial = template["partial"]
        new["account_partial_reconcile"].append(
            _copy(
                partial,
                "account_partial_reconcile",
                ratio,
                id=key["partial"],
                debit_move_id=sides[partial["debit_move_id"]],
                credit_move_id=sides[partial["credit_move_id"]],
                full_reconcile_id=key["full"],
                max_date=max(payment_date, document_date),
                **stamp,
            )
        )
        new["account_full_reconcile"].append(
            _copy(template["full"], "account_full_reconcile", ratio, id=key["full"], **stamp)
        )
        new["account_move__account_payment"].append(
            {"invoice_id": move.id, "payment_id": key["payment"]}
        )
        for order_id in orders.get(move.id, ()) if template["message"] else ():
            message = template["message"]
            new["mail_message"].append(
                _copy(
                    message,
                    "mail_message",
                    1.0,
                    id=None,
                    res_id=order_id,
                    body=message["body"].replace(template["document_name"], move.name),
                    message_id=generate_tracking_message_id(f"{order_id}-sale.order"),
                    date=now.replace(microsecond=0),
                    **stamp,
                )
            )
        settled.append(
            (
                move.id,
                document_line,
                key["full"],
                template["payment_state"],
                template["modified"],
            )
        )
    for table in INSERT_ORDER:
        if new[table]:
            insert_rows(cr, table, new[table])
    cr.execute(
        """UPDATE account_move am SET origin_payment_id = p.id
             FROM account_payment p WHERE p.move_id = am.id AND p.id = ANY(%s)""",
        [ids["account_payment"]],
    )
    _settle(cr, settled, now)
    env.invalidate_all()
    return env["account.payment"].browse(ids["account_payment"])


def _template_rows(cr, payment):
    """The rows an ORM-made payment wrote, by role."""
    (pay,) = select_rows(cr, "account_payment", "id = %s", [payment.id])
    (move,) = select_rows(cr, "account_move", "id = %s", [pay["move_id"]])
    lines = select_rows(cr, "account_move_line", "move_id = %s", [pay["move_id"]])
    (counterpart,) = [line for line in lines if line["account_id"] == pay["destination_account_id"]]
    (liquidity,) = [line for line in lines if line is not counterpart]
    (partial,) = select_rows(
        cr,
        "account_partial_reconcile",
        "full_reconcile_id = %s",
        [counterpart["full_reconcile_id"]],
    )
    (full,) = select_rows(
        cr, "account_full_reconcile", "id = %s", [counterpart["full_reconcile_id"]]
    )
    (document,) = payment.invoice_ids
    (document_line,) = {partial["debit_move_id"], partial["credit_move_id"]} - {counterpart["id"]}
    messages = select_rows(
        cr,
        "mail_message",
        "model = 'sale.order' AND res_id = ANY(%s) AND body::text LIKE %s ORDER BY id DESC LIMIT 1",
        [_sale_orders(cr, document.ids)[document.id], f"%{document.name} %"],
    )
    return {
        "payment": pay,
        "move": move,
        "liquidity": liquidity,
        "counterpart": counterpart,
        "partial": partial,
        "full": full,
        "amount": pay["amount"],
        "memo": pay["memo"],
        "document_name": document.name,
        "document_line": document_line,
        "payment_state": document.payment_state,
        # the ORM marks a vendor bill as modified when it is paid
        "modified": document.is_manually_modified,
        "message": messages[0] if messages else None,
    }


def _sale_orders(cr, move_ids):
    """Sale orders invoiced by each move (the orders told when it is paid)."""
    cr.execute(
        """SELECT DISTINCT aml.move_id, sol.order_id
             FROM account_move_line aml
             JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
             JOIN sale_order_line sol ON sol.id = rel.order_line_id
            WHERE aml.move_id = ANY(%s)
            ORDER BY aml.move_id, sol.order_id""",
        [move_ids],
    )
    orders = defaultdict(list)
    for move_id, order_id in cr.fetchall():
        orders[move_id].append(order_id)
    return orders


def _document_line(cr, move_id, account_id):
    cr.execute(
        "SELECT id, date FROM account_move_line WHERE move_id = %s AND account_id = %s",
        [move_id, account_id],
    )
    (line,) = cr.fetchall()
    return line


def _copy(template, table, ratio, **values):
    row = dict(template, **values)
    for column in AMOUNTS.get(table, ()):
        if row[column] is not None and column not in values:
            row[column] = round(float(template[column]) * ratio, 2)
    if values.get("id", 0) is None:
        del row["id"]
    return row


def _settle(cr, settled, now):
    """Mark each document and its receivable or payable item as paid."""
    cr.execute_values(
        """UPDATE account_move_line aml
              SET amount_residual = 0, amount_residual_currency = 0, reconciled = TRUE,
                  full_reconcile_id = v.full_id, matching_number = v.full_id::text,
                  write_date = v.now
             FROM (VALUES %s) AS v(move_id, line_id, full_id, state, modified, now)
            WHERE aml.id = v.line_id""",
        [(*item, now) for item in settled],
        page_size=1000,
    )
    cr.execute_values(
        """UPDATE account_move am
              SET amount_residual = 0, amount_residual_signed = 0, payment_state = v.state,
                  is_manually_modified = v.modified, write_date = v.now
             FROM (VALUES %s) AS v(move_id, line_id, full_id, state, modified, now)
            WHERE am.id = v.move_id""",
        [(*item, now) for item in settled],
        page_size=1000,
    )
