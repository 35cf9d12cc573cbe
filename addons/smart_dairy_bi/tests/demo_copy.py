from psycopg2 import sql

from odoo.tests import TransactionCase


class _Rollback(Exception):
    pass


class DemoCopyCase(TransactionCase):
    """A company of its own with a chart of accounts, and the means to compare a
    document made by the ORM (then rolled back) with its SQL copy."""

    company_name = "Proof Dairy"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env["res.company"].create({"name": cls.company_name})
        chart = cls.env.company.chart_template or "generic_coa"
        cls.env["account.chart.template"].try_loading(chart, company, install_demo=False)
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=company.ids, tracking_disable=True)
        )
        cls.company = company
        cls.demo = cls.env["smart.dairy.bi.demo"].with_company(company)

    def _rows(self, table, where, params, order="id"):
        query = sql.SQL("SELECT * FROM {} WHERE {} ORDER BY {}").format(
            sql.Identifier(table), sql.SQL(where), sql.Identifier(order)
        )
        self.env.cr.execute(query, params)
        names = [column.name for column in self.env.cr.description]
        return [dict(zip(names, row, strict=True)) for row in self.env.cr.fetchall()]

    def _orm_then_copy(self, by_orm, by_copy, snapshot):
        """``snapshot()`` after ``by_orm()`` (rolled back), then after ``by_copy()``."""
        try:
            with self.env.cr.savepoint():
                made = by_orm()
                orm_rows = snapshot(made)
                raise _Rollback
        except _Rollback:
            self.env.invalidate_all()
        return orm_rows, snapshot(by_copy())

    def assertSameRows(self, by_orm, by_copy, may_be_empty=()):
        self.maxDiff = None
        for table, rows in by_orm.items():
            self.assertTrue(rows or table in may_be_empty, table)
            self.assertEqual(by_copy[table], rows, table)
