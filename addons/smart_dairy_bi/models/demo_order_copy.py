"""Confirmed and delivered sale orders written as SQL copies of one made by the
ORM (the demo's history)."""

from collections import defaultdict
from dataclasses import dataclass

from odoo import fields
from odoo.tools.mail import generate_tracking_message_id

from .demo_rows import insert_rows, reserve_ids, select_rows
from .demo_taxes import TaxAmounts

INSERT_ORDER = (
    "sale_order",
    "sale_order_line",
    "account_tax_sale_order_line_rel",
    "stock_reference",
    "stock_reference_sale_rel",
    "stock_picking",
    "stock_move",
    "stock_route_move",
    "stock_reference_move_rel",
    "stock_move_line",
)


@dataclass(frozen=True)
class OrderCopy:
    """One order to write: its customer, team, reference, dates and lines of
    (product.product, quantity, discount %)."""

    partner: object
    team: object
    client_order_ref: str
    ordered: object
    delivered: object
    lines: tuple


def copy_orders(env, orders, template):
    """Write ``orders`` (:class:`OrderCopy`) as confirmed, delivered sale orders,
    copies of the delivered ``template`` (sale.order): the order, its lines and
    their taxes, the stock reference, the delivery with its moves and move lines,
    the "created from" note, and the stock taken from the warehouse, with the
    amounts, statuses and delivered quantities Odoo computes for them (as
    ``TestDemoOrders`` proves).

    :return: the sale orders, in the order of ``orders``
    """
    Order = env["sale.order"]
    if not orders:
        return Order
    env.flush_all()
    cr = env.cr
    rows = _template_rows(cr, template)
    company = template.company_id
    currency = template.currency_id
    amounts = TaxAmounts(env, company, currency)
    picking_type = template.picking_ids.picking_type_id
    line_count = sum(len(order.lines) for order in orders)
    ids = {
        "sale_order": reserve_ids(cr, "sale_order", len(orders)),
        "sale_order_line": iter(reserve_ids(cr, "sale_order_line", line_count)),
        "stock_reference": reserve_ids(cr, "stock_reference", len(orders)),
        "stock_picking": reserve_ids(cr, "stock_picking", len(orders)),
        "stock_move": iter(reserve_ids(cr, "stock_move", line_count)),
        "stock_move_line": iter(reserve_ids(cr, "stock_move_line", line_count)),
    }
    # The sequence sale's next_by_code("sale.order") picks, looked up once.
    order_sequence = env["ir.sequence"].search(
        [("code", "=", "sale.order"), ("company_id", "in", [company.id, False])],
        order="company_id",
        limit=1,
    )
    now = fields.Datetime.now()
    stamp = {"create_date": now, "write_date": now}
    new = defaultdict(list)
    taken = defaultdict(float)
    positions = {}
    notes = []
    customer_of = _Cache(lambda partner: _customer_values(env, company, partner))
    product_of = _Cache(lambda key: _product_values(company, *key))
    for index, order in enumerate(orders):
        order_id = ids["sale_order"][index]
        picking_id = ids["stock_picking"][index]
        reference_id = ids["stock_reference"][index]
        name = order_sequence.next_by_id(sequence_date=order.ordered)
        picking_name = picking_type.sequence_id.next_by_id()
        partner = order.partner
        customer = customer_of[partner]
        fiscal_position = customer["fiscal_position"]
        user = customer["user"]
        new["sale_order"].append(
            dict(
                rows["order"],
                id=order_id,
                name=name,
                partner_id=partner.id,
                partner_invoice_id=customer["invoice"],
                partner_shipping_id=customer["delivery"],
                fiscal_position_id=fiscal_position.id or None,
                payment_term_id=customer["payment_term"],
                user_id=user.id,
                team_id=order.team.id,
                client_order_ref=order.client_order_ref,
                date_order=order.ordered,
                commitment_date=order.delivered,
                effective_date=order.delivered,
                **stamp,
            )
        )
        new["stock_reference"].append(dict(rows["reference"], id=reference_id, name=name, **stamp))
        new["stock_reference_sale_rel"].append({"sale_id": order_id, "reference_id": reference_id})
        new["stock_picking"].append(
            dict(
                rows["picking"],
                id=picking_id,
                name=picking_name,
                origin=name,
                partner_id=partner.id,
                scheduled_date=order.delivered,
                date_deadline=order.delivered,
                date_done=order.delivered,
                sale_id=order_id,
                create_date=order.ordered,
                write_date=now,
            )
        )
        taxed = []
        for product, quantity, discount in order.lines:
            line_id = next(ids["sale_order_line"])
            move_id = next(ids["stock_move"])
            positions[line_id] = (order_id, move_id)
            values = product_of[product, fiscal_position]
            price = values["price"]
            taxed.append((product, values["tax_records"], price, quantity, discount))
            untaxed, total = amounts.line(*taxed[-1])
            new["sale_order_line"].append(
                dict(
                    rows["line"],
                    id=line_id,
                    order_id=order_id,
                    order_partner_id=partner.id,
                    salesman_id=user.id,
                    product_id=product.id,
                    product_uom_id=values["uom"],
                    name=values["name"],
                    product_uom_qty=quantity,
                    price_unit=price,
                    technical_price_unit=price,
                    discount=discount,
                    customer_lead=values["lead"],
                    price_subtotal=untaxed,
                    price_tax=total - untaxed,
                    price_total=total,
                    price_reduce_taxexcl=currency.round(untaxed / quantity),
                    price_reduce_taxinc=currency.round(total / quantity),
                    qty_delivered=quantity,
                    qty_to_invoice=quantity,
                    qty_invoiced=0.0,
                    invoice_status="to invoice",
                    untaxed_amount_invoiced=0.0,
                    untaxed_amount_to_invoice=untaxed,
                    **stamp,
                )
            )
            new["account_tax_sale_order_line_rel"] += [
                {"sale_order_line_id": line_id, "account_tax_id": tax_id}
                for tax_id in values["taxes"]
            ]
            new["stock_move"].append(
                dict(
                    rows["move"],
                    id=move_id,
                    product_id=product.id,
                    product_uom=values["uom"],
                    packaging_uom_id=values["uom"],
                    partner_id=partner.id,
                    picking_id=picking_id,
                    origin=name,
                    reference=picking_name,
                    product_qty=quantity,
                    product_uom_qty=quantity,
                    quantity=quantity,
                    packaging_uom_qty=quantity,
                    date=order.delivered,
                    date_deadline=order.delivered,
                    value=currency.round(quantity * values["cost"]),
                    sale_line_id=line_id,
                    **stamp,
                )
            )
            new["stock_route_move"] += [
                {"move_id": move_id, "route_id": route_id} for route_id in rows["routes"]
            ]
            new["stock_reference_move_rel"].append(
                {"move_id": move_id, "reference_id": reference_id}
            )
            new["stock_move_line"].append(
                dict(
                    rows["move_line"],
                    id=next(ids["stock_move_line"]),
                    picking_id=picking_id,
                    move_id=move_id,
                    product_id=product.id,
                    product_uom_id=values["uom"],
                    quantity=quantity,
                    quantity_product_uom=quantity,
                    date=order.delivered,
                    **stamp,
                )
            )
            taken[product.id] += quantity
        _bases, untaxed, tax, total = amounts.document(partner, taxed)
        new["sale_order"][-1].update(
            amount_untaxed=untaxed,
            amount_tax=tax,
            amount_total=total,
            invoice_status="to invoice",
            delivery_status="full",
        )
        notes.append((picking_id, order_id))
    for table in INSERT_ORDER:
        if new[table]:
            insert_rows(cr, table, new[table])
    if rows["message"]:
        # One recordset, so that the notes read the orders' names in one query.
        noted = Order.browse([order_id for _picking_id, order_id in notes])
        insert_rows(
            cr,
            "mail_message",
            [
                {
                    **{k: v for k, v in rows["message"].items() if k != "id"},
                    "res_id": picking_id,
                    "body": _origin_note(env, order),
                    "message_id": generate_tracking_message_id(f"{picking_id}-stock.picking"),
                    "date": now.replace(microsecond=0),
                    **stamp,
                }
                for (picking_id, _order_id), order in zip(notes, noted, strict=True)
            ],
        )
    _move_stock(cr, rows["picking"], taken, now)
    env.invalidate_all()
    copies = Order.browse(ids["sale_order"])
    return copies


