import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { BedrockTenantFleet } from "../../../components/bedrock-tenant-fleet/bedrock-tenant-fleet";
import { BedrockTenantFleet as Fleet } from "../../../components";
import { installMocks, isSecretOutput, ofType, promiseOf, type RecordedResource } from "../../../testing";
import type { validateBedrockTenantAccessArgs } from "../../../components/bedrock-tenant-access/validation";
import { withReplacedExport } from "../../support/replaced-export";
import { parsePolicy } from "../../../testing/tenant-access-fixtures";

const OPS = "999999999999";
const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
const US_HAIKU_35 = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
const tenantA = { tenantId: "customer-a", accounts: ["111111111111"], models: [HAIKU] };
const tenantB = { tenantId: "customer-b", accounts: ["222222222222"], models: [US_HAIKU_35] };

describe("BedrockTenantFleet", () => {
    let recorded: RecordedResource[];
    let fleet: BedrockTenantFleet;

    before(async () => {
        recorded = await installMocks({ account: OPS });
        fleet = new BedrockTenantFleet("fleet", { tenants: [tenantA, tenantB], defaults: { costTagKey: "acme:tenant", tags: { team: "ml" } } });
        await promiseOf(fleet.tenants);
    });

    it("creates one BedrockTenantAccess per tenant as its children", () => {
        const children = ofType(recorded, "bedrock-tenancy:index:BedrockTenantAccess").map((r) => r.name);
        assert.deepStrictEqual(children, ["fleet-customer-a", "fleet-customer-b"]);
        assert.deepStrictEqual(Object.keys(fleet.members), ["customer-a", "customer-b"]);
    });

    it("applies the fleet defaults to every tenant", () => {
        const roles = ofType(recorded, "aws:iam/role:Role");
        assert.strictEqual(roles.length, 2);
        for (const role of roles) {
            assert.strictEqual(role.inputs.tags.team, "ml");
            assert.ok(role.inputs.tags["acme:tenant"], "the fleet's costTagKey carries the tenant id");
        }
    });

    it("exports every tenant's entry as one secret, with real ARNs and ExternalIds derived from one fleet secret", async () => {
        assert.strictEqual(await isSecretOutput(fleet.tenants), true);
        const all = await promiseOf(fleet.tenants);
        assert.deepStrictEqual(Object.keys(all), ["customer-a", "customer-b"]);
        assert.strictEqual(all["customer-a"].roleArn, `arn:aws:iam::${OPS}:role/BedrockTenantAccess-customer-a`);
        assert.match(all["customer-a"].externalId, /^bt1\.[A-Za-z0-9_-]{43}$/);
        // One generated secret for the fleet, never a random ExternalId per tenant.
        assert.deepStrictEqual(ofType(recorded, "random:index/randomPassword:RandomPassword").map((r) => r.name), ["fleet-external-id-secret"]);
        assert.notStrictEqual(all["customer-a"].externalId, all["customer-b"].externalId);
        assert.match(all["customer-b"].inferenceProfileArns[US_HAIKU_35], new RegExp(`^arn:aws:bedrock:us-east-1:${OPS}:application-inference-profile/`));
        assert.deepStrictEqual(all["customer-b"].accounts, ["222222222222"]);
    });

    it("puts each tenant's ExternalId in its trust policy", async () => {
        const all = await promiseOf(fleet.tenants);
        const role = ofType(recorded, "aws:iam/role:Role").find((r) => r.inputs.name === "BedrockTenantAccess-customer-a")!;
        const trust = parsePolicy(role.inputs.assumeRolePolicy) as any;
        const assume = trust.Statement.find((s: any) => [s.Action].flat().includes("sts:AssumeRole"));
        assert.strictEqual(assume.Condition.StringEquals["sts:ExternalId"], all["customer-a"].externalId);
    });
});

