import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DeleteRolePolicyCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { ArgumentError, QUOTA_BLOCK_POLICY_NAME, QUOTA_ENFORCER_ENV, blockedRoleName, quotaBlockPolicy } from "../contract";
import { QuotaEventRefused, parseAlarmChange } from "./alarm-event";
import { AlarmStateUnreadable, errorText, readAlarmState } from "./alarm-state";

/**
 * The quota enforcer: turns a tenant's composite quota alarm into the
 * presence or absence of one inline deny policy on that tenant's ops role.
 * Whoever may invoke the function, or put or replay events on the bus, can
 * write any state into an event, so the event only names the alarm: the
 * state acted on is the one CloudWatch reports for that alarm when the event
 * is handled. A forged OK for a tenant in ALARM therefore blocks rather than
 * unblocks, and a replayed or late event, however old, applies the alarm's
 * state of now, which is what the role should reflect anyway: an ALARM
 * delivered late, or retried for hours, still blocks. When that state cannot
 * be read, or IAM refuses the change, the role is left as it is and the
 * invocation fails with an ERROR line, so Lambda retries it and the Errors
 * metric shows it: nothing is unblocked on a state the enforcer has not seen.
 * It keeps nothing between events, so a repeated event rewrites the same
 * policy (or deletes an absent one).
 */

export type Outcome = "attached" | "detached" | "unchanged" | "refused";

export interface EnforcementReport {
    outcome: Outcome;
    tenantId?: string;
    roleName?: string;
    alarmName?: string;
    /** The alarm's current state, as CloudWatch reported it: the one acted on. */
    state?: string;
    /** The state the event claimed, when it differs from the current one. */
    eventState?: string;
    /** How long ago, in seconds, the event says the alarm entered its state, when that is over the late limit. */
    lateSeconds?: number;
    reason?: string;
}

/** What Lambda hands the handler besides the event: the time left, so the enforcer reports before Lambda stops it. */
export interface EnforcerContext {
    getRemainingTimeInMillis(): number;
}

export interface EnforcerOptions {
    /** IAM client; the default one honours `AWS_ENDPOINT_URL_IAM`. */
    iam?: IAMClient;
    /** CloudWatch client the alarm's current state is read with; the default one honours `AWS_ENDPOINT_URL_CLOUDWATCH`. */
    cloudwatch?: CloudWatchClient;
    /** Clock. @default Date.now */
    now?: () => number;
    /**
     * Events whose state is older than this are still acted on (with the
     * alarm's state of now, as every event is) and reported at WARN with
     * `lateSeconds`: a delivery or retry that slow is worth a look.
     * @default 900 (seconds), or `QUOTA_MAX_EVENT_AGE_SECONDS`
     */
    maxEventAgeSeconds?: number;
    /** Where reports go, one JSON line each. @default process.stdout */
    report?: (line: string) => void;
}

export const DEFAULT_MAX_EVENT_AGE_SECONDS = 900;

/**
 * Time kept before Lambda's own timeout to write the ERROR line and fail: a
 * call still waiting then is abandoned, so a hung endpoint shows as the
 * enforcer's error, not as a bare "Task timed out".
 */
export const ENFORCER_DEADLINE_MARGIN_MS = 1000;

/** Per attempt: IAM and CloudWatch answer these calls in well under a second. */
const CLIENT_TIMEOUTS = { connectionTimeout: 1000, requestTimeout: 3000 };

function maxAgeFrom(options: EnforcerOptions): number {
    const fromEnv = process.env[QUOTA_ENFORCER_ENV.maxEventAgeSeconds];
    const raw = options.maxEventAgeSeconds ?? (fromEnv ? Number(fromEnv) : DEFAULT_MAX_EVENT_AGE_SECONDS);
    if (!Number.isInteger(raw) || raw < 1) {
        throw new ArgumentError(`maxEventAgeSeconds (QUOTA_MAX_EVENT_AGE_SECONDS) must be a whole number of seconds above 0, got ${JSON.stringify(raw)}`);
    }
    return raw;
}

