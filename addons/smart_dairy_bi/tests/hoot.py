"""Running an addon's hoot (JS unit) suite in headless Chromium from an HttpCase."""


def hoot_suite_id(text):
    """Id of a hoot suite, as /web/tests expects it (see web/tests/test_js.py)."""
    value = 0
    for char in text:
        value = ((value << 5) - value + ord(char)) & 0xFFFFFFFF
    return f"{value:08x}"


def run_hoot(case, suite, timeout):
    """Run the hoot suite ``suite`` (e.g. "@smart_dairy_bi") as admin; ``case`` fails
    when a test of it fails."""
    case.browser_js(
        f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&id={hoot_suite_id(suite)}",
        "",
        "",
        login="admin",
        timeout=timeout,
        success_signal="[HOOT] Test suite succeeded",
        error_checker=lambda message: "[HOOT]" not in message,
    )
