"""Sensor ingestion engine: validation, exactly-once bulk writes, storage, queries, MQTT.

The Odoo addon ``smart_dairy_iot`` turns its device registry into the plain
dataclasses of :mod:`.devices` and calls these modules; nothing here imports Odoo.
"""