class _Cache(dict):
    """Values computed once per key."""

    def __init__(self, compute):
        super().__init__()
        self.compute = compute

    def __missing__(self, key):
        self[key] = value = self.compute(key)
        return value


def _customer_values(env, company, partner):
    addresses = partner.address_get(["invoice", "delivery"])
    fiscal_positions = env["account.fiscal.position"].with_company(company)
    return {
        "fiscal_position": fiscal_positions._get_fiscal_position(partner),
        "user": partner.user_id or env.user,
        "invoice": addresses["invoice"],
        "delivery": addresses["delivery"],
        "payment_term": partner.property_payment_term_id.id or None,
    }


def _product_values(company, product, fiscal_position):
    taxes = fiscal_position.map_tax(product.taxes_id._filter_taxes_by_company(company))
    return {
        "product": product,
        "tax_records": taxes,
        "taxes": taxes.ids,
        "price": product.lst_price,
        "cost": product.standard_price,
        "uom": product.uom_id.id,
        "name": product.get_product_multiline_description_sale(),
        "lead": product.sale_delay,
    }


def _template_rows(cr, order):
    (sale,) = select_rows(cr, "sale_order", "id = %s", [order.id])
    (line,) = select_rows(cr, "sale_order_line", "order_id = %s ORDER BY id LIMIT 1", [order.id])
    (picking,) = select_rows(cr, "stock_picking", "sale_id = %s", [order.id])
    (move,) = select_rows(cr, "stock_move", "sale_line_id = %s", [line["id"]])
    (move_line,) = select_rows(cr, "stock_move_line", "move_id = %s", [move["id"]])
    (reference,) = select_rows(
        cr,
        "stock_reference",
        "id IN (SELECT reference_id FROM stock_reference_sale_rel WHERE sale_id = %s)",
        [order.id],
    )
    routes = [
        row["route_id"] for row in select_rows(cr, "stock_route_move", "move_id = %s", [move["id"]])
    ]
    messages = select_rows(
        cr,
        "mail_message",
        "model = 'stock.picking' AND res_id = %s ORDER BY id LIMIT 1",
        [picking["id"]],
    )
    return {
        "order": sale,
        "line": line,
        "picking": picking,
        "move": move,
        "move_line": move_line,
        "reference": reference,
        "routes": routes,
        "message": messages[0] if messages else None,
    }


