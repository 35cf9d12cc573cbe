import json

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, tagged

from odoo.addons.smart_dairy_base.tests.demo import demo_company_and_day

from .common import AS_OF, GROUP, START, CustomerHistoryMixin


class ClusteringAssertions:
    def clustering(self, company, day):
        return self.env["smart.dairy.customer.clustering"].search(
            [("company_id", "=", company.id), ("clustered_on", "=", day)]
        )

    def assertClustered(self, company, day):
        """One clustering of the day whose clusters hold exactly the day's scores."""
        clustering = self.clustering(company, day)
        self.assertEqual(len(clustering), 1)
        self.assertEqual(clustering.state, "done", clustering.reason)
        scores = self.env["smart.dairy.customer.score"].search(
            [("company_id", "=", company.id), ("score_date", "=", day)]
        )
        self.assertEqual(clustering.customer_count, len(scores))
        self.assertEqual(scores.cluster_id, clustering.cluster_ids, "every cluster has scores")
        self.assertFalse(scores.filtered(lambda s: not s.cluster_id), "every score has a cluster")
        self.assertEqual(clustering.cluster_ids.mapped("number"), list(range(1, clustering.k + 1)))
        for cluster in clustering.cluster_ids:
            members = scores.filtered(lambda s, c=cluster: s.cluster_id == c)
            self.assertEqual(cluster.size, len(members))
            self.assertAlmostEqual(cluster.share, len(members) / len(scores))
            # Means stored to one decimal.
            recency = sum(members.mapped("recency_days")) / len(members)
            self.assertAlmostEqual(cluster.recency_days, recency, delta=0.05)
            health = sum(members.mapped("health")) / len(members)
            self.assertAlmostEqual(cluster.health, health, delta=0.05)
            self.assertIn("days ago", cluster.description)
            self.assertIn(f"Cluster {cluster.number}: ", cluster.display_name)
        candidates = json.loads(clustering.candidates)
        self.assertTrue(-1 <= clustering.silhouette <= 1)
        self.assertAlmostEqual(clustering.silhouette, max(candidates.values()), places=3)
        lines = clustering.candidates_summary.splitlines()
        self.assertEqual(len(lines), len(candidates))
        kept = [line for line in lines if line.endswith("(kept)")]
        self.assertEqual(kept, [f"{clustering.k} clusters: {clustering.silhouette:.3f} (kept)"])
        return clustering, scores


