import json

from smart_dairy import customers as engine

from odoo import api, fields, models

STATES = [("done", "Clustered"), ("skipped", "Skipped")]


class SmartDairyCustomerClustering(models.Model):
    """One K-means clustering of a company's customers on their RFM values, made by
    the scoring of that day when the company turns clustering on: the number of
    clusters, its silhouette score and each cluster's centre, so a manager can judge
    it; or why it was skipped. Only the system writes these records."""

    _name = "smart.dairy.customer.clustering"
    _description = "Customer Clustering"
    _order = "clustered_on desc, id desc"
    _rec_name = "clustered_on"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    clustered_on = fields.Date(required=True, readonly=True, index=True)
    state = fields.Selection(STATES, required=True, readonly=True, default="done")
    reason = fields.Text(readonly=True, help="Why the customers were not clustered.")
    requested_k = fields.Integer(
        "Requested Clusters",
        readonly=True,
        help="The company's setting; 0 chose the number with the best silhouette score.",
    )
    k = fields.Integer("Clusters", readonly=True)
    silhouette = fields.Float(
        "Silhouette Score",
        digits=(4, 3),
        readonly=True,
        aggregator="avg",
        help="From -1 to 1: how much closer customers are to their own cluster than to "
        "the next one. Above 0.5 the clusters are well apart; near 0 they overlap.",
    )
    candidates = fields.Text(
        "Silhouette per Number of Clusters (JSON)", readonly=True, help="Every number tried."
    )
    candidates_summary = fields.Text(
        "Silhouette per Number of Clusters", compute="_compute_candidates_summary"
    )
    customer_count = fields.Integer("Customers", readonly=True)
    cluster_ids = fields.One2many("smart.dairy.customer.cluster", "clustering_id", readonly=True)

    _company_day_unique = models.Constraint(
        "UNIQUE(company_id, clustered_on)",
        "A company has one customer clustering per day.",
    )

    @api.depends("candidates", "k")
    @api.depends_context("lang")
    def _compute_candidates_summary(self):
        for clustering in self:
            scores = json.loads(clustering.candidates or "{}")
            clustering.candidates_summary = "\n".join(
                self.env._("%(k)s clusters: %(score).3f (kept)", k=k, score=score)
                if int(k) == clustering.k
                else self.env._("%(k)s clusters: %(score).3f", k=k, score=score)
                for k, score in scores.items()
            )

    @api.model
    def _replace(self, company, as_of):
        """Remove the company's clustering of ``as_of`` (its scores are replaced)."""
        self.sudo().search([("company_id", "=", company.id), ("clustered_on", "=", as_of)]).unlink()

    @api.model
    def _record(self, company, as_of, table):
        """Cluster the RFM ``table`` of the company's customers when the company turns
        clustering on, record the clustering, and return {customer id: cluster}."""
        if not company.dairy_customer_clustering:
            return {}
        requested = company.dairy_customer_clusters
        result = engine.cluster(table, k=requested or None)
        vals = {
            "company_id": company.id,
            "clustered_on": as_of,
            "requested_k": requested,
            "customer_count": len(table),
        }
        if result.skipped:
            self.sudo().create({**vals, "state": "skipped", "reason": result.skipped})
            return {}
        health = table["health"].groupby(result.labels).mean()
        clustering = self.sudo().create(
            {
                **vals,
                "k": result.k,
                "silhouette": result.silhouette,
                "candidates": json.dumps(
                    {str(k): round(score, 4) for k, score in result.candidates.items()}
                ),
                "cluster_ids": [
                    fields.Command.create(
                        {
                            "number": int(number),
                            "size": int(row.size),
                            "share": float(row.share),
                            "recency_days": float(row.recency_days),
                            "frequency": float(row.frequency),
                            "monetary": float(row.monetary),
                            "health": float(health[number]),
                        }
                    )
                    for number, row in zip(
                        result.centres.index, result.centres.itertuples(), strict=True
                    )
                ],
            }
        )
        by_number = {cluster.number: cluster for cluster in clustering.cluster_ids}
        return {int(customer): by_number[int(number)] for customer, number in result.labels.items()}
