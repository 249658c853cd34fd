import { show, tenantOfQuotaAlarm } from "../contract";

/** What the enforcer takes from an EventBridge `CloudWatch Alarm State Change` event, and nothing more. */
export interface QuotaAlarmChange {
    tenantId: string;
    alarmName: string;
    state: "ALARM" | "OK" | "INSUFFICIENT_DATA";
    /** When the alarm entered `state`. */
    stateTime: Date;
}

/** An event the enforcer will not act on; `reason` names the field and the value received. */
export class QuotaEventRefused extends Error {
    constructor(readonly reason: string, readonly alarmName?: string) {
        super(`quota event refused: ${reason}`);
        this.name = "QuotaEventRefused";
    }
}

const STATES = ["ALARM", "OK", "INSUFFICIENT_DATA"] as const;

function field(value: unknown, key: string): unknown {
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** Reads one alarm state change; throws {@link QuotaEventRefused} for anything else. */
export function parseAlarmChange(event: unknown): QuotaAlarmChange {
    if (field(event, "source") !== "aws.cloudwatch" || field(event, "detail-type") !== "CloudWatch Alarm State Change") {
        throw new QuotaEventRefused(`source and detail-type must be "aws.cloudwatch" and "CloudWatch Alarm State Change", got ${show(field(event, "source"))} and ${show(field(event, "detail-type"))}`);
    }
    const detail = field(event, "detail");
    const alarmName = field(detail, "alarmName");
    const tenantId = tenantOfQuotaAlarm(alarmName);
    if (tenantId === undefined) {
        throw new QuotaEventRefused(`detail.alarmName is not a tenant's quota alarm, got ${show(alarmName)}`, typeof alarmName === "string" ? alarmName : undefined);
    }
    const state = field(field(detail, "state"), "value");
    if (!STATES.includes(state as (typeof STATES)[number])) {
        throw new QuotaEventRefused(`detail.state.value must be one of ${STATES.join(", ")}, got ${show(state)}`, alarmName as string);
    }
    const stamp = field(field(detail, "state"), "timestamp") ?? field(event, "time");
    const stateTime = typeof stamp === "string" ? new Date(stamp) : new Date(NaN);
    if (Number.isNaN(stateTime.getTime())) {
        throw new QuotaEventRefused(`detail.state.timestamp must be an ISO time, got ${show(stamp)}`, alarmName as string);
    }
    return { tenantId, alarmName: alarmName as string, state: state as QuotaAlarmChange["state"], stateTime };
}
