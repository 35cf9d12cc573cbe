import json

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import content_disposition, request


class DashboardExport(http.Controller):
    """Download of a dashboard, as filtered, in one of its export formats."""

    @http.route(
        "/smart_dairy/dashboard/<int:dashboard_id>/export/<string:fmt>",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def export(self, dashboard_id, fmt, filters=None):
        Dashboard = request.env["smart.dairy.dashboard"]
        try:
            parsed = json.loads(filters) if filters else None
        except ValueError:
            return _error(400, request.env._("The filters are not valid JSON."))
        if parsed is not None and not isinstance(parsed, dict):
            return _error(400, request.env._("The filters must be a JSON object."))
        try:
            name, mimetype, content = Dashboard._export_file(dashboard_id, parsed, fmt)
        except AccessError as error:
            return _error(403, str(error))
        except UserError as error:
            return _error(400, str(error))
        return request.make_response(
            content,
            headers=[
                ("Content-Type", mimetype),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(name)),
            ],
        )


def _error(status, message):
    return request.make_json_response({"error": message}, status=status)
