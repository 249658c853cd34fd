import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { BedrockTenantAccess } from "../../../components";
import { deriveExternalId, externalIdSecretProblem } from "../../../components/bedrock-tenant-access/external-id";
import { externalIdProblem } from "../../../contract";
import { installMocks, ofType, promiseOf, type RecordedResource } from "../../../testing/pulumi-mocks";
import { HAIKU, OPS_ACCOUNT, failureOf, opsMockOptions, policiesOf, settled } from "../../../testing/tenant-access-fixtures";

const SECRET = "correct horse battery staple, thirty-two+";

describe("ExternalIds derived from a stack secret", () => {
    it("is HMAC-SHA256 of the tenant id under the secret, base64url after bt1. (an openssl-computed vector)", () => {
        // printf %s bedrock-tenancy/external-id/v1/customer-a | openssl dgst -sha256 -hmac "$SECRET" -binary | base64 (url alphabet, no padding)
        assert.strictEqual(deriveExternalId(SECRET, "customer-a"), "bt1.wnSE2llsUaChlV_uIcdc4JpOfupGerJdxftH6iGFDTI");
    });

    it("differs per tenant and per secret, and satisfies STS's ExternalId rules", () => {
        const ids = new Set(["customer-a", "customer-b", "a", "customer-a1"].flatMap((t) => [deriveExternalId(SECRET, t), deriveExternalId(`${SECRET}!`, t)]));
        assert.strictEqual(ids.size, 8);
        for (const id of ids) assert.strictEqual(externalIdProblem("externalId", id), undefined, id);
    });

    it("refuses a short secret without showing it, and a tenant id outside the naming rule", () => {
        assert.match(externalIdSecretProblem("externalIdSecret", "short-secret") ?? "", /externalIdSecret must be at least 32 characters .*got a string of 12 characters \(not shown: it is secret\)/);
        assert.ok(!(externalIdSecretProblem("externalIdSecret", "short-secret") ?? "").includes("short-secret"));
        assert.strictEqual(externalIdSecretProblem("externalIdSecret", SECRET), undefined);
        assert.throws(() => deriveExternalId(SECRET, "Acme Corp"), /tenantId must be 1 to 32 lowercase letters, digits and hyphens/);
    });

    describe("in BedrockTenantAccess", () => {
        let recorded: RecordedResource[];
        beforeEach(async () => {
            recorded = await installMocks(opsMockOptions());
        });

        it("trusts the derived id, keeps it secret and generates nothing", async () => {
            const access = new BedrockTenantAccess("a", { tenantId: "customer-a", accounts: ["111111111111"], models: [HAIKU], externalIdSecret: pulumi.secret(SECRET), accountId: OPS_ACCOUNT });
            assert.strictEqual(await promiseOf(access.externalId), "bt1.wnSE2llsUaChlV_uIcdc4JpOfupGerJdxftH6iGFDTI");
            assert.strictEqual(await pulumi.isSecret(access.externalId), true);
            await settled();
            assert.deepStrictEqual(ofType(recorded, "random:index/randomPassword:RandomPassword"), []);
            const trust = policiesOf(recorded, "a").trust.Statement as any[];
            assert.strictEqual(trust[0].Condition.StringEquals["sts:ExternalId"], "bt1.wnSE2llsUaChlV_uIcdc4JpOfupGerJdxftH6iGFDTI");
        });

        it("lets an explicit externalId win over the secret (a deployed id pinned)", async () => {
            const access = new BedrockTenantAccess("a", { tenantId: "customer-a", accounts: ["111111111111"], models: [HAIKU], externalId: "pinned-id-0123", externalIdSecret: SECRET, accountId: OPS_ACCOUNT });
            assert.strictEqual(await promiseOf(access.externalId), "pinned-id-0123");
        });

        it("refuses a plain short secret before creating anything, and a computed one once known", async () => {
            assert.throws(() => new BedrockTenantAccess("a", { tenantId: "customer-a", accounts: ["111111111111"], models: [HAIKU], externalIdSecret: "too-short", accountId: OPS_ACCOUNT }), /externalIdSecret must be at least 32 characters/);
            // Long enough, and guessable: every ExternalId would follow from it.
            for (const weak of [" ".repeat(40), "s".repeat(48), "abcabcabcabcabcabcabcabcabcabcabcabc"]) {
                assert.throws(
                    () => new BedrockTenantAccess("a", { tenantId: "customer-a", accounts: ["111111111111"], models: [HAIKU], externalIdSecret: weak, accountId: OPS_ACCOUNT }),
                    /^ArgumentError: externalIdSecret must hold at least 8 different characters, as a random one does .*, got a string of \d+ characters with [13] different \(not shown: it is secret\)$/,
                );
            }
            const access = new BedrockTenantAccess("b", { tenantId: "customer-b", accounts: ["222222222222"], models: [HAIKU], externalIdSecret: pulumi.secret("too-short"), accountId: OPS_ACCOUNT });
            const error = await failureOf(access.externalId);
            assert.ok(error instanceof pulumi.ResourceError);
            assert.match(String(error), /externalIdSecret must be at least 32 characters/);
            assert.ok(!String(error).includes("too-short"));
        });
    });
});