def _origin_note(env, order):
    """The note a delivery gets: "This transfer has been created from" its order."""
    return (
        env["ir.qweb"]
        ._render(
            "mail.message_origin_link",
            {"self": env["stock.picking"], "origin": order, "edit": False},
            minimal_qcontext=True,
        )
        .strip()
    )


def _move_stock(cr, picking, taken, now):
    """Take the delivered quantities out of the warehouse's stock and put them at
    the customers, as validating the deliveries does to the quants (a product's
    first delivery creates its quant at the customers)."""
    for location_id, sign in ((picking["location_id"], -1), (picking["location_dest_id"], 1)):
        cr.execute(
            """SELECT product_id, id FROM stock_quant
                WHERE location_id = %s AND product_id = ANY(%s)
                  AND lot_id IS NULL AND package_id IS NULL AND owner_id IS NULL""",
            [location_id, list(taken)],
        )
        quants = dict(cr.fetchall())
        moved = [
            (quants[product], sign * qty) for product, qty in taken.items() if product in quants
        ]
        if moved:
            cr.execute_values(
                """UPDATE stock_quant q SET quantity = q.quantity + v.quantity, write_date = v.now
                     FROM (VALUES %s) AS v(id, quantity, now) WHERE q.id = v.id""",
                [(*item, now) for item in moved],
                page_size=len(moved),
            )
        (template,) = (
            select_rows(cr, "stock_quant", "id = %s", [quants[next(iter(quants))]])
            if quants
            else (None,)
        )
        missing = [product for product in taken if product not in quants]
        if missing and template:
            insert_rows(
                cr,
                "stock_quant",
                [
                    {
                        **{k: v for k, v in template.items() if k != "id"},
                        "product_id": product,
                        "quantity": sign * taken[product],
                        "reserved_quantity": 0,
                        "in_date": now,
                        "create_date": now,
                        "write_date": now,
                    }
                    for product in missing
                ],
            )
