"""Run by `odoo-bin shell`: uninstall the suite and check nothing of it is left behind."""

modules = env["ir.module.module"].search([("name", "=like", "smart_dairy_%"), ("state", "=", "installed")])  # noqa: F821
assert len(modules) == 4, f"expected the 4 addons installed, found {modules.mapped('name')}"
modules.button_immediate_uninstall()
env.cr.execute(  # noqa: F821
    "SELECT name, state FROM ir_module_module WHERE name LIKE 'smart\\_dairy\\_%' AND state != 'uninstalled'"
)
left = env.cr.fetchall()  # noqa: F821
assert not left, f"still installed after uninstall: {left}"
env.cr.execute("SELECT count(*) FROM ir_model WHERE model LIKE 'smart.dairy.%'")  # noqa: F821
assert env.cr.fetchone()[0] == 0, "models of the suite are still registered"  # noqa: F821
print("SMART_DAIRY_UNINSTALL_OK")
