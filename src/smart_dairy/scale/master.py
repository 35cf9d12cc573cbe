"""Master data of a scale run: companies, catalogue, sales teams and customers.

Master rows are few, so they are written with plain parameterised SQL and
:func:`smart_dairy.db.copy_rows`. Every record carries a ``SDS`` marker
(product code, partner reference, user login) so a second run reuses what the
first one made instead of duplicating it.
"""

import datetime
import json
from dataclasses import dataclass

import numpy as np
from smart_dairy import db
from smart_dairy.quality import GradeThresholds
from smart_dairy.scale import bulk

# What the generator writes into: farm tables, sales with stock fields, taxes.
REQUIRED_MODULES = ("smart_dairy_base", "sale_management", "sale_stock", "account")
MARK = "SDS"

# (code, name, category, uom xmlid, list price, unit cost, typical quantity per line)
CATALOGUE = (
    ("MILK-WHOLE", "Whole Milk 1 L", "Milk", "product_uom_unit", 1.10, 0.62, 120),
    ("MILK-SEMI", "Semi-Skimmed Milk 1 L", "Milk", "product_uom_unit", 1.05, 0.58, 100),
    ("MILK-SKIM", "Skimmed Milk 1 L", "Milk", "product_uom_unit", 0.99, 0.52, 60),
    ("MILK-ORG", "Organic Whole Milk 1 L", "Milk", "product_uom_unit", 1.60, 0.90, 40),
    ("MILK-LF", "Lactose-Free Milk 1 L", "Milk", "product_uom_unit", 1.75, 0.95, 30),
    ("MILK-UHT", "UHT Milk 1 L", "Milk", "product_uom_unit", 1.15, 0.60, 150),
    ("MILK-BULK", "Bulk Raw Milk", "Milk", "product_uom_litre", 0.45, 0.33, 2000),
    ("YOG-NAT", "Natural Yogurt 500 g", "Yogurt", "product_uom_unit", 1.40, 0.70, 60),
    ("YOG-GRK", "Greek Yogurt 500 g", "Yogurt", "product_uom_unit", 2.20, 1.10, 40),
    ("YOG-FRT", "Fruit Yogurt 4 x 125 g", "Yogurt", "product_uom_unit", 1.90, 0.95, 50),
    ("YOG-DRK", "Drinking Yogurt 250 ml", "Yogurt", "product_uom_unit", 0.95, 0.45, 80),
    ("CHS-CHED", "Cheddar Block", "Cheese", "product_uom_kgm", 9.50, 5.80, 15),
    ("CHS-GOUDA", "Gouda Wheel", "Cheese", "product_uom_kgm", 8.90, 5.20, 12),
    ("CHS-MOZZ", "Mozzarella 125 g", "Cheese", "product_uom_unit", 1.20, 0.60, 70),
    ("CHS-FETA", "Feta 200 g", "Cheese", "product_uom_unit", 2.40, 1.30, 30),
    ("CHS-CRM", "Cream Cheese 200 g", "Cheese", "product_uom_unit", 1.80, 0.90, 35),
    ("BUT-250", "Butter 250 g", "Butter & Cream", "product_uom_unit", 2.60, 1.60, 50),
    ("CRM-WHIP", "Whipping Cream 200 ml", "Butter & Cream", "product_uom_unit", 1.30, 0.70, 40),
    ("CRM-SOUR", "Sour Cream 200 ml", "Butter & Cream", "product_uom_unit", 1.10, 0.55, 30),
    ("BUT-GHEE", "Ghee 500 g", "Butter & Cream", "product_uom_unit", 6.50, 3.90, 10),
    ("ICE-VAN", "Vanilla Ice Cream 1 L", "Ice Cream", "product_uom_unit", 4.20, 2.10, 20),
    ("ICE-CHOC", "Chocolate Ice Cream 1 L", "Ice Cream", "product_uom_unit", 4.40, 2.20, 18),
)
# (code, name, unit cost per kg, kg per lactating cow and day)
FEEDS = (
    ("FEED-SIL", "Maize Silage", 0.05, 30.0),
    ("FEED-HAY", "Grass Hay", 0.12, 6.0),
    ("FEED-CONC", "Dairy Concentrate", 0.38, 8.0),
    ("FEED-MIN", "Mineral Mix", 1.10, 0.25),
)
DAIRY_CATEGORIES = ("Milk", "Yogurt", "Cheese", "Butter & Cream", "Ice Cream")
SALESPEOPLE_PER_TEAM = 2


