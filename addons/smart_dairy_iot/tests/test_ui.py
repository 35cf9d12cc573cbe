from odoo.tests import HttpCase, tagged

from .common import IotFleetMixin, IotHttpMixin


@tagged("post_install", "-at_install")
class TestDeviceKanbanTour(IotFleetMixin, IotHttpMixin, HttpCase):
    browser_size = "375x667"
    touch_enabled = True

    def test_device_kanban_on_phone(self):
        self._fleet()
        collar = self.env["smart.dairy.iot.device"].create(
            {"identifier": "iot-tour-collar", "type": "collar", "farm_id": self.farm_a.id}
        )
        token = collar._issue_token()[collar]
        row = {"metric": "activity", "value": 120, "time": self.at(1), "battery": 64}
        self.assertJsonAnswer(self.post("readings", row, token), 200)
        if "odoobot_state" in self.manager_a._fields:
            # OdooBot's welcome chat would cover the whole phone screen
            self.manager_a.odoobot_state = "disabled"
        self.start_tour(
            "/odoo/action-smart_dairy_iot.action_smart_dairy_iot_device",
            "smart_dairy_iot_device_kanban_tour",
            login=self.manager_a.login,
        )
