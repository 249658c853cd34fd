import { strict as assert } from "assert";
import { BedrockTenantAccess } from "../../components/bedrock-tenant-access/bedrock-tenant-access";
import { BedrockTenantFleet } from "../../components/bedrock-tenant-fleet/bedrock-tenant-fleet";
import { tenantAccessFrom } from "../../components/bedrock-tenant-fleet/handoff";
import { PrivateInvocationLogging } from "../../components/private-invocation-logging/private-invocation-logging";
import { QuotaEnforcer } from "../../components/quota-enforcer/quota-enforcer";
import { assertRefusedBeforeResources } from "../support/argument-errors";
import { CUSTOMER_A_ACCOUNT, CUSTOMER_B_ACCOUNT, customerAArgs, fixtureBundle } from "../support/customer-fixtures";
import { installMocks, ofType } from "../../testing/pulumi-mocks";
import { planStack } from "../../testing/plan-file";
import { HAIKU, OPS_ACCOUNT, opsMockOptions, settled } from "../../testing/tenant-access-fixtures";

const ENFORCER = `arn:aws:lambda:us-east-1:${OPS_ACCOUNT}:function:qe-function`;
const tenantA = { tenantId: "customer-a", accounts: [CUSTOMER_A_ACCOUNT], models: [HAIKU] };
const tenantB = { tenantId: "customer-b", accounts: [CUSTOMER_B_ACCOUNT], models: [HAIKU] };
const access = (args: Record<string, unknown>) => () => new BedrockTenantAccess("t", { ...tenantA, accountId: OPS_ACCOUNT, ...args });
const fleet = (args: Record<string, unknown>) => () => new BedrockTenantFleet("fleet", { modelCatalogue: "off", ...args } as never);
const logging = (args: Record<string, unknown>) => () => new PrivateInvocationLogging("l", { ...customerAArgs({ lambdaBundlePath: fixtureBundle() }), ...args });

interface Case {
    what: string;
    run: () => unknown;
    message: RegExp;
}

