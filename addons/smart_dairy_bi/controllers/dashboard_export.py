import json
import logging

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import content_disposition, request

from ..models.smart_dairy_request import InvalidRequest

_logger = logging.getLogger(__name__)


class DashboardExport(http.Controller):
    """Download of a dashboard, as filtered, in one of its export formats. Every
    error answers JSON (this route is called by scripts too), never an HTML page.

    ``companies`` (ids, comma-separated, the current one first) are the companies
    the figures cover, as ``allowed_company_ids`` does for the screen and JSON-2;
    without it, every company of the user, as JSON-2 without a context. ``widget``
    (an id) exports that widget alone (CSV and JSON)."""

    @http.route(
        "/smart_dairy/dashboard/<int:dashboard_id>/export/<string:fmt>",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def export(self, dashboard_id, fmt, filters=None, companies=None, widget=None, **unknown):
        unknown.pop("debug", None)
        if unknown:
            return _error(400, request.env._("Unknown parameters: %s", ", ".join(sorted(unknown))))
        try:
            company_ids = [int(cid) for cid in companies.split(",")] if companies else None
        except ValueError:
            return _error(
                400, request.env._("The companies must be ids separated by commas."), "companies"
            )
        Dashboard = request.env["smart.dairy.dashboard"]
        if company_ids:
            if set(company_ids) - set(request.env.user._get_company_ids()):
                return _error(403, request.env._("Access to unauthorized or invalid companies."))
            Dashboard = Dashboard.with_context(allowed_company_ids=company_ids)
        try:
            parsed = json.loads(filters) if filters else None
        except (ValueError, RecursionError):
            return _error(400, request.env._("The filters are not valid JSON."), "filters")
        if parsed is not None and not isinstance(parsed, dict):
            return _error(400, request.env._("The filters must be a JSON object."), "filters")
        try:
            widget_id = int(widget) if widget else None
        except ValueError:
            return _error(400, request.env._("The widget must be an id."), "widget")
        try:
            name, mimetype, content = Dashboard._export_file(dashboard_id, parsed, fmt, widget_id)
        except InvalidRequest as error:
            return _error(422, str(error), error.field, error.problem, error.limit)
        except AccessError as error:
            return _error(403, str(error))
        except UserError as error:
            return _error(400, str(error))
        except Exception:
            _logger.exception("Export of dashboard %s as %s failed", dashboard_id, fmt)
            return _error(500, request.env._("The export failed; the server log has the details."))
        return request.make_response(
            content,
            headers=[
                ("Content-Type", mimetype),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(name)),
            ],
        )


def _error(status, message, field=None, problem=None, limit=None):
    body = {"error": message}
    if field:
        body.update(field=field, problem=problem or message, limit=limit)
    return request.make_json_response(body, status=status)
