import { type CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { show } from "../contract";
import type { QuotaAlarmChange } from "./alarm-event";

/** The state a tenant's composite quota alarm is in when the enforcer asks CloudWatch. */
export interface CurrentAlarmState {
    state: QuotaAlarmChange["state"];
}

/** The alarm's current state could not be read: the role is left as it is. */
export class AlarmStateUnreadable extends Error {
    constructor(readonly reason: string, readonly alarmName: string, options?: { cause?: unknown }) {
        super(`alarm state unreadable: ${reason}`, options);
        this.name = "AlarmStateUnreadable";
    }
}

const STATES: readonly string[] = ["ALARM", "OK", "INSUFFICIENT_DATA"];

/**
 * Reads the current state of the tenant's composite quota alarm. Only a
 * composite alarm is asked for: the component builds each tenant's quota
 * alarm as one, and a metric alarm given the same name is not the tenant's
 * quota, so it reads as missing. Throws {@link AlarmStateUnreadable} when
 * CloudWatch fails, the alarm is missing, or the answer names another alarm
 * or an unknown state.
 */
export async function readAlarmState(cloudwatch: CloudWatchClient, alarmName: string, abortSignal?: AbortSignal): Promise<CurrentAlarmState> {
    let answer;
    try {
        answer = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName], AlarmTypes: ["CompositeAlarm"] }), { abortSignal });
    } catch (e) {
        throw new AlarmStateUnreadable(`DescribeAlarms for ${alarmName} failed (${errorText(e)})`, alarmName, { cause: e });
    }
    // The name is matched here too, so an answer about any other alarm never decides this tenant's role.
    const found = (answer.CompositeAlarms ?? []).filter((a) => a.AlarmName === alarmName);
    if (found.length !== 1) {
        throw new AlarmStateUnreadable(found.length === 0 ? `CloudWatch has no composite alarm named ${alarmName}` : `CloudWatch answered ${found.length} composite alarms named ${alarmName}`, alarmName);
    }
    const [alarm] = found;
    if (alarm.StateValue === undefined || !STATES.includes(alarm.StateValue)) {
        throw new AlarmStateUnreadable(`the composite alarm ${alarmName} is in the state ${show(alarm.StateValue)}, not one of ${STATES.join(", ")}`, alarmName);
    }
    return { state: alarm.StateValue };
}

/** An AWS SDK error as the enforcer's report lines name it. */
export function errorText(e: unknown): string {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