const CASES: Case[] = [
    // BedrockTenantAccess and what it nests
    { what: "a misspelt region", run: access({ regoin: "eu-west-1" }), message: /^regoin is not an option of BedrockTenantAccess; did you mean region\? \(its options: tenantId, accounts, models, region,/ },
    { what: "a key near none", run: access({ colour: "blue" }), message: /^colour is not an option of BedrockTenantAccess \(its options: / },
    { what: "a misspelt budget limit", run: access({ budget: { limitUSD: 5, emails: ["a@b.co"] } }), message: /^budget\.limitUSD is not an option of budget; did you mean budget\.limitUsd\?/ },
    { what: "a misspelt guardrail version", run: access({ guardrail: { arn: "arn:aws:bedrock:us-east-1:999999999999:guardrail/a1b2c3d4e5f6", versoin: "1" } }), message: /^guardrail\.versoin is not an option of guardrail; did you mean guardrail\.version\?/ },
    { what: "a misspelt quota limit", run: access({ quota: { tokensPerDy: 5, enforcerFunctionArn: ENFORCER } }), message: /^quota\.tokensPerDy is not an option of quota; did you mean quota\.tokensPerDay\?/ },
    { what: "a misspelt per-model limit", run: access({ quota: { perModel: { [HAIKU]: { tokensPerMonht: 5 } }, enforcerFunctionArn: ENFORCER } }), message: /^quota\.perModel\["anthropic\.claude-3-haiku-20240307-v1:0"\]\.tokensPerMonht is not an option of a model's token limits; did you mean quota\.perModel\["anthropic\.claude-3-haiku-20240307-v1:0"\]\.tokensPerMonth\?/ },
    { what: "a misspelt cost-cap key", run: access({ costCap: { limitUsd: 5, emails: ["a@b.co"], policyArn: "x", executionRoleArn: "y", snsTopicArn: [] } }), message: /^costCap\.snsTopicArn is not an option of costCap; did you mean costCap\.snsTopicArns\?/ },
    { what: "an unknown model id", run: access({ models: ["antropic.claude-3-haiku-20240307-v1:0"] }), message: /^models\[0\] "antropic\.claude-3-haiku-20240307-v1:0" is not in the shipped table of known Bedrock model and profile ids; did you mean "anthropic\.claude-3-haiku-20240307-v1:0"\?/ },
    { what: "a bad modelCatalogue", run: access({ modelCatalogue: "sometimes" }), message: /^modelCatalogue must be one of auto, provider, offline, off, got "sometimes"$/ },
    // BedrockTenantFleet, its tenant entries and its defaults
    { what: "a misspelt fleet option", run: fleet({ tenants: [tenantA], defaultz: {} }), message: /^defaultz is not an option of BedrockTenantFleet; did you mean defaults\?/ },
    { what: "a misspelt key of the second tenant", run: fleet({ tenants: [tenantA, { ...tenantB, regoins: ["us-east-1"] }] }), message: /^tenants\[1\] \(customer-b\): tenants\[1\]\.regoins is not an option of a fleet's tenant entry; did you mean tenants\[1\]\.regions\?/ },
    { what: "a misspelt tenant id key", run: fleet({ tenants: [{ ...tenantA, tennantId: "x" }] }), message: /^tenants\[0\] \(customer-a\): tenants\[0\]\.tennantId is not an option of a fleet's tenant entry; did you mean tenants\[0\]\.tenantId\?/ },
    { what: "a tenant's misspelt budget key", run: fleet({ tenants: [{ ...tenantA, budget: { limitUsd: 5, email: ["a@b.co"] } }] }), message: /^tenants\[0\] \(customer-a\): tenants\[0\]\.budget\.email is not an option of budget; did you mean tenants\[0\]\.budget\.emails\?/ },
    { what: "a fleet option set on a tenant", run: fleet({ tenants: [{ ...tenantA, modelCatalogue: "off" }] }), message: /^tenants\[0\] \(customer-a\): tenants\[0\]\.modelCatalogue is an argument of the fleet, which checks every tenant's models: set BedrockTenantFleet's modelCatalogue instead$/ },
    { what: "the fleet's allowUnlistedModels set on a tenant", run: fleet({ tenants: [{ ...tenantA, allowUnlistedModels: ["anthropic.claude-next-v1:0"] }] }), message: /tenants\[0\]\.allowUnlistedModels is an argument of the fleet, .*set BedrockTenantFleet's allowUnlistedModels instead$/ },
    { what: "a misspelt default", run: fleet({ tenants: [tenantA], defaults: { costTagKy: "team" } }), message: /^defaults\.costTagKy is not an option of the fleet's defaults; did you mean defaults\.costTagKey\?/ },
    { what: "a misspelt default budget key", run: fleet({ tenants: [tenantA], defaults: { budget: { limitUsd: 5, thresholdPercnt: 5 } } }), message: /^defaults\.budget\.thresholdPercnt is not an option of budget; did you mean defaults\.budget\.thresholdPercent\?/ },
    { what: "an empty tenant id", run: fleet({ tenants: [{ ...tenantA, tenantId: "" }] }), message: /^tenants\[0\] \(""\): tenantId must be 1 to 32 lowercase letters, digits and hyphens/ },
    // PrivateInvocationLogging and what it nests
    { what: "a lower-case contentmode", run: logging({ contentmode: "full" }), message: /^contentmode is not an option of PrivateInvocationLogging; did you mean contentMode\?/ },
    { what: "a misspelt archive retention", run: logging({ archive: { retentionDayz: 3650 } }), message: /^archive\.retentionDayz is not an option of archive; did you mean archive\.retentionDays\?/ },
    { what: "a misspelt archive transition key", run: logging({ archive: { transitions: [{ days: 30, storageclass: "STANDARD_IA" }] } }), message: /^archive\.transitions\[0\]\.storageclass is not an option of an archive transition; did you mean archive\.transitions\[0\]\.storageClass\?/ },
    { what: "a misspelt alarm key", run: logging({ throttleAlarm: { treshold: 5 } }), message: /^throttleAlarm\.treshold is not an option of throttleAlarm; did you mean throttleAlarm\.threshold\?/ },
    { what: "a misspelt runtime network key", run: logging({ networkIsolation: { availabilityZoneCnt: 2 } }), message: /^networkIsolation\.availabilityZoneCnt is not an option of networkIsolation; did you mean networkIsolation\.availabilityZoneCount\?/ },
    { what: "a misspelt guardrail setting", run: logging({ guardrail: { arn: "arn:aws:bedrock:us-east-1:999999999999:guardrail/a1b2c3d4e5f6", verison: "1" } }), message: /^guardrail\.verison is not an option of guardrail; did you mean guardrail\.version\?/ },
    // QuotaEnforcer
    { what: "a QuotaEnforcer option cut short", run: () => new QuotaEnforcer("qe", { bundlePath: fixtureBundle(), maxEventAge: 60 } as never), message: /^maxEventAge is not an option of QuotaEnforcer; did you mean maxEventAgeSeconds\?/ },
    // tenantAccessFrom
    { what: "a misspelt tenantAccessFrom option", run: () => tenantAccessFrom("acme/bedrock/ops", "customer-a", { outputname: "t" } as never), message: /^outputname is not an option of tenantAccessFrom; did you mean outputName\?/ },
];

describe("an option no component has is refused at preview, naming where it sits", () => {
    for (const c of CASES) {
        it(`refuses ${c.what}`, async () => {
            await assertRefusedBeforeResources(c.run, c.message);
        });
    }

    it("still accepts every documented option", async () => {
        const recorded = await installMocks(opsMockOptions());
        access({ modelCatalogue: "offline", allowUnlistedModels: [], region: "us-east-1", costTagKey: "team" })();
        fleet({ tenants: [tenantA], defaults: { costTagKey: "team" }, allowedRegions: ["us-east-1"], allowUnlistedModels: [] })();
        await settled();
        assert.equal(ofType(recorded, "aws:iam/role:Role").length, 2);
    });
});

describe("a fleet tenant that lists the ops account of the caller identity", () => {
    it("fails the plan with one error, prefixed by the entry, not buried under property names", async () => {
        const failure = await planStack(
            () => ({ tenants: new BedrockTenantFleet("fleet", { modelCatalogue: "off", tenants: [tenantA, { ...tenantB, accounts: [OPS_ACCOUNT] }] }).tenants }),
            { project: "acme", stack: "ops", account: OPS_ACCOUNT, config: { "aws:region": "us-east-1" } },
        ).then(() => undefined, (e: Error) => e);
        assert.ok(failure, "the plan succeeded");
        assert.doesNotMatch(failure.message, /error serializing/);
        assert.match(failure.message, /^tenants\[1\] \(customer-b\): accounts\[0\] must be a customer account other than the ops account the tenant's role is created in \(accountId 999999999999\), got "999999999999"/);
    });
});

describe("a QuotaEnforcer accountId known only once deployed that is no account id", () => {
    it("fails the plan with the message as written, not buried under property names", async () => {
        const failure = await planStack(
            () => ({ arn: new QuotaEnforcer("qe", { bundlePath: fixtureBundle(), accountId: Promise.resolve("12") }).functionArn }),
            { project: "acme", stack: "ops", account: OPS_ACCOUNT, config: { "aws:region": "us-east-1" } },
        ).then(() => undefined, (e: Error) => e);
        assert.ok(failure, "the plan succeeded");
        assert.doesNotMatch(failure.message, /error serializing/);
        assert.match(failure.message, /^accountId must be a 12-digit AWS account id, got "12"$/);
    });
});
