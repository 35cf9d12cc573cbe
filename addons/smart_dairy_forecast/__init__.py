from . import models


def uninstall_hook(env):
    """Forget the customers' segments (they would no longer be rescored) and have the
    KPIs broken down by segment recomputed without them."""
    env.cr.execute("UPDATE res_partner SET dairy_segment = NULL WHERE dairy_segment IS NOT NULL")
    dimension = env.ref("smart_dairy_bi.dimension_segment", raise_if_not_found=False)
    if dimension:
        env["smart.dairy.kpi"].search([("dimension_ids", "in", dimension.ids)])._schedule_backfill()
