import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DeleteRolePolicyCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { ArgumentError, QUOTA_BLOCK_POLICY_NAME, QUOTA_ENFORCER_ENV, blockedRoleName, endOfUtcMonth, quotaBlockPolicy } from "../contract";
import { QuotaEventRefused, parseAlarmChange } from "./alarm-event";
import { AlarmStateUnreadable, readAlarmState } from "./alarm-state";

/**
 * The quota enforcer: turns a tenant's composite quota alarm into the
 * presence or absence of one inline deny policy on that tenant's ops role.
 * Whoever may invoke the function, or put or replay events on the bus, can
 * write any state into an event, so the event only names the alarm: the
 * state acted on is the one CloudWatch reports for that alarm when the event
 * is handled. A forged OK for a tenant in ALARM therefore blocks rather than
 * unblocks, and a replayed event, however old, applies the alarm's state of
 * now, which is what the role should reflect anyway. When that state cannot
 * be read the role is left as it is and the invocation fails, so Lambda
 * retries it and the Errors metric shows it: nothing is unblocked on a
 * state the enforcer has not seen. It keeps nothing between events, so a
 * repeated event rewrites the same policy (or deletes an absent one).
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
    reason?: string;
}

export interface EnforcerOptions {
    /** IAM client; the default one honours `AWS_ENDPOINT_URL_IAM`. */
    iam?: IAMClient;
    /** CloudWatch client the alarm's current state is read with; the default one honours `AWS_ENDPOINT_URL_CLOUDWATCH`. */
    cloudwatch?: CloudWatchClient;
    /** Clock. @default Date.now */
    now?: () => number;
    /**
     * Events whose state is older than this are refused: a late, stale event
     * must not undo a newer one it was overtaken by.
     * @default 900 (seconds), or `QUOTA_MAX_EVENT_AGE_SECONDS`
     */
    maxEventAgeSeconds?: number;
    /** Where reports go, one JSON line each. @default process.stdout */
    report?: (line: string) => void;
}

export const DEFAULT_MAX_EVENT_AGE_SECONDS = 900;

function maxAgeFrom(options: EnforcerOptions): number {
    const fromEnv = process.env[QUOTA_ENFORCER_ENV.maxEventAgeSeconds];
    const raw = options.maxEventAgeSeconds ?? (fromEnv ? Number(fromEnv) : DEFAULT_MAX_EVENT_AGE_SECONDS);
    if (!Number.isInteger(raw) || raw < 1) {
        throw new ArgumentError(`maxEventAgeSeconds (QUOTA_MAX_EVENT_AGE_SECONDS) must be a whole number of seconds above 0, got ${JSON.stringify(raw)}`);
    }
    return raw;
}

/** Builds the handler; every dependency is injected or defaulted once, per container. */
export function createEnforcer(options: EnforcerOptions = {}): (event: unknown) => Promise<EnforcementReport> {
    const iam = options.iam ?? new IAMClient({});
    const cloudwatch = options.cloudwatch ?? new CloudWatchClient({});
    const now = options.now ?? Date.now;
    const maxAgeMs = maxAgeFrom(options) * 1000;
    const report = options.report ?? ((line: string) => void process.stdout.write(`${line}\n`));

    const refuse = (reason: string, extra: Partial<EnforcementReport> = {}, error: Error = new QuotaEventRefused(reason, extra.alarmName)): never => {
        const r: EnforcementReport = { outcome: "refused", ...extra, reason };
        report(JSON.stringify({ level: "ERROR", ...r }));
        // Thrown so that the invocation counts as failed: the Lambda Errors metric and its failure destination see it.
        throw error;
    };

    return async (event: unknown): Promise<EnforcementReport> => {
        let change;
        try {
            change = parseAlarmChange(event);
        } catch (e) {
            return refuse(e instanceof QuotaEventRefused ? e.reason : String(e), { alarmName: e instanceof QuotaEventRefused ? e.alarmName : undefined });
        }
        const roleName = blockedRoleName(change.tenantId);
        const named = { tenantId: change.tenantId, roleName, alarmName: change.alarmName };
        const age = now() - change.stateTime.getTime();
        if (age > maxAgeMs) {
            return refuse(`the alarm entered ${change.state} at ${change.stateTime.toISOString()}, ${Math.round(age / 1000)} s ago, over the ${maxAgeMs / 1000} s limit: a newer state may already be applied`, { ...named, state: change.state });
        }
        // A younger event may still be a replay or a forgery: only the alarm's state of now decides.
        let current;
        try {
            current = await readAlarmState(cloudwatch, change.alarmName);
        } catch (e) {
            if (e instanceof AlarmStateUnreadable) {
                return refuse(`${e.reason}: the role is left as it is`, { ...named, eventState: change.state }, e);
            }
            throw e;
        }
        const base = { ...named, state: current.state, ...(current.state === change.state ? {} : { eventState: change.state }) };
        let outcome: Outcome;
        try {
            if (current.state === "ALARM") {
                // The block lapses by itself when the longest quota period (the UTC month) rolls over. The month
                // is the one the alarm is in ALARM in now: the event's time may be forged or replayed.
                const document = quotaBlockPolicy(endOfUtcMonth(new Date(now())).toISOString());
                await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: QUOTA_BLOCK_POLICY_NAME, PolicyDocument: JSON.stringify(document) }));
                outcome = "attached";
            } else if (current.state === "OK") {
                outcome = await detach(iam, roleName);
            } else {
                // Missing data says nothing about usage: keep whatever the last ALARM or OK decided.
                outcome = "unchanged";
            }
        } catch (e) {
            if (isNoSuchEntity(e)) {
                return refuse(`no role ${roleName}: the alarm names a tenant this account does not have`, base);
            }
            throw e;
        }
        const r: EnforcementReport = { outcome, ...base };
        report(JSON.stringify({ level: "INFO", ...r }));
        return r;
    };
}

async function detach(iam: IAMClient, roleName: string): Promise<Outcome> {
    try {
        await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: QUOTA_BLOCK_POLICY_NAME }));
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
