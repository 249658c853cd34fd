import * as assert from "assert";
import { BedrockTenantFleet } from "../../../components/bedrock-tenant-fleet/bedrock-tenant-fleet";
import { KNOWN_MODEL_IDS } from "../../../components/bedrock-tenant-fleet/known-models";
import { editDistance, nearestKnownModelId, offlineModelProblem } from "../../../components/bedrock-tenant-fleet/model-catalogue";
import { installMocks, promiseOf } from "../../../testing";
import { planStack } from "../../../testing/plan-file";
import { BedrockTenantAccess } from "../../../components/bedrock-tenant-access/bedrock-tenant-access";

const OPS = "999999999999";
const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
const US_HAIKU_35 = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
const GET_MODEL = "aws:bedrockfoundation/getModel:getModel";
const GET_PROFILE = "aws:bedrock/getInferenceProfile:getInferenceProfile";

describe("the offline model catalogue", () => {
    it("measures edit distance", () => {
        assert.strictEqual(editDistance("kitten", "sitting"), 3);
        assert.strictEqual(editDistance("", "abc"), 3);
        assert.strictEqual(editDistance(HAIKU, HAIKU), 0);
    });

    const typos: [string, string, string][] = [
        ["a misspelt provider", "antropic.claude-3-haiku-20240307-v1:0", HAIKU],
        ["a missing :0", "anthropic.claude-3-haiku-20240307-v1", HAIKU],
        ["an impossible date", "anthropic.claude-3-haiku-20240231-v1:0", HAIKU],
        ["a swapped geography prefix", "ue.anthropic.claude-3-5-haiku-20241022-v1:0", US_HAIKU_35],
    ];
    for (const [what, typo, nearest] of typos) {
        it(`points ${what} to the nearest known id`, () => {
            assert.ok(!KNOWN_MODEL_IDS.has(typo));
            assert.strictEqual(nearestKnownModelId(typo), nearest);
            assert.match(offlineModelProblem("models[0]", typo)!, new RegExp(`^models\\[0\\] "${typo.replace(/[.]/g, "\\.")}" is not in the shipped table .* did you mean "${nearest.replace(/[.]/g, "\\.")}"\\? If the id is newer than the table, list it in allowUnlistedModels$`));
        });
    }

    it("says nothing about a known model or profile", () => {
        assert.strictEqual(offlineModelProblem("m", HAIKU), undefined);
        assert.strictEqual(offlineModelProblem("m", US_HAIKU_35), undefined);
    });

    it("fails the preview under mocks on a typo, once per distinct id, naming the tenant entry and the right id", async () => {
        await installMocks({ account: OPS });
        const typo = "antropic.claude-3-haiku-20240307-v1:0";
        const build = () => new BedrockTenantFleet("typo", {
            tenants: [
                { tenantId: "a", accounts: ["111111111111"], models: [HAIKU, typo] },
                { tenantId: "b", accounts: ["222222222222"], models: [typo] },
            ],
        });
        assert.throws(build, (e: Error) => e.name === "ArgumentError" &&
            /^tenants\[0\]\.models\[1\] "antropic\.claude-3-haiku-20240307-v1:0" is not in the shipped table .* did you mean "anthropic\.claude-3-haiku-20240307-v1:0"\?[^;]*$/.test(e.message));
    });

    it("accepts an id newer than the table when allowUnlistedModels lists it, and only that one", async () => {
        await installMocks({ account: OPS });
        const newer = "anthropic.claude-next-20990101-v1:0";
        const tenants = [{ tenantId: "a", accounts: ["111111111111"], models: [HAIKU, newer] }];
        const fleet = new BedrockTenantFleet("newer", { tenants, allowUnlistedModels: [newer] });
        assert.deepStrictEqual(Object.keys(await promiseOf(fleet.tenants)), ["a"]);
        assert.throws(() => new BedrockTenantFleet("other", { tenants, allowUnlistedModels: ["anthropic.claude-other-20990101-v1:0"] }), /tenants\[0\]\.models\[1\] "anthropic\.claude-next-20990101-v1:0" is not in the shipped table/);
        assert.throws(() => new BedrockTenantFleet("bad", { tenants, allowUnlistedModels: ["not a model"] }), /^ArgumentError: allowUnlistedModels\[0\] must be a Bedrock model or inference profile id, got "not a model"/);
    });
});