describe("BedrockTenantFleet: the defaults' crossRegionDestinations", () => {
    let recorded: RecordedResource[];
    before(async () => {
        recorded = await installMocks({ account: OPS });
        const usSonnet = "us.anthropic.claude-3-7-sonnet-20250219-v1:0";
        const fleet = new BedrockTenantFleet("fleet", {
            tenants: [tenantA, tenantB, { tenantId: "customer-c", accounts: ["333333333333"], models: [usSonnet] }],
            defaults: { crossRegionDestinations: { [US_HAIKU_35]: ["us-east-1", "us-west-2"], [usSonnet]: ["us-east-1", "us-east-2"] } },
        });
        await promiseOf(fleet.tenants);
    });

    it("gives each tenant the entries of its own profiles only: one table serves a fleet whose tenants use different profiles", () => {
        const regionsOf = (tenant: string) => {
            const policy = ofType(recorded, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name.includes(tenant) && JSON.stringify(p.inputs.policy).includes("bedrock:InvokeModel"))!;
            assert.ok(policy, `no permissions policy of ${tenant}: ${ofType(recorded, "aws:iam/rolePolicy:RolePolicy").map((p) => p.name).join(", ")}`);
            return [...new Set(JSON.stringify(parsePolicy(policy.inputs.policy)).match(/"(us|eu|ap)-[a-z]+-\d"/g))].sort();
        };
        assert.deepStrictEqual(regionsOf("customer-b"), ['"us-east-1"', '"us-west-2"']);
        assert.deepStrictEqual(regionsOf("customer-c"), ['"us-east-1"', '"us-east-2"']);
    });
});

