import { DeleteRolePolicyCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { ArgumentError, QUOTA_BLOCK_POLICY_NAME, QUOTA_ENFORCER_ENV, blockedRoleName, endOfUtcMonth, quotaBlockPolicy } from "../contract";
import { QuotaEventRefused, parseAlarmChange } from "./alarm-event";

/**
 * The quota enforcer: turns a tenant's composite quota alarm into the
 * presence or absence of one inline deny policy on that tenant's ops role.
 * It keeps nothing between events and reads nothing but the event: the
 * alarm's current state alone decides the role's state, so a repeated event
 * rewrites the same policy (or deletes an absent one) and changes nothing.
 */

export type Outcome = "attached" | "detached" | "unchanged" | "refused";

export interface EnforcementReport {
    outcome: Outcome;
    tenantId?: string;
    roleName?: string;
    alarmName?: string;
    state?: string;
    reason?: string;
}

export interface EnforcerOptions {
    /** IAM client; the default one honours `AWS_ENDPOINT_URL_IAM`. */
    iam?: IAMClient;
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
    const now = options.now ?? Date.now;
    const maxAgeMs = maxAgeFrom(options) * 1000;
    const report = options.report ?? ((line: string) => void process.stdout.write(`${line}\n`));

    const refuse = (reason: string, extra: Partial<EnforcementReport> = {}): never => {
        const r: EnforcementReport = { outcome: "refused", ...extra, reason };
        report(JSON.stringify({ level: "ERROR", ...r }));
        // Thrown so that the invocation counts as failed: the Lambda Errors metric and its failure destination see it.
        throw new QuotaEventRefused(reason, extra.alarmName);
    };

    return async (event: unknown): Promise<EnforcementReport> => {
        let change;
        try {
            change = parseAlarmChange(event);
        } catch (e) {
            return refuse(e instanceof QuotaEventRefused ? e.reason : String(e), { alarmName: e instanceof QuotaEventRefused ? e.alarmName : undefined });
        }
        const roleName = blockedRoleName(change.tenantId);
        const base = { tenantId: change.tenantId, roleName, alarmName: change.alarmName, state: change.state };
        const age = now() - change.stateTime.getTime();
        if (age > maxAgeMs) {
            return refuse(`the alarm entered ${change.state} at ${change.stateTime.toISOString()}, ${Math.round(age / 1000)} s ago, over the ${maxAgeMs / 1000} s limit: a newer state may already be applied`, base);
        }
        let outcome: Outcome;
        try {
            if (change.state === "ALARM") {
                // The block lapses by itself when the longest quota period (the UTC month) rolls over.
                const document = quotaBlockPolicy(endOfUtcMonth(change.stateTime).toISOString());
                await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: QUOTA_BLOCK_POLICY_NAME, PolicyDocument: JSON.stringify(document) }));
                outcome = "attached";
            } else if (change.state === "OK") {
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