/** Builds the handler; every dependency is injected or defaulted once, per container. */
export function createEnforcer(options: EnforcerOptions = {}): (event: unknown, context?: EnforcerContext) => Promise<EnforcementReport> {
    const iam = options.iam ?? new IAMClient({ requestHandler: new NodeHttpHandler(CLIENT_TIMEOUTS) });
    const cloudwatch = options.cloudwatch ?? new CloudWatchClient({ requestHandler: new NodeHttpHandler(CLIENT_TIMEOUTS) });
    const now = options.now ?? Date.now;
    const maxAgeMs = maxAgeFrom(options) * 1000;
    const report = options.report ?? ((line: string) => void process.stdout.write(`${line}\n`));

    const refuse = (reason: string, extra: Partial<EnforcementReport> = {}, error: Error = new QuotaEventRefused(reason, extra.alarmName)): never => {
        const r: EnforcementReport = { outcome: "refused", ...extra, reason };
        report(JSON.stringify({ level: "ERROR", ...r }));
        // Thrown so that the invocation counts as failed: the Lambda Errors metric and its failure destination see it.
        throw error;
    };

    return async (event: unknown, context?: EnforcerContext): Promise<EnforcementReport> => {
        let change;
        try {
            change = parseAlarmChange(event);
        } catch (e) {
            return refuse(e instanceof QuotaEventRefused ? e.reason : String(e), { alarmName: e instanceof QuotaEventRefused ? e.alarmName : undefined });
        }
        const roleName = blockedRoleName(change.tenantId);
        const named = { tenantId: change.tenantId, roleName, alarmName: change.alarmName };
        const age = now() - change.stateTime.getTime();
        // However old or young, a replay or a forgery decides nothing: only the alarm's state of now does.
        const late = age > maxAgeMs ? { lateSeconds: Math.round(age / 1000) } : {};
        const abortSignal = deadlineOf(context);
        let current;
        try {
            current = await readAlarmState(cloudwatch, change.alarmName, abortSignal);
        } catch (e) {
            if (e instanceof AlarmStateUnreadable) {
                return refuse(`${e.reason}: the role is left as it is`, { ...named, eventState: change.state, ...late }, e);
            }
            throw e;
        }
        const base = { ...named, state: current.state, ...(current.state === change.state ? {} : { eventState: change.state }), ...late };
        let outcome: Outcome;
        try {
            if (current.state === "ALARM") {
                // No end date: the block holds while the alarm is in ALARM, however long, and goes with its OK.
                const document = quotaBlockPolicy();
                await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: QUOTA_BLOCK_POLICY_NAME, PolicyDocument: JSON.stringify(document) }), { abortSignal });
                outcome = "attached";
            } else if (current.state === "OK") {
                outcome = await detach(iam, roleName, abortSignal);
            } else {
                // Missing data says nothing about usage: keep whatever the last ALARM or OK decided.
                outcome = "unchanged";
            }
        } catch (e) {
            if (isNoSuchEntity(e)) {
                return refuse(`no role ${roleName}: the alarm names a tenant this account does not have`, base);
            }
            const step = current.state === "ALARM" ? `PutRolePolicy (the block) on ${roleName}` : `DeleteRolePolicy (the block) on ${roleName}`;
            return refuse(`${step} failed (${errorText(e)}): the role is left as it was`, base, e instanceof Error ? e : new Error(errorText(e)));
        }
        const r: EnforcementReport = { outcome, ...base };
        report(JSON.stringify({ level: "lateSeconds" in late ? "WARN" : "INFO", ...r }));
        return r;
    };
}

/** Aborts the invocation's calls {@link ENFORCER_DEADLINE_MARGIN_MS} before Lambda would stop it; none without a Lambda context. */
function deadlineOf(context: EnforcerContext | undefined): AbortSignal | undefined {
    let remaining: unknown;
    try {
        remaining = typeof context?.getRemainingTimeInMillis === "function" ? context.getRemainingTimeInMillis() : undefined;
    } catch {
        return undefined;
    }
    return typeof remaining === "number" && Number.isFinite(remaining) ? AbortSignal.timeout(Math.max(1, remaining - ENFORCER_DEADLINE_MARGIN_MS)) : undefined;
}

async function detach(iam: IAMClient, roleName: string, abortSignal: AbortSignal | undefined): Promise<Outcome> {
    try {
        await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: QUOTA_BLOCK_POLICY_NAME }), { abortSignal });
        return "detached";
    } catch (e) {
        const message = String((e as { message?: string }).message ?? "");
        // IAM answers NoSuchEntity for a missing role ("The role with name …") and for a
        // missing policy ("The role policy with name …"); only the latter means already detached.
        if (isNoSuchEntity(e) && /\brole policy\b/i.test(message)) {
            return "unchanged";
        }
        throw e;
    }
}

/** The SDK names the error after its shape (NoSuchEntityException); the wire code is NoSuchEntity. */
function isNoSuchEntity(e: unknown): boolean {
    const name = (e as { name?: string }).name;
    return name === "NoSuchEntity" || name === "NoSuchEntityException";
}