class SuiteMissing(Exception):
    """The target database cannot take a scale run."""


@dataclass(frozen=True)
class Company:
    id: int
    name: str
    currency_id: int
    warehouse_id: int | None
    tax_id: int | None
    tax_rate: float
    thresholds: GradeThresholds


@dataclass(frozen=True)
class Catalogue:
    """Saleable products as parallel arrays (index = position in CATALOGUE)."""

    product_ids: np.ndarray
    uom_ids: np.ndarray
    list_prices: np.ndarray
    qty_scales: np.ndarray
    labels: tuple


@dataclass(frozen=True)
class Customers:
    """Customers as parallel arrays: partner, company index, team and salesperson."""

    partner_ids: np.ndarray
    company_index: np.ndarray
    team_ids: np.ndarray
    user_ids: np.ndarray


def check_suite(cur):
    """Raise SuiteMissing unless the Smart Dairy modules are installed."""
    if not db.table_exists(cur, "ir_module_module"):
        raise SuiteMissing("this database is not an Odoo database (no ir_module_module table)")
    cur.execute(
        "SELECT name FROM ir_module_module WHERE state = 'installed' AND name = ANY(%s)",
        [list(REQUIRED_MODULES)],
    )
    missing = set(REQUIRED_MODULES) - {row[0] for row in cur.fetchall()}
    if missing:
        raise SuiteMissing(
            "the Smart Dairy suite is not installed in this database (missing: "
            + ", ".join(sorted(missing))
            + "); install it first: odoo-bin -d <db> -i smart_dairy_base,smart_dairy_bi"
        )


