/**
 * Component arguments that cannot be read (a revoked Proxy, a getter that
 * throws), at the top or nested, and `null` for any option (which every
 * check would read as left out), are refused at preview with an ArgumentError naming the argument,
 * before any resource: not a TypeError from inside a checker.
 */
import { BedrockTenantAccess } from "../../components/bedrock-tenant-access/bedrock-tenant-access";
import { BedrockTenantFleet } from "../../components/bedrock-tenant-fleet/bedrock-tenant-fleet";
import { PrivateInvocationLogging } from "../../components/private-invocation-logging/private-invocation-logging";
import { QuotaEnforcer } from "../../components/quota-enforcer/quota-enforcer";
import { assertRefusedBeforeResources } from "../support/argument-errors";
import { CUSTOMER_A_ACCOUNT, customerAArgs, fixtureBundle } from "../support/customer-fixtures";
import { HAIKU, OPS_ACCOUNT } from "../../testing/tenant-access-fixtures";

function revoked(): object {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
}

function throwing(base: object, key: string): object {
    return Object.defineProperty({ ...base }, key, {
        enumerable: true,
        get() {
            throw new Error("boom");
        },
    });
}

const ENFORCER = `arn:aws:lambda:us-east-1:${OPS_ACCOUNT}:function:qe-function`;
const tenantA = { tenantId: "customer-a", accounts: [CUSTOMER_A_ACCOUNT], models: [HAIKU] };
const access = (args: unknown) => () => new BedrockTenantAccess("t", args as never);
const fleet = (args: unknown) => () => new BedrockTenantFleet("fleet", args as never);
const logging = (args: Record<string, unknown>) => () => new PrivateInvocationLogging("l", { ...customerAArgs({ lambdaBundlePath: fixtureBundle() }), ...args });
const READ = /cannot be read \((TypeError: Cannot perform '\w+' on a proxy that has been revoked|Error: boom)\)$/;
const named = (name: string) => new RegExp(`^${name.replace(/[.[\]()]/g, "\\$&")} ${READ.source}`);

