import json

from odoo import models
from odoo.exceptions import UserError
from odoo.http import request

from .smart_dairy_request import InvalidRequest


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _handle_error(cls, exception):
        """JSON-2 errors of the suite's models without the server's traceback; a
        malformed request also names its field, its problem and the limit it hit."""
        if isinstance(exception, RecursionError) and _suite_json2_call():
            # json.loads gives up on a body nested too deeply: the client's doing.
            body = {"name": "BadRequest", "message": "The JSON body is nested too deeply."}
            return request.make_json_response(body, status=400)
        response = super()._handle_error(exception)
        if not _suite_json2_call() or response.mimetype != "application/json":
            return response
        body = json.loads(response.get_data())
        body.pop("debug", None)
        if isinstance(exception, InvalidRequest):
            body.update(field=exception.field, problem=exception.problem, limit=exception.limit)
        elif response.status_code >= 500 and not isinstance(exception, UserError):
            body.update(message="Internal server error; the server log has the details.")
            body.pop("arguments", None)
        response.set_data(json.dumps(body))
        return response


def _suite_json2_call():
    dispatcher = getattr(request, "dispatcher", None)
    return getattr(dispatcher, "routing_type", None) == "json2" and (
        request.httprequest.path.startswith("/json/2/smart.dairy.")
    )
