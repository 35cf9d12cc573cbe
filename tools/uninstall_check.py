"""Run by `odoo-bin shell`: uninstall the suite and check nothing of it is left behind."""
# ruff: noqa: F821  (env is provided by the shell)

modules = env["ir.module.module"].search(
    [("name", "=like", "smart_dairy_%"), ("state", "=", "installed")]
)
assert len(modules) == 4, f"expected the 4 addons installed, found {modules.mapped('name')}"
modules.button_immediate_uninstall()
env.cr.execute(
    "SELECT name FROM ir_module_module"
    " WHERE name LIKE 'smart\\_dairy\\_%' AND state != 'uninstalled'"
)
left = env.cr.fetchall()
assert not left, f"still installed after uninstall: {left}"
env.cr.execute("SELECT count(*) FROM ir_model WHERE model LIKE 'smart.dairy.%'")
assert env.cr.fetchone()[0] == 0, "models of the suite are still registered"
env.cr.execute("SELECT count(*) FROM pg_views WHERE viewname LIKE 'smart\\_dairy\\_%'")
assert env.cr.fetchone()[0] == 0, "fact views of the suite are still in the database"
print("SMART_DAIRY_UNINSTALL_OK")