@tagged("post_install", "-at_install")
class TestCustomerClusters(ClusteringAssertions, CustomerHistoryMixin, TransactionCase):
    """The daily scoring clusters a company's customers when the company asks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._customer_history()
        cls.Score = cls.env["smart.dairy.customer.score"]

    def test_scoring_records_the_clustering_and_each_customers_cluster(self):
        self.company.dairy_customer_clustering = True
        self.Score._score_company(self.company, AS_OF)
        clustering, scores = self.assertClustered(self.company, AS_OF)
        self.assertEqual(clustering.requested_k, 0)
        self.assertEqual(set(json.loads(clustering.candidates)), {str(k) for k in range(2, 9)})
        partner = scores[0].partner_id.with_company(self.company)
        self.assertEqual(partner.dairy_cluster_id, scores[0].cluster_id)

    def test_the_companys_number_of_clusters_is_used(self):
        self.company.write({"dairy_customer_clustering": True, "dairy_customer_clusters": 3})
        self.Score._score_company(self.company, AS_OF)
        clustering, _scores = self.assertClustered(self.company, AS_OF)
        self.assertEqual((clustering.requested_k, clustering.k), (3, 3))
        self.assertEqual(list(json.loads(clustering.candidates)), ["3"])

    def test_clustering_off_records_nothing_and_clears_the_days_clustering(self):
        self.assertFalse(self.company.dairy_customer_clustering, "off by default")
        self.Score._score_company(self.company, AS_OF)
        self.assertFalse(self.clustering(self.company, AS_OF))
        self.assertFalse(self.scores(score_date=AS_OF).cluster_id)
        self.company.dairy_customer_clustering = True
        self.Score._score_company(self.company, AS_OF)
        self.assertTrue(self.clustering(self.company, AS_OF))
        self.company.dairy_customer_clustering = False
        self.Score._score_company(self.company, AS_OF)
        self.assertFalse(self.clustering(self.company, AS_OF))
        self.assertFalse(self.scores(score_date=AS_OF).cluster_id)

    def test_rescoring_the_same_day_replaces_the_clustering(self):
        self.company.dairy_customer_clustering = True
        self.Score._score_company(self.company, AS_OF)
        first = self.clustering(self.company, AS_OF)
        self.Score._score_company(self.company, AS_OF)
        second, _scores = self.assertClustered(self.company, AS_OF)
        self.assertFalse(first.exists())
        self.assertNotEqual(second, first)

    def test_too_few_customers_skip_the_clustering_with_the_reason(self):
        # On the first day of the history three customers have ordered once.
        self.company.write({"dairy_customer_clustering": True, "dairy_customer_clusters": 4})
        self.Score._score_company(self.company, START)
        clustering = self.clustering(self.company, START)
        self.assertEqual(clustering.state, "skipped")
        self.assertEqual(clustering.customer_count, 3)
        self.assertIn("4 clusters need 4 customers", clustering.reason)
        self.assertFalse(clustering.cluster_ids)
        self.assertEqual(len(self.scores(score_date=START)), 3)
        self.assertFalse(self.scores(score_date=START).cluster_id)

    def test_the_number_of_clusters_is_automatic_or_two_to_twenty(self):
        for value in (1, 21, -2):
            with self.subTest(value=value), self.assertRaises(ValidationError):
                self.company.dairy_customer_clusters = value
        self.company.dairy_customer_clusters = 20
        self.company.dairy_customer_clusters = 0


@tagged("post_install", "-at_install")
class TestCustomerClustersAccess(ClusteringAssertions, CustomerHistoryMixin, TransactionCase):
    """Clusterings stay in their company; suite users read them, nobody edits them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._customer_history()
        cls.company.dairy_customer_clustering = True
        cls.env["smart.dairy.customer.score"]._score_company(cls.company, AS_OF)
        cls.recorded = cls.env["smart.dairy.customer.clustering"].search(
            [("company_id", "=", cls.company.id)]
        )
        cls.other = cls.env["res.company"].create({"name": "Other Clustering Dairy"})
        cls.plain = cls._user("cluster_plain", "base.group_user")
        cls.reader = cls._user("cluster_reader", f"base.group_user,{GROUP}user")
        cls.analyst = cls._user("cluster_analyst", f"base.group_user,{GROUP}analytics_manager")
        cls.other_analyst = cls._user(
            "cluster_other_analyst", f"base.group_user,{GROUP}analytics_manager", cls.other
        )

    def test_users_outside_the_suite_read_nothing(self):
        for model in ("smart.dairy.customer.clustering", "smart.dairy.customer.cluster"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.plain).search([])

    def test_suite_users_read_clusters_but_nobody_edits_them(self):
        score = self.scores(is_current=True)[0].with_user(self.reader)
        self.assertTrue(score.cluster_id.display_name.startswith("Cluster "))
        self.assertIn(
            self.recorded,
            self.env["smart.dairy.customer.clustering"].with_user(self.reader).search([]),
        )
        with self.assertRaises(AccessError):
            self.recorded.with_user(self.reader).unlink()
        for user in (self.reader, self.analyst):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.recorded.with_user(user).write({"silhouette": 1.0})
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.recorded.cluster_ids[0].with_user(user).write({"size": 0})
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["smart.dairy.customer.clustering"].with_user(user).create(
                    {"company_id": self.company.id, "clustered_on": "2020-01-01"}
                )

    def test_another_companys_analyst_sees_no_clustering_of_this_company(self):
        for records in (self.recorded, self.recorded.cluster_ids):
            model = self.env[records._name].with_user(self.other_analyst)
            self.assertFalse(model.search([("company_id", "=", self.company.id)]))
            with self.assertRaises(AccessError):
                records.with_user(self.other_analyst).read(["company_id"])

    def test_two_companies_keep_their_own_clusterings(self):
        second = self.env["res.company"].create({"name": "Second Clustering Dairy"})
        partners = self.scores(is_current=True).partner_id[:6]
        orders = (
            self.env["sale.order"]
            .with_company(second)
            .create(
                [
                    {
                        "partner_id": partner.id,
                        "company_id": second.id,
                        "date_order": f"2025-0{1 + i % 5}-1{i} 10:00:00",
                        "order_line": [
                            (0, 0, {"product_id": self.product.id, "product_uom_qty": 1 + 9 * i})
                        ],
                    }
                    for i, partner in enumerate(partners)
                ]
            )
        )
        orders.write({"state": "sale"})
        second.write({"dairy_customer_clustering": True, "dairy_customer_clusters": 2})
        Score = self.env["smart.dairy.customer.score"]
        Score._score_company(second, AS_OF)
        theirs, _scores = self.assertClustered(second, AS_OF)
        self.assertEqual((theirs.k, theirs.customer_count), (2, 6))
        self.assertTrue(self.recorded.exists(), "the first company's clustering is untouched")
        self.assertEqual(self.clustering(self.company, AS_OF), self.recorded)
        partner = partners[0]
        self.assertEqual(partner.with_company(second).dairy_cluster_id.clustering_id, theirs)
        self.assertEqual(
            partner.with_company(self.company).dairy_cluster_id.clustering_id, self.recorded
        )


@tagged("post_install", "-at_install")
class TestCustomerClustersDemo(ClusteringAssertions, TransactionCase):
    """On the demo company, the scoring job clusters the customers when asked to."""

    def test_scoring_job_clusters_the_demo_customers(self):
        company, day = demo_company_and_day(self.env)
        if not company or not day:
            self.skipTest("needs the demo data")
        company.write({"dairy_customer_clustering": True, "dairy_customer_clusters": 0})
        self.env["smart.dairy.customer.score"]._cron_score_customers(as_of=day, commit=False)
        clustering, _scores = self.assertClustered(company, day)
        self.assertGreaterEqual(clustering.customer_count, 30)
        self.assertTrue(2 <= clustering.k <= 8)
        self.assertGreater(clustering.silhouette, 0)
