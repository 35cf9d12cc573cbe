import { Component, onWillDestroy, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { user } from "@web/core/user";

const OPEN_CRITICAL = [
    ["state", "=", "open"],
    ["severity", "=", "critical"],
];

/** Systray bell with the number of open critical alerts; opens them on click. */
export class AlertCounter extends Component {
    static template = "smart_dairy_bi.AlertCounter";
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ visible: false, count: 0 });
        // Runs evaluate the alert rules: a finished run may change the count.
        const bus = useService("bus_service");
        const refresh = () => this.load();
        bus.subscribe("smart_dairy_kpi_refreshed", refresh);
        onWillDestroy(() => bus.unsubscribe("smart_dairy_kpi_refreshed", refresh));
        onWillStart(async () => {
            this.state.visible = await user.hasGroup("smart_dairy_base.group_smart_dairy_user");
            await this.load();
        });
    }

    async load() {
        if (!this.state.visible) {
            return;
        }
        this.state.count = await this.orm.searchCount("smart.dairy.alert", OPEN_CRITICAL);
    }

    async open() {
        await this.action.doAction("smart_dairy_bi.smart_dairy_alert_action", {
            additionalContext: { search_default_critical: 1 },
        });
    }
}

registry
    .category("systray")
    .add("smart_dairy_bi.alert_counter", { Component: AlertCounter }, { sequence: 30 });
