import json
import logging

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import content_disposition, request

from ..models.smart_dairy_request import InvalidRequest

_logger = logging.getLogger(__name__)


class DashboardExport(http.Controller):
    """Download of a dashboard, as filtered, in one of its export formats. Every
    error answers JSON (this route is called by scripts too), never an HTML page."""

    @http.route(
        "/smart_dairy/dashboard/<int:dashboard_id>/export/<string:fmt>",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def export(self, dashboard_id, fmt, filters=None, **unknown):
        unknown.pop("debug", None)
        if unknown:
            return _error(400, request.env._("Unknown parameters: %s", ", ".join(sorted(unknown))))
        Dashboard = request.env["smart.dairy.dashboard"]
        try:
            parsed = json.loads(filters) if filters else None
        except (ValueError, RecursionError):
            return _error(400, request.env._("The filters are not valid JSON."), "filters")
        if parsed is not None and not isinstance(parsed, dict):
            return _error(400, request.env._("The filters must be a JSON object."), "filters")
        try:
            name, mimetype, content = Dashboard._export_file(dashboard_id, parsed, fmt)
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
