import { createEnforcer } from "./enforcer";

export { createEnforcer, DEFAULT_MAX_EVENT_AGE_SECONDS, type EnforcementReport, type EnforcerOptions, type Outcome } from "./enforcer";
export { QuotaEventRefused, parseAlarmChange, type QuotaAlarmChange } from "./alarm-event";
export { AlarmStateUnreadable, readAlarmState, type CurrentAlarmState } from "./alarm-state";

/** The Lambda entry point: one enforcer per container. */
export const handler = createEnforcer();
