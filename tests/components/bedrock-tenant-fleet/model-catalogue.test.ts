import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { BedrockTenantFleet } from "../../../components/bedrock-tenant-fleet/bedrock-tenant-fleet";
import { KNOWN_MODEL_IDS } from "../../../components/bedrock-tenant-fleet/known-models";
import { editDistance, nearestKnownModelId, offlineModelWarning } from "../../../components/bedrock-tenant-fleet/model-catalogue";
import { installMocks, promiseOf } from "../../../testing";

const OPS = "999999999999";
const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
const US_HAIKU_35 = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
const GET_MODEL = "aws:bedrockfoundation/getModel:getModel";
const GET_PROFILE = "aws:bedrock/getInferenceProfile:getInferenceProfile";

/** Runs `body` with `pulumi.log.warn` captured. */
async function warningsOf(body: () => Promise<unknown>): Promise<string[]> {
    const warnings: string[] = [];
    const original = pulumi.log.warn;
    (pulumi.log as { warn: typeof pulumi.log.warn }).warn = (message: string) => {
        warnings.push(message);
        return Promise.resolve();
    };
    try {
        await body();
    } finally {
        (pulumi.log as { warn: typeof pulumi.log.warn }).warn = original;
    }
    return warnings;
}

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
            assert.match(offlineModelWarning("models[0]", typo)!, new RegExp(`^models\\[0\\] "${typo.replace(/[.]/g, "\\.")}" is not in the shipped table .* did you mean "${nearest.replace(/[.]/g, "\\.")}"\\?`));
        });
    }

    it("says nothing about a known model or profile", () => {
        assert.strictEqual(offlineModelWarning("m", HAIKU), undefined);
        assert.strictEqual(offlineModelWarning("m", US_HAIKU_35), undefined);
    });

    it("warns under mocks, once per distinct id, naming the tenant entry", async () => {
        await installMocks({ account: OPS });
        const typo = "antropic.claude-3-haiku-20240307-v1:0";
        const warnings = await warningsOf(async () => {
            const fleet = new BedrockTenantFleet("typo", {
                tenants: [
                    { tenantId: "a", accounts: ["111111111111"], models: [HAIKU, typo] },
                    { tenantId: "b", accounts: ["222222222222"], models: [typo] },
                ],
            });
            await promiseOf(fleet.tenants);
        });
        assert.deepStrictEqual(warnings.length, 1, warnings.join("\n"));
        assert.match(warnings[0], /^tenants\[0\]\.models\[1\] "antropic\.claude-3-haiku-20240307-v1:0" .* did you mean "anthropic\.claude-3-haiku-20240307-v1:0"/);
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

    it("asks for a system profile through the inference-profile data source", async () => {
        await withCatalogue([]);
        const fleet = new BedrockTenantFleet("profile", { tenants: [{ tenantId: "a", accounts: ["111111111111"], models: [US_HAIKU_35] }], modelCatalogue: "provider" });
        const failure = await (fleet.checkedModels as unknown as { promise(): Promise<unknown> }).promise().then(() => undefined, (e: Error) => e);
        assert.match(String(failure?.message), /Bedrock has no inference profile "us\.anthropic\.claude-3-5-haiku-20241022-v1:0"/);
    });
});
