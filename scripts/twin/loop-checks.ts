/**
 * The quota loop and the cost cap end to end: a recorded alarm event reaches
 * the built enforcer bundle running as its own role, which changes the
 * tenant role through IAM; the tenant's next call (`createTenantChatModel`
 * of the shipped build, as the tenant's runtime role, applying the tenant's
 * guardrail) is refused and recorded as TenantQuotaExhausted; after the
 * release, calls succeed again. The cost cap likewise, through the Budgets
 * action of the plan.
 */
import * as fs from "fs";
import * as path from "path";
import { check, coldStart, guardrailFields, ROOT, withEnv, type ExportedTenant, type Expectation } from "./check-context";
import type { TwinFunction } from "./plan-model";
import type { AwsTwin } from "./twin";

const EVENTS = path.join(ROOT, "testing", "fixtures", "alarm-events");

/** A recorded alarm event, stamped now (the enforcer refuses stale events), for `tenantId`. */
function alarmEvent(file: string, tenantId: string): { detail: { alarmName: string; state: { value: "ALARM" | "OK"; timestamp: string } } } {
    const text = fs.readFileSync(path.join(EVENTS, `${file}.json`), "utf8").split("customer-a").join(tenantId);
    const e = JSON.parse(text);
    e.detail.state.timestamp = new Date().toISOString();
    return e;
}

/** The alarm moves to the recorded event's state, then the enforcer, which reads that state back from CloudWatch, handles the event. */
async function runEnforcer(twin: AwsTwin, file: string, tenantId: string): Promise<string> {
    const enforcer = twin.model.functions.find((f) => f.bundlePath?.endsWith(path.join("enforcer", "index.mjs")));
    check(enforcer, "no plan declares the quota enforcer function");
    const event = alarmEvent(file, tenantId);
    twin.cloudwatch.setAlarm(event.detail.alarmName, event.detail.state.value);
    const credentials = await twin.credentialsFor(enforcer.roleArn, { service: "lambda.amazonaws.com", sessionName: enforcer.name });
    return withEnv({ ...twin.env(credentials), ...enforcer.environment }, async () => {
        const mod = await coldStart(enforcer.bundlePath!);
        return (await mod.handler(event)).outcome;
    });
}

/** One call of the tenant's model as its runtime role, and the call's audit record. */
async function modelCall(twin: AwsTwin, fn: TwinFunction, tenant: ExportedTenant, requestId: string): Promise<{ error?: unknown; record?: Record<string, any> }> {
    const runtime = require(path.join(ROOT, "dist", "runtime", "index.js")) as typeof import("../../runtime");
    const credentials = await twin.credentialsFor(fn.roleArn, { service: "lambda.amazonaws.com" });
    let error: unknown;
    await withEnv(twin.env(credentials, tenant.region), async () => {
        const sink = new runtime.CloudWatchLogsSink({ logGroupName: fn.logGroup!, onWarning: () => undefined });
        const model = runtime.createTenantChatModel({
            sink, env: {}, tenantId: tenant.tenantId, opsRoleArn: tenant.roleArn, externalId: tenant.externalId, allowedModels: tenant.allowedModels,
            defaultModel: tenant.allowedModels[0], modelRoutes: tenant.inferenceProfileArns, bedrockRegion: tenant.region, modelFields: guardrailFields(tenant), onWarning: () => undefined,
        });
        try {
            await model.invoke("Summarise the contract.", { metadata: { userId: "user-17", requestId } });
        } catch (err) {
            error = err;
        } finally {
            await model.auditLogger.flush();
            await sink.close();
        }
    });
    return { error, record: twin.logs.records(fn.logGroup!).find((r) => r.clientRequestId === requestId) };
}

async function expectBlocked(twin: AwsTwin, fn: TwinFunction, tenant: ExportedTenant, requestId: string): Promise<void> {
    const { error, record } = await modelCall(twin, fn, tenant, requestId);
    check(error !== undefined, "the tenant's call was answered with a completion");
    check(record?.errorCode === "TenantQuotaExhausted", `the record's errorCode is ${record?.errorCode}`);
}

async function expectServed(twin: AwsTwin, fn: TwinFunction, tenant: ExportedTenant, requestId: string): Promise<void> {
    const { error, record } = await modelCall(twin, fn, tenant, requestId);
    check(error === undefined, `the tenant's call failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    check(record?.outcome === "success", `the record says ${record?.outcome}`);
}

export function quotaLoopExpectations(twin: () => AwsTwin, fn: TwinFunction, tenant: ExportedTenant): Expectation[] {
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
        { name: `${label}: the tenant's next call is refused and recorded as TenantQuotaExhausted`, run: () => expectBlocked(twin(), fn, tenant, "twin-quota-blocked") },
        {
            name: `${label}: after the recorded OK event releases the role, calls succeed again`,
            run: async () => {
                const outcome = await runEnforcer(twin(), "composite-ok", tenantId);
                check(outcome === "detached", `the enforcer reported ${outcome}`);
                await expectServed(twin(), fn, tenant, "twin-quota-released");
            },
        },
    ];
}

export function costCapExpectations(twin: () => AwsTwin, fn: TwinFunction, tenant: ExportedTenant, budgetName: string): Expectation[] {
    const tenantId = fn.environment.BEDROCK_TENANCY_TENANT_ID;
    const label = `cost cap of ${tenantId}`;
    return [
        {
            name: `${label}: the Budgets action (as its execution role) attaches the cap and the tenant's next call is recorded as TenantQuotaExhausted`,
            run: async () => {
                await twin().budgetAction(budgetName, "apply");
                await expectBlocked(twin(), fn, tenant, "twin-cap-blocked");
            },
        },
        {
            name: `${label}: once Budgets reverses the action, calls succeed again`,
            run: async () => {
                await twin().budgetAction(budgetName, "reverse");
                await expectServed(twin(), fn, tenant, "twin-cap-released");
            },
        },
    ];
}