describe("BedrockTenantFleet refusals at preview", () => {
    before(async () => {
        await installMocks({ account: OPS });
    });

    const cases: [string, () => unknown, RegExp][] = [
        ["no tenants", () => new BedrockTenantFleet("f", { tenants: [] }), /^tenants must list at least one tenant, got \[\]/],
        ["a duplicate tenant id", () => new BedrockTenantFleet("f", { tenants: [tenantA, { ...tenantB, tenantId: "customer-a" }] }), /^tenants\[1\] \(customer-a\): the tenant id is already tenants\[0\]'s; each tenant needs an id of its own$/],
        ["an account shared by two tenants", () => new BedrockTenantFleet("f", { tenants: [tenantA, { ...tenantB, accounts: ["111111111111"] }] }), /tenants\[1\] \(customer-b\) lists account 111111111111, which tenants\[0\] \(customer-a\) already lists/],
        ["a bad tenant argument, named with its entry", () => new BedrockTenantFleet("f", { tenants: [tenantA, { ...tenantB, accounts: ["12"] }] }), /^tenants\[1\] \(customer-b\): accounts\[0\] must be a 12-digit AWS account id, got "12"/],
        ["a Region outside the cap", () => new BedrockTenantFleet("f", { tenants: [tenantB], allowedRegions: ["us-east-1"] }), /^tenants\[0\] \(customer-b\): regions \["us-east-2","us-west-2"\] are outside allowedRegions/],
        ["an unknown catalogue mode", () => new BedrockTenantFleet("f", { tenants: [tenantA], modelCatalogue: "online" as never }), /^modelCatalogue must be one of auto, provider, offline, off, got "online"/],
        // The stack reads allowedRegions as any JSON: one that is no list is named, not mapped over.
        ["allowedRegions that is an object", () => new BedrockTenantFleet("f", { tenants: [tenantA], allowedRegions: { "us-east-1": true } as never }), /^allowedRegions must be a list, got /],
        ["allowedRegions that is a number", () => new BedrockTenantFleet("f", { tenants: [tenantA], allowedRegions: 1 as never }), /^allowedRegions must be a list, got /],
        // A per-tenant secret no longer, and never shown in the message.
        [
            "two tenants pinned to one ExternalId",
            () => new BedrockTenantFleet("f", { tenants: [{ ...tenantA, externalId: "shared-ext-id-0123456789" }, { ...tenantB, externalId: "shared-ext-id-0123456789" }] }),
            /^tenants\[1\] \(customer-b\): externalId is the same as tenants\[0\] \(customer-a\)'s \(not shown: it is secret\); each tenant's ExternalId must be its own$/,
        ],
        // A hole in the list is an entry too: named, not a TypeError from inside.
        ["a hole in the tenants list", () => new BedrockTenantFleet("f", { tenants: [, tenantA] as never }), /^tenants\[0\] must be an object of BedrockTenantAccess arguments, got undefined$/],
        // A slip in a profile id would leave the profile's default Regions granted.
        [
            "a tenant's crossRegionDestinations for a profile not among its models",
            () => new BedrockTenantFleet("f", { tenants: [{ ...tenantB, crossRegionDestinations: { "us.anthropic.claude-3-5-haiku-20241022-v1": ["us-east-1"] } }] }),
            /^tenants\[0\] \(customer-b\): crossRegionDestinations\["us\.anthropic\.claude-3-5-haiku-20241022-v1"\] names no cross-Region profile in models/,
        ],
        [
            "the defaults' crossRegionDestinations for a profile no tenant has",
            () => new BedrockTenantFleet("f", { tenants: [tenantA, tenantB], defaults: { crossRegionDestinations: { "us.anthropic.claude-3-5-haiku-20241022-v1": ["us-east-1"] } } }),
            /^defaults\.crossRegionDestinations\["us\.anthropic\.claude-3-5-haiku-20241022-v1"\] names no cross-Region profile in any tenant's models/,
        ],
    ];
    for (const [what, build, message] of cases) {
        it(`refuses ${what}`, () => {
            assert.throws(build, (e: Error) => e.name === "ArgumentError" && message.test(e.message));
        });
    }

    it("refuses a consumer's fleet whose tenants together exceed the application inference profile quota of a Region", () => {
        // As a consumer builds it, from the package entry: each tenant alone is within the quota.
        const build = () => new Fleet("f", { tenants: [tenantA, { ...tenantB, models: [HAIKU, US_HAIKU_35] }], defaults: { applicationProfileQuota: 2 } });
        assert.throws(build, (e: Error) => e.name === "ArgumentError" && /^tenants would create 3 application inference profiles in us-east-1, over applicationProfileQuota 2 \(Service Quotas/.test(e.message));
        assert.doesNotThrow(() => new Fleet("g", { tenants: [tenantA, { ...tenantB, models: [HAIKU, US_HAIKU_35] }], defaults: { applicationProfileQuota: 3 } }));
    });

    it("names a repeated id and the entries after it by their places in the whole list", () => {
        const again = { ...tenantA, accounts: ["333333333333"] };
        const clash = { ...tenantB, accounts: ["111111111111"] };
        assert.throws(() => new BedrockTenantFleet("f", { tenants: [tenantA, again, clash] }), (e: Error) => {
            assert.match(e.message, /^tenants\[1\] \(customer-a\): the tenant id is already tenants\[0\]'s; each tenant needs an id of its own; /);
            assert.match(e.message, /; tenants\[2\] \(customer-b\) lists account 111111111111, which tenants\[0\] \(customer-a\) already lists/);
            return true;
        });
    });

    it("reports every fleet problem at once", () => {
        const twice = { ...tenantB, tenantId: "customer-c", accounts: ["111111111111", "222222222222"] };
        assert.throws(() => new BedrockTenantFleet("f", { tenants: [tenantA, tenantB, twice] }), (e: Error) => (e.message.match(/already lists/g) ?? []).length === 2);
    });
});

describe("BedrockTenantFleet outputs", () => {
    it("keeps the tenants record secret even when each ExternalId is given in plain text", async () => {
        await installMocks({ account: OPS });
        const fleet = new BedrockTenantFleet("plain", { tenants: [{ ...tenantA, externalId: "given-external-id" }] });
        assert.strictEqual(await pulumi.isSecret(fleet.tenants), true);
        assert.strictEqual((await promiseOf(fleet.tenants))["customer-a"].externalId, "given-external-id");
    });

    it("hands each tenant's required guardrail on in its entry, and none for a tenant without one", async () => {
        await installMocks({ account: OPS });
        const guardrail = { arn: `arn:aws:bedrock:us-east-1:${OPS}:guardrail/a1b2c3d4e5f6`, version: "1" };
        const fleet = new BedrockTenantFleet("guarded", { tenants: [{ ...tenantA, guardrail }, tenantB] });
        const all = await promiseOf(fleet.tenants);
        assert.deepStrictEqual(all["customer-a"].guardrail, guardrail);
        assert.ok(!("guardrail" in all["customer-b"]), "a tenant without a guardrail gets no guardrail field");
    });
});

describe("BedrockTenantFleet planning", () => {
    it("resolves each tenant's arguments once per plan", async () => {
        await installMocks({ account: OPS });
        type Validate = typeof validateBedrockTenantAccessArgs;
        const resolved: string[] = [];
        const counting = (original: Validate): Validate => (args, region) => {
            resolved.push(args.tenantId);
            return original(args, region);
        };
        await withReplacedExport<{ BedrockTenantFleet: typeof BedrockTenantFleet }, Validate>(
            "components/bedrock-tenant-fleet/bedrock-tenant-fleet",
            "components/bedrock-tenant-access/validation",
            "validateBedrockTenantAccessArgs",
            counting,
            async (loaded) => {
                const fleet = new loaded.BedrockTenantFleet("once", { tenants: [tenantA, tenantB] });
                await promiseOf(fleet.tenants);
            },
        );
        assert.deepStrictEqual(resolved, ["customer-a", "customer-b"]);
    });
});