const CASES: [string, () => unknown, RegExp][] = [
    ["BedrockTenantAccess: the arguments a revoked Proxy", access(revoked()), named("args")],
    ["BedrockTenantAccess: a getter that throws on region (read before the check)", access(throwing(tenantA, "region")), named("region")],
    ["BedrockTenantAccess: guardrail a revoked Proxy", access({ ...tenantA, guardrail: revoked() }), named("guardrail")],
    ["BedrockTenantAccess: a getter that throws in budget", access({ ...tenantA, budget: throwing({ limitUsd: 5 }, "emails") }), named("budget.emails")],
    ["BedrockTenantAccess: quota.perModel a revoked Proxy", access({ ...tenantA, quota: { perModel: revoked(), enforcerFunctionArn: ENFORCER } }), named("quota.perModel")],
    ["BedrockTenantAccess: a per-model limit a revoked Proxy", access({ ...tenantA, quota: { perModel: { [HAIKU]: revoked() }, enforcerFunctionArn: ENFORCER } }), named(`quota.perModel.${HAIKU}`)],
    ["BedrockTenantAccess: accounts a revoked Proxy", access({ ...tenantA, accounts: revoked() }), named("accounts")],
    ["BedrockTenantAccess: guardrail null", access({ ...tenantA, guardrail: null }), /^guardrail must be omitted \(or undefined\) to take its default, got null$/],
    ["BedrockTenantAccess: budget null", access({ ...tenantA, budget: null }), /^budget must be omitted \(or undefined\) to take its default, got null$/],
    ["BedrockTenantAccess: quota null", access({ ...tenantA, quota: null }), /^quota must be omitted \(or undefined\) to take its default, got null$/],
    ["BedrockTenantAccess: costCap null", access({ ...tenantA, costCap: null }), /^costCap must be omitted \(or undefined\) to take its default, got null$/],
    ["BedrockTenantFleet: the arguments a revoked Proxy", fleet(revoked()), named("args")],
    ["BedrockTenantFleet: tenants a revoked Proxy", fleet({ tenants: revoked() }), named("tenants")],
    ["BedrockTenantFleet: a tenant entry a revoked Proxy", fleet({ tenants: [revoked()] }), named("tenants[0]")],
    ["BedrockTenantFleet: a getter that throws on a tenant's id", fleet({ tenants: [throwing(tenantA, "tenantId")] }), /^tenants\[0\]: tenants\[0\]\.tenantId cannot be read \(Error: boom\)$/],
    ["BedrockTenantFleet: defaults a revoked Proxy", fleet({ tenants: [tenantA], defaults: revoked() }), named("defaults")],
    ["BedrockTenantFleet: a tenant's guardrail null", fleet({ tenants: [{ ...tenantA, guardrail: null }] }), /^tenants\[0\] \(customer-a\): tenants\[0\]\.guardrail must be omitted \(or undefined\) to take its default, got null$/],
    ["QuotaEnforcer: the arguments a revoked Proxy", () => new QuotaEnforcer("qe", revoked()), named("args")],
    ["QuotaEnforcer: a getter that throws on region", () => new QuotaEnforcer("qe", throwing({ bundlePath: fixtureBundle() }, "region")), named("region")],
    ["PrivateInvocationLogging: a getter that throws on tenantId", () => new PrivateInvocationLogging("l", throwing(customerAArgs({ lambdaBundlePath: fixtureBundle() }), "tenantId") as never), named("tenantId")],
    ["PrivateInvocationLogging: allowedModels a revoked Proxy", logging({ allowedModels: revoked() }), named("allowedModels")],
    ["PrivateInvocationLogging: a getter that throws in throttleAlarm", logging({ throttleAlarm: throwing({}, "threshold") }), named("throttleAlarm.threshold")],
    ["PrivateInvocationLogging: archive.transitions a revoked Proxy", logging({ archive: { transitions: revoked() } }), named("archive.transitions")],
    ["PrivateInvocationLogging: networkIsolation a revoked Proxy", logging({ networkIsolation: revoked() }), named("networkIsolation")],
    // null for a number, a text or a switch was read as left out, and its default planned.
    ["PrivateInvocationLogging: archive.retentionDays null", logging({ archive: { retentionDays: null } }), /^archive\.retentionDays must be omitted \(or undefined\) to take its default, got null$/],
    ["PrivateInvocationLogging: logRetentionDays null", logging({ logRetentionDays: null }), /^logRetentionDays must be omitted \(or undefined\) to take its default, got null$/],
    ["PrivateInvocationLogging: auditMode null", logging({ auditMode: null }), /^auditMode must be omitted \(or undefined\) to take its default, got null$/],
    ["PrivateInvocationLogging: a transition's days null", logging({ archive: { transitions: [{ days: null, storageClass: "GLACIER" }] } }), /^archive\.transitions\[0\]\.days must be omitted \(or undefined\) to take its default, got null$/],
    ["BedrockTenantAccess: region null", access({ ...tenantA, region: null }), /^region must be omitted \(or undefined\) to take its default, got null$/],
    ["BedrockTenantAccess: quota.warningPercent null", access({ ...tenantA, quota: { tokensPerDay: 1000, enforcerFunctionArn: ENFORCER, warningPercent: null } }), /^quota\.warningPercent must be omitted \(or undefined\) to take its default, got null$/],
    ["BedrockTenantFleet: defaults.costTagKey null", fleet({ tenants: [tenantA], defaults: { costTagKey: null } }), /defaults\.costTagKey must be omitted \(or undefined\) to take its default, got null$/],
    ["QuotaEnforcer: maxEventAgeSeconds null", () => new QuotaEnforcer("qe", { bundlePath: fixtureBundle(), maxEventAgeSeconds: null } as never), /^maxEventAgeSeconds must be omitted \(or undefined\) to take its default, got null$/],
];

describe("component arguments that cannot be read, or null for any option, are named at preview", () => {
    for (const [what, run, message] of CASES) {
        it(what, async () => {
            await assertRefusedBeforeResources(run, message);
        });
    }
});
