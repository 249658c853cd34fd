/**
 * The settings a customer's throttle alarm may take: the component refuses
 * any other as an argument, and the verifier refuses an alarm in a plan that
 * holds one, so an alarm the component could not have built is never read as
 * the component's.
 */
import { integerProblem, show, type Problem } from "./validation";

/** CloudWatch caps `period × evaluationPeriods` at one day. */
export const ALARM_MAX_EVALUATION_SECONDS = 86400;
/** The shortest period CloudWatch evaluates. */
const ALARM_MIN_PERIOD_SECONDS = 10;
/**
 * The most throttled calls in one period the alarm may wait for. Each call
 * Bedrock throttles is one audit record counted once; an alarm waiting for
 * more than this many in one period is one that never fires in practice,
 * which is as silent as an alarm removed.
 */
export const THROTTLE_ALARM_MAX_THRESHOLD = 100_000;
/** What the alarm makes of a period with no records: no calls is not a throttling problem. */
export const THROTTLE_ALARM_MISSING_DATA = "notBreaching";

/** Why `value` cannot be the alarm's threshold: a number above 0 and at most {@link THROTTLE_ALARM_MAX_THRESHOLD}. */
export function throttleThresholdProblem(argName: string, value: unknown): Problem {
    if (!(typeof value === "number" && Number.isFinite(value) && value > 0)) return `${argName} must be a number above 0, got ${show(value)}`;
    return value <= THROTTLE_ALARM_MAX_THRESHOLD ? undefined : `${argName} must be at most ${THROTTLE_ALARM_MAX_THRESHOLD} throttled calls in one period (more is an alarm that never fires), got ${show(value)}`;
}

/** Why `value` cannot be the alarm's period: 10, 30 or a multiple of 60 seconds. */
export function alarmPeriodProblem(argName: string, value: unknown): Problem {
    const ok = value === ALARM_MIN_PERIOD_SECONDS || value === 30 || (typeof value === "number" && Number.isInteger(value) && value >= 60 && value % 60 === 0);
    return ok ? undefined : `${argName} must be 10, 30 or a multiple of 60, got ${show(value)}`;
}

/** Why `value` cannot be the alarm's count of evaluation periods. */
export function evaluationPeriodsProblem(argName: string, value: unknown): Problem {
    return integerProblem(argName, value, 1, ALARM_MAX_EVALUATION_SECONDS / ALARM_MIN_PERIOD_SECONDS);
}

/** Why `period × count` is longer than CloudWatch evaluates. */
export function evaluationSpanProblem(periodName: string, countName: string, period: number, count: number): Problem {
    return period * count <= ALARM_MAX_EVALUATION_SECONDS ? undefined : `${periodName} × ${countName} must be at most ${ALARM_MAX_EVALUATION_SECONDS} s, got ${period} × ${count}`;
}