def check_columns(cur, table, columns):
    """Fail clearly when ``table`` has a NOT NULL column without default we do not fill."""
    cur.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = %s
              AND is_nullable = 'NO' AND column_default IS NULL""",
        [table],
    )
    missing = {row[0] for row in cur.fetchall()} - set(columns)
    if missing:
        raise SuiteMissing(
            f"table {table} has required columns the generator does not fill: "
            + ", ".join(sorted(missing))
            + " (the installed modules are newer than the generator)"
        )


def xmlid(cur, module, name):
    cur.execute("SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s", [module, name])
    row = cur.fetchone()
    return row and row[0]


def companies(cur, count):
    """The first ``count`` companies, with what the generator needs of them."""
    cur.execute(
        """SELECT c.id, c.name, c.currency_id,
                  (SELECT MIN(w.id) FROM stock_warehouse w WHERE w.company_id = c.id),
                  t.id, t.amount,
                  c.dairy_premium_max_scc, c.dairy_premium_min_fat,
                  c.dairy_premium_min_protein, c.dairy_grade_a_max_scc, c.dairy_grade_b_max_scc
             FROM res_company c
             LEFT JOIN account_tax t
                    ON t.id = c.account_sale_tax_id AND t.amount_type = 'percent'
                   AND COALESCE(t.price_include_override, 'tax_excluded') = 'tax_excluded'
            WHERE c.active
            ORDER BY c.id LIMIT %s""",
        [count],
    )
    rows = cur.fetchall()
    if len(rows) < count:
        raise SuiteMissing(
            f"--companies {count} needs {count} companies but the database has {len(rows)}; "
            "create the other companies in Odoo (Settings > Companies) first"
        )
    return [
        Company(
            id=row[0],
            name=row[1],
            currency_id=row[2],
            warehouse_id=row[3],
            tax_id=row[4],
            tax_rate=float(row[5] or 0.0),
            thresholds=GradeThresholds(
                premium_max_scc=row[6],
                premium_min_fat=float(row[7]),
                premium_min_protein=float(row[8]),
                grade_a_max_scc=row[9],
                grade_b_max_scc=row[10],
            ),
        )
        for row in rows
    ]


def admin_uid(cur):
    return xmlid(cur, "base", "user_admin") or 2


def regions(cur):
    """Active dairy regions as (id, name), by code."""
    cur.execute(
        """SELECT id, COALESCE(name->>'en_US', code) FROM smart_dairy_region
            WHERE active ORDER BY code"""
    )
    rows = cur.fetchall()
    if not rows:
        raise SuiteMissing("no active dairy region: smart_dairy_base data is missing")
    return rows


def _category(cur, name, parent_id, uid):
    cur.execute(
        "SELECT id FROM product_category WHERE name = %s AND parent_id IS NOT DISTINCT FROM %s",
        [name, parent_id],
    )
    row = cur.fetchone()
    if row:
        return row[0]
    if parent_id:
        cur.execute(
            "SELECT complete_name, parent_path FROM product_category WHERE id = %s", [parent_id]
        )
        parent_name, parent_path = cur.fetchone()
        complete_name = f"{parent_name} / {name}"
    else:
        complete_name, parent_path = name, ""
    cur.execute(
        """INSERT INTO product_category
               (name, complete_name, parent_id, create_uid, write_uid, create_date, write_date)
           VALUES (%s, %s, %s, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')
           RETURNING id""",
        [name, complete_name, parent_id, uid, uid],
    )
    new_id = cur.fetchone()[0]
    cur.execute(
        "UPDATE product_category SET parent_path = %s WHERE id = %s",
        [f"{parent_path}{new_id}/", new_id],
    )
    return new_id


def _products(cur, items, companies_, uid):
    """Create missing products; return {code: (product_id, uom_id)}.

    ``items`` yields (code, name, category_id, uom_id, list price, cost, saleable).
    """
    found = {}
    for code, name, categ_id, uom_id, price, cost, saleable in items:
        default_code = f"{MARK}-{code}"
        cur.execute(
            """SELECT p.id, t.uom_id FROM product_product p
                 JOIN product_template t ON t.id = p.product_tmpl_id
                WHERE p.default_code = %s ORDER BY p.id LIMIT 1""",
            [default_code],
        )
        row = cur.fetchone()
        if not row:
            cur.execute(
                """INSERT INTO product_template
                       (name, type, service_tracking, tracking, uom_id, categ_id, list_price,
                        sale_ok, purchase_ok, active, is_storable, sale_delay, invoice_policy,
                        expense_policy, default_code, sequence, create_uid, write_uid,
                        create_date, write_date)
                   VALUES (%s, 'consu', 'no', 'none', %s, %s, %s, %s, TRUE, TRUE, TRUE, 0,
                           'delivery', 'no', %s, 1, %s, %s,
                           now() at time zone 'UTC', now() at time zone 'UTC')
                   RETURNING id""",
                [
                    json.dumps({"en_US": name}),
                    uom_id,
                    categ_id,
                    price,
                    saleable,
                    default_code,
                    uid,
                    uid,
                ],
            )
            template_id = cur.fetchone()[0]
            costs = {str(company.id): cost for company in companies_}
            cur.execute(
                """INSERT INTO product_product
                       (product_tmpl_id, default_code, standard_price, active,
                        combination_indices, create_uid, write_uid, create_date, write_date)
                   VALUES (%s, %s, %s, TRUE, '', %s, %s,
                           now() at time zone 'UTC', now() at time zone 'UTC')
                   RETURNING id""",
                [template_id, default_code, json.dumps(costs), uid, uid],
            )
            row = (cur.fetchone()[0], uom_id)
        found[code] = row
    return found


def catalogue(cur, companies_, uid):
    """Dairy categories and products (saleable) and feed products; idempotent."""
    dairy = _category(cur, "Dairy", None, uid)
    categories = {name: _category(cur, name, dairy, uid) for name in DAIRY_CATEGORIES}
    uoms = {
        name: xmlid(cur, "uom", name)
        for name in ("product_uom_unit", "product_uom_litre", "product_uom_kgm")
    }
    found = _products(
        cur,
        (
            (code, name, categories[categ], uoms[uom], price, cost, True)
            for code, name, categ, uom, price, cost, _qty in CATALOGUE
        ),
        companies_,
        uid,
    )
    feed_category = _category(cur, "Feed", None, uid)
    feeds = _products(
        cur,
        (
            (code, name, feed_category, uoms["product_uom_kgm"], 0.0, cost, False)
            for code, name, cost, _kg in FEEDS
        ),
        companies_,
        uid,
    )
    products = Catalogue(
        product_ids=np.array([found[item[0]][0] for item in CATALOGUE], dtype=np.int64),
        uom_ids=np.array([found[item[0]][1] for item in CATALOGUE], dtype=np.int64),
        list_prices=np.array([item[4] for item in CATALOGUE]),
        qty_scales=np.array([item[6] for item in CATALOGUE], dtype=np.float64),
        labels=tuple(f"[{MARK}-{item[0]}] {item[1]}" for item in CATALOGUE),
    )
    return products, [feeds[item[0]][0] for item in FEEDS]


def _partner(cur, name, company_id, region_id, uid, ref=None, share=True, email=None):
    cur.execute(
        """INSERT INTO res_partner
               (name, complete_name, company_id, dairy_region_id, ref, email, type, is_company,
                active, lang, customer_rank, supplier_rank, partner_share, autopost_bills,
                create_uid, write_uid, create_date, write_date)
           VALUES (%s, %s, %s, %s, %s, %s, 'contact', FALSE, TRUE, 'en_US', 0, 0, %s, 'ask',
                   %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')
           RETURNING id""",
        [name, name, company_id, region_id, ref, email, share, uid, uid],
    )
    partner_id = cur.fetchone()[0]
    cur.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = %s", [partner_id])
    return partner_id


def _salesperson(cur, company, index, region_id, groups, uid):
    login = f"{MARK.lower()}.sales.{company.id}.{index}"
    cur.execute("SELECT id FROM res_users WHERE login = %s", [login])
    row = cur.fetchone()
    if row:
        return row[0]
    name = f"Scale Salesperson {company.id}-{index:02d}"
    partner_id = _partner(
        cur, name, company.id, region_id, uid, share=False, email=f"{login}@example.com"
    )
    cur.execute(
        """INSERT INTO res_users
               (login, partner_id, company_id, active, share, notification_type,
                create_uid, write_uid, create_date, write_date)
           VALUES (%s, %s, %s, TRUE, FALSE, 'email', %s, %s,
                   now() at time zone 'UTC', now() at time zone 'UTC')
           RETURNING id""",
        [login, partner_id, company.id, uid, uid],
    )
    user_id = cur.fetchone()[0]
    cur.execute(
        "INSERT INTO res_company_users_rel (cid, user_id) VALUES (%s, %s)", [company.id, user_id]
    )
    for group_id in groups:
        cur.execute(
            "INSERT INTO res_groups_users_rel (gid, uid) VALUES (%s, %s)", [group_id, user_id]
        )
    return user_id


def sales_teams(cur, companies_, regions_, uid):
    """One sales team per company and region with its salespeople; idempotent.

    Returns {(company id, region id): (team id, [salesperson user ids])}.
    """
    groups = [
        gid
        for gid in (
            xmlid(cur, "base", "group_user"),
            xmlid(cur, "sales_team", "group_sale_salesman"),
        )
        if gid
    ]
    teams = {}
    for company in companies_:
        for position, (region_id, region_name) in enumerate(regions_):
            users = [
                _salesperson(
                    cur, company, position * SALESPEOPLE_PER_TEAM + k + 1, region_id, groups, uid
                )
                for k in range(SALESPEOPLE_PER_TEAM)
            ]
            team_name = f"Scale {region_name}"
            cur.execute(
                "SELECT id FROM crm_team WHERE name->>'en_US' = %s AND company_id = %s",
                [team_name, company.id],
            )
            row = cur.fetchone()
            if row:
                team_id = row[0]
            else:
                cur.execute(
                    """INSERT INTO crm_team (name, company_id, user_id, active, sequence, color,
                                             create_uid, write_uid, create_date, write_date)
                       VALUES (%s, %s, %s, TRUE, 10, %s, %s, %s,
                               now() at time zone 'UTC', now() at time zone 'UTC')
                       RETURNING id""",
                    [
                        json.dumps({"en_US": team_name}),
                        company.id,
                        users[0],
                        position + 1,
                        uid,
                        uid,
                    ],
                )
                team_id = cur.fetchone()[0]
                for user_id in users:
                    cur.execute(
                        """INSERT INTO crm_team_member (crm_team_id, user_id, active,
                                                        create_uid, write_uid)
                           VALUES (%s, %s, TRUE, %s, %s)""",
                        [team_id, user_id, uid, uid],
                    )
                    cur.execute(
                        "UPDATE res_users SET sale_team_id = %s WHERE id = %s", [team_id, user_id]
                    )
            teams[company.id, region_id] = (team_id, users)
    return teams


CUSTOMER_KINDS = ("Dairy Shop", "Supermarket", "Cafe", "Hotel", "School", "Bakery", "Deli")
CITIES = (
    "Riverton",
    "Lakeside",
    "Hillview",
    "Oakford",
    "Millbrook",
    "Stonebridge",
    "Greenfield",
    "Fairhaven",
    "Ashby",
    "Brookdale",
)


def customers(cur, companies_, regions_, teams, count, seed, uid):
    """At least ``count`` customers spread over companies and regions; idempotent.

    Customers belong to one company (company_id set), have a dairy region, and
    are followed by a salesperson of that region's team.
    """
    rng = np.random.default_rng([seed, 11])
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
    per_company = -(-count // len(companies_))
    for company in companies_:
        cur.execute(
            "SELECT COUNT(*) FROM res_partner WHERE ref LIKE %s AND company_id = %s",
            [f"{MARK}-C{company.id}-%", company.id],
        )
        existing = cur.fetchone()[0]
        missing = max(per_company - existing, 0)
        if not missing:
            continue
        first = bulk.reserve_ids(cur, "res_partner", missing)
        region_pick = rng.integers(0, len(regions_), missing)
        kinds = rng.integers(0, len(CUSTOMER_KINDS), missing)
        cities = rng.integers(0, len(CITIES), missing)
        rows = []
        for k in range(missing):
            number = existing + k + 1
            region_id = regions_[region_pick[k]][0]
            _team_id, users = teams[company.id, region_id]
            name = f"{CITIES[cities[k]]} {CUSTOMER_KINDS[kinds[k]]} {company.id}-{number:05d}"
            partner_id = first + k
            rows.append(
                (
                    partner_id,
                    name,
                    name,
                    company.id,
                    region_id,
                    f"{MARK}-C{company.id}-{number:05d}",
                    f"customer{company.id}.{number}@example.com",
                    CITIES[cities[k]],
                    "contact",
                    True,
                    True,
                    "en_US",
                    1,
                    0,
                    True,
                    "ask",
                    partner_id,
                    users[k % len(users)],
                    uid,
                    uid,
                    now,
                    now,
                )
            )
        db.copy_rows(
            cur,
            "res_partner",
            [
                "id",
                "name",
                "complete_name",
                "company_id",
                "dairy_region_id",
                "ref",
                "email",
                "city",
                "type",
                "is_company",
                "active",
                "lang",
                "customer_rank",
                "supplier_rank",
                "partner_share",
                "autopost_bills",
                "commercial_partner_id",
                "user_id",
                "create_uid",
                "write_uid",
                "create_date",
                "write_date",
            ],
            rows,
        )
    bulk.fix_sequence(cur, "res_partner")
    return read_customers(cur, companies_, teams, per_company)


def read_customers(cur, companies_, teams, per_company):
    """The first ``per_company`` scale customers of each company, ordered by id."""
    index = {company.id: position for position, company in enumerate(companies_)}
    cur.execute(
        """SELECT id, company_id, dairy_region_id, user_id FROM (
               SELECT id, company_id, dairy_region_id, user_id,
                      row_number() OVER (PARTITION BY company_id ORDER BY id) AS rank
                 FROM res_partner WHERE ref LIKE %s AND company_id = ANY(%s)) ranked
            WHERE rank <= %s ORDER BY id""",
        [f"{MARK}-C%", list(index), per_company],
    )
    rows = cur.fetchall()
    return Customers(
        partner_ids=np.array([row[0] for row in rows], dtype=np.int64),
        company_index=np.array([index[row[1]] for row in rows], dtype=np.int64),
        team_ids=np.array([teams[row[1], row[2]][0] for row in rows], dtype=np.int64),
        user_ids=np.array([row[3] for row in rows], dtype=np.int64),
    )
