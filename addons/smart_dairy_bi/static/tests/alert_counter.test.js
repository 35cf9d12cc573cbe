import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { beforeEach, describe, expect, test } from "@odoo/hoot";
import { animationFrame } from "@odoo/hoot-mock";
import {
    mockService,
    mountWithCleanup,
    onRpc,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";
import { user } from "@web/core/user";
import { AlertCounter } from "@smart_dairy_bi/components/alert_counter/alert_counter.esm";

defineMailModels();

let busCallbacks;

beforeEach(() => {
    busCallbacks = {};
    mockService("bus_service", {
        isActive: true,
        start() {},
        subscribe(type, callback) {
            busCallbacks[type] = callback;
        },
        unsubscribe(type) {
            delete busCallbacks[type];
        },
    });
});

describe("alert counter", () => {
    test("shows the open critical alerts and refreshes after a KPI run", async () => {
        patchWithCleanup(user, { hasGroup: async () => true });
        let count = 3;
        onRpc("smart.dairy.alert", "search_count", ({ args }) => {
            expect(args[0]).toEqual([
                ["state", "=", "open"],
                ["severity", "=", "critical"],
            ]);
            return count;
        });
        await mountWithCleanup(AlertCounter);
        await animationFrame();
        expect(".o_smart_dairy_alert_counter .badge").toHaveText("3");
        count = 0;
        await busCallbacks.smart_dairy_kpi_refreshed();
        await animationFrame();
        expect(".o_smart_dairy_alert_counter .badge").toHaveCount(0);
        expect(".o_smart_dairy_alert_counter button").toHaveAttribute(
            "aria-label",
            "No open critical alert"
        );
    });

    test("stays out of sight for users outside Smart Dairy", async () => {
        patchWithCleanup(user, { hasGroup: async () => false });
        onRpc("smart.dairy.alert", "search_count", () => {
            throw new Error("no count for users outside Smart Dairy");
        });
        await mountWithCleanup(AlertCounter);
        await animationFrame();
        expect(".o_smart_dairy_alert_counter").toHaveCount(0);
    });
});
