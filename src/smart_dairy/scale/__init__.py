"""Scale data generator: fills an Odoo database for benchmarks with bulk COPY.

Row generation is pure (seeded numpy generators yielding column batches), so it
is testable without Odoo; :mod:`smart_dairy.scale.cli` wires it to a database in
which the Smart Dairy suite is installed.
"""