describe("the provider model catalogue", () => {
    let lookups: string[];

    async function withCatalogue(known: string[]): Promise<void> {
        lookups = [];
        const answer = (field: string) => (args: Record<string, any>) => {
            lookups.push(`${args[field]}@${args.region}`);
            if (!known.includes(args[field])) throw new Error(`ResourceNotFoundException: ${args[field]} not found`);
            return { id: args[field], modelArn: `arn:aws:bedrock:${args.region}::foundation-model/${args[field]}` };
        };
        await installMocks({ account: OPS, calls: { [GET_MODEL]: answer("modelId"), [GET_PROFILE]: answer("inferenceProfileId") } });
    }

    it("asks the provider once per distinct id and Region per stack", async () => {
        await withCatalogue([HAIKU, US_HAIKU_35]);
        const tenants = [
            { tenantId: "a", accounts: ["111111111111"], models: [HAIKU, US_HAIKU_35] },
            { tenantId: "b", accounts: ["222222222222"], models: [HAIKU] },
        ];
        const first = new BedrockTenantFleet("one", { tenants, modelCatalogue: "provider" });
        const second = new BedrockTenantFleet("two", { tenants: tenants.map((t) => ({ ...t, tenantId: `${t.tenantId}2`, accounts: t.accounts.map((a) => a.replace(/^./, "3")) })), modelCatalogue: "provider" });
        assert.deepStrictEqual(await promiseOf(first.checkedModels), [HAIKU, US_HAIKU_35]);
        await promiseOf(second.checkedModels);
        assert.deepStrictEqual(lookups.sort(), [`${HAIKU}@us-east-1`, `${US_HAIKU_35}@us-east-1`]);
    });

    it("fails the preview naming a model the provider does not know", async () => {
        await withCatalogue([HAIKU]);
        const typo = "anthropic.claude-3-haiku-20240307-v1";
        const fleet = new BedrockTenantFleet("typo", { tenants: [{ tenantId: "a", accounts: ["111111111111"], models: [typo] }], modelCatalogue: "provider" });
        const failure = await new Promise<Error>((resolve, reject) => {
            (fleet.checkedModels as unknown as { promise(): Promise<unknown> }).promise().then(() => reject(new Error("the lookup succeeded")), resolve);
        });
        assert.match(failure.message, /tenants\[0\]\.models\[0\]: Bedrock has no foundation model "anthropic\.claude-3-haiku-20240307-v1" in us-east-1.*; did you mean "anthropic\.claude-3-haiku-20240307-v1:0"/);
    });

    it("names the typo, not the valid model the provider could not confirm, with the right id", async () => {
        // No data-source answers at all: the provider confirms nothing, the valid id included.
        await installMocks({ account: OPS });
        const typo = "anthropic.claude-3-haiku-20240307-v1";
        const fleet = new BedrockTenantFleet("blame", { tenants: [{ tenantId: "a", accounts: ["111111111111"], models: [HAIKU, typo] }], modelCatalogue: "provider" });
        const failure = await (fleet.checkedModels as unknown as { promise(): Promise<unknown> }).promise().then(() => undefined, (e: Error) => e);
        const [first, second] = String(failure?.message).split("; tenants");
        assert.match(first, /^tenants\[0\]\.models\[1\]: Bedrock has no foundation model "anthropic\.claude-3-haiku-20240307-v1" in us-east-1 .*did you mean "anthropic\.claude-3-haiku-20240307-v1:0"\?$/);
        assert.match(second, /^\[0\]\.models\[0\]: Bedrock has no foundation model "anthropic\.claude-3-haiku-20240307-v1:0" .*; the id is a known Bedrock id, so check that it is offered in us-east-1/);
        assert.doesNotMatch(second, /did you mean/);
    });

    it("asks for a system profile through the inference-profile data source", async () => {
        await withCatalogue([]);
        const fleet = new BedrockTenantFleet("profile", { tenants: [{ tenantId: "a", accounts: ["111111111111"], models: [US_HAIKU_35] }], modelCatalogue: "provider" });
        const failure = await (fleet.checkedModels as unknown as { promise(): Promise<unknown> }).promise().then(() => undefined, (e: Error) => e);
        assert.match(String(failure?.message), /Bedrock has no inference profile "us\.anthropic\.claude-3-5-haiku-20241022-v1:0"/);
    });
});

describe("a model the provider does not know, in a whole plan", () => {
    it("fails the plan with the message as written, not under the SDK's property names", async () => {
        const typo = "anthropic.claude-3-haiku-20240307-v1";
        const calls = { [GET_MODEL]: (args: Record<string, unknown>) => { if (args.modelId !== HAIKU) throw new Error(`ResourceNotFoundException: ${String(args.modelId)} not found`); return { id: HAIKU }; } };
        const failure = await planStack(
            () => ({ roleArn: new BedrockTenantAccess("a", { tenantId: "a", accounts: ["111111111111"], models: [typo], accountId: OPS, modelCatalogue: "provider" }).roleArn }),
            { project: "acme", stack: "ops", account: OPS, config: { "aws:region": "us-east-1" }, calls },
        ).then(() => undefined, (e: Error) => e);
        assert.ok(failure, "the plan succeeded");
        assert.doesNotMatch(failure.message, /error serializing/);
        assert.match(failure.message, /^models\[0\]: Bedrock has no foundation model "anthropic\.claude-3-haiku-20240307-v1" in us-east-1/);
    });
});
