from smart_dairy.iot import mosquitto

from odoo import api, fields, models
from odoo.exceptions import UserError


class SmartDairyIotBrokerFiles(models.TransientModel):
    """Mosquitto's password file and ACL made from the device registry: each device may
    publish only to its own topics, the subscriber's user reads them all."""

    _name = "smart.dairy.iot.broker.files"
    _description = "MQTT Broker Files"

    subscriber_user = fields.Char(
        required=True,
        default="ingest",
        help="The broker user of the smart-dairy-mqtt subscriber: add its password with "
        "mosquitto_passwd (Odoo never sees it).",
    )
    password_file = fields.Text(readonly=True)
    acl_file = fields.Text("ACL File", readonly=True)

    @api.model
    def _accounts(self):
        devices = self.env["smart.dairy.iot.device"].search(
            [("token_state", "=", "active"), ("mqtt_password_hash", "!=", False)]
        )
        return [
            mosquitto.BrokerAccount(d.identifier, d.farm_id.code, d.mqtt_password_hash)
            for d in devices
        ]

    def action_generate(self):
        """Fill both files from the active devices with a token."""
        self.ensure_one()
        accounts = self._accounts()
        try:
            self.write(
                {
                    "password_file": mosquitto.password_file(accounts),
                    "acl_file": mosquitto.acl_file(accounts, self.subscriber_user),
                }
            )
        except ValueError as error:
            raise UserError(self.env._("The broker files cannot be made: %s", error)) from error
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "new",
        }
