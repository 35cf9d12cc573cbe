from odoo import api, models
from odoo.exceptions import AccessError

USER_GROUP = "smart_dairy_base.group_smart_dairy_user"
FARM_MANAGER_GROUP = "smart_dairy_base.group_smart_dairy_farm_manager"
ANALYTICS_MANAGER_GROUP = "smart_dairy_base.group_smart_dairy_analytics_manager"


class SmartDairyAccessMixin(models.AbstractModel):
    """Access checks every suite model shares, since each public method is an API.

    - Record rules are checked again on the records as they are *after* a write:
      Odoo checks them before only, so moving a record to another company (or
      owner) the caller may not write to would otherwise succeed.
    - ``_system_fields`` name the fields only the system writes (through ``sudo``),
      as are read-only computed and related fields: users get an AccessError
      when they create or write them, whatever the views show.
    - ``_check_caller`` is the first line of every public action method.
    """

    _name = "smart.dairy.access.mixin"
    _description = "Smart Dairy access checks"

    _system_fields = frozenset()

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._check_system_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_system_fields(vals)
        result = super().write(vals)
        if not self.env.su:
            self.check_access("write")
        return result

    def _check_system_fields(self, vals):
        """Refuse values for ``_system_fields`` and for fields the system computes
        (read-only computed or related fields, such as a grade or a company)."""
        forbidden = sorted(
            name
            for name in vals
            if name in self._system_fields
            or ((field := self._fields.get(name)) and field.compute and field.readonly)
        )
        if forbidden:
            raise AccessError(
                self.env._(
                    "%(fields)s of %(model)s are set by the system, not by hand.",
                    fields=", ".join(self._fields[name].string for name in forbidden),
                    model=self._description,
                )
            )

    def _check_caller(self, group, operation="read"):
        """The caller belongs to ``group`` (xmlid) and may ``operation`` these records."""
        if self.env.su:
            return
        if not self.env.user.has_group(group):
            raise AccessError(
                self.env._(
                    "Only the %(group)s group may do this on %(model)s.",
                    group=self.env.ref(group).sudo().full_name,
                    model=self._description,
                )
            )
        # One answer for records that do not exist and records one may not touch.
        if self.exists() != self or not self.has_access(operation):
            raise AccessError(
                self.env._(
                    "These %(model)s records do not exist or are not yours to %(operation)s.",
                    model=self._description,
                    operation=operation,
                )
            )
