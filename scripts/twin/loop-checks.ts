/**
 * The quota loop and the cost cap end to end: a recorded alarm event reaches
 * the built enforcer bundle running as its own role, which changes the
 * tenant role through IAM; the tenant's next call (the shipped Lambda
 * bundle) is refused and reported as TenantQuotaExhausted; after the
 * release, calls succeed again. The cost cap likewise, through the Budgets
 * action of the plan.
 */
import * as fs from "fs";
import * as path from "path";
import { check, coldStart, ROOT, withEnv, type Expectation } from "./check-context";
import { lambdaCall } from "./lambda-checks";
import type { TwinFunction } from "./plan-model";
import type { AwsTwin } from "./twin";

const EVENTS = path.join(ROOT, "testing", "fixtures", "alarm-events");

/** A recorded alarm event, stamped now (the enforcer refuses stale events), for `tenantId`. */
function alarmEvent(file: string, tenantId: string): unknown {
    const text = fs.readFileSync(path.join(EVENTS, `${file}.json`), "utf8").split("customer-a").join(tenantId);
    const e = JSON.parse(text);
    e.detail.state.timestamp = new Date().toISOString();
    return e;
}

async function runEnforcer(twin: AwsTwin, file: string, tenantId: string): Promise<string> {
    const enforcer = twin.model.functions.find((f) => f.bundlePath?.endsWith(path.join("enforcer", "index.mjs")));
    check(enforcer, "no plan declares the quota enforcer function");
    const credentials = await twin.credentialsFor(enforcer.roleArn, { service: "lambda.amazonaws.com", sessionName: enforcer.name });
    return withEnv({ ...twin.env(credentials), ...enforcer.environment }, async () => {
        const mod = await coldStart(enforcer.bundlePath!);
        return (await mod.handler(alarmEvent(file, tenantId))).outcome;
    });
}

async function expectBlocked(twin: AwsTwin, fn: TwinFunction, requestId: string): Promise<void> {
    const { response, record } = await lambdaCall(twin, fn, requestId);
    check(response.error?.code === "TenantQuotaExhausted", `the tenant's call was answered ${JSON.stringify(response.error ?? "with a completion")}`);
    check(record?.errorCode === "TenantQuotaExhausted", `the record's errorCode is ${record?.errorCode}`);
}

async function expectServed(twin: AwsTwin, fn: TwinFunction, requestId: string): Promise<void> {
    const { response, record } = await lambdaCall(twin, fn, requestId);
    check(!response.error, `the tenant's call was answered ${JSON.stringify(response.error)}`);
    check(record?.outcome === "success", `the record says ${record?.outcome}`);
}

export function quotaLoopExpectations(twin: () => AwsTwin, fn: TwinFunction): Expectation[] {
    const tenantId = fn.environment.BEDROCK_TENANCY_TENANT_ID;
    const label = `quota loop of ${tenantId}`;
    return [
        {
            name: `${label}: the built enforcer, as its own role, blocks the tenant role on the recorded ALARM event`,
            run: async () => {
                const outcome = await runEnforcer(twin(), "composite-alarm", tenantId);
                check(outcome === "attached", `the enforcer reported ${outcome}`);
            },
        },
        { name: `${label}: the tenant's next call is refused and reported as TenantQuotaExhausted`, run: () => expectBlocked(twin(), fn, "twin-quota-blocked") },
        {
            name: `${label}: after the recorded OK event releases the role, calls succeed again`,
            run: async () => {
                const outcome = await runEnforcer(twin(), "composite-ok", tenantId);
                check(outcome === "detached", `the enforcer reported ${outcome}`);
                await expectServed(twin(), fn, "twin-quota-released");
            },
        },
    ];
}

export function costCapExpectations(twin: () => AwsTwin, fn: TwinFunction, budgetName: string): Expectation[] {
    const tenantId = fn.environment.BEDROCK_TENANCY_TENANT_ID;
    const label = `cost cap of ${tenantId}`;
    return [
        {
            name: `${label}: the Budgets action (as its execution role) attaches the cap and the tenant's next call is reported as TenantQuotaExhausted`,
            run: async () => {
                await twin().budgetAction(budgetName, "apply");
                await expectBlocked(twin(), fn, "twin-cap-blocked");
            },
        },
        {
            name: `${label}: once Budgets reverses the action, calls succeed again`,
            run: async () => {
                await twin().budgetAction(budgetName, "reverse");
                await expectServed(twin(), fn, "twin-cap-released");
            },
        },
    ];
}
