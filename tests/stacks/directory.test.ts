import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { opsProgram } from "../../stacks/ops";
import { parseCustomerConfig } from "../../stacks/customer-config";
import { loadTenantDirectory } from "../../stacks/directory-config";
import type { TenantDirectory } from "../../contract/tenant-directory";
import { installMocks, ofType, type RecordedResource } from "../../testing/pulumi-mocks";
import { HAIKU, OPS_ACCOUNT, opsMockOptions, parsePolicy, settled } from "../../testing/tenant-access-fixtures";
import { makeTempDir } from "../support/temp-dir";

const OTHER_OPS = "888888888888";

function fleet(): TenantDirectory {
    return {
        shards: [
            { name: "ops-1", opsAccount: OPS_ACCOUNT, opsStack: "acme/bedrock-tenancy/ops-1" },
            { name: "ops-2", opsAccount: OTHER_OPS, opsStack: "acme/bedrock-tenancy/ops-2" },
        ],
        tenants: [
            { id: "customer-a", shard: "ops-1", accounts: ["111111111111"], models: [HAIKU] },
            { id: "customer-b", shard: "ops-2", accounts: ["222222222222"], models: [HAIKU] },
            { id: "customer-c", shard: "ops-1", accounts: ["333333333333"], models: [HAIKU], quota: { tokensPerDay: 1000 } },
        ],
    };
}

function writeDirectory(directory: unknown, name = "fleet.yaml"): string {
    const file = path.join(makeTempDir("bedrock-tenancy-directory-"), name);
    fs.writeFileSync(file, name.endsWith(".json") ? JSON.stringify(directory) : stringify(directory));
    return file;
}

describe("tenant directory in the stacks", () => {
    describe("an ops stack that is one shard", () => {
        async function plan(directory: unknown, extra: Record<string, unknown> = {}): Promise<RecordedResource[]> {
            const recorded = await installMocks(opsMockOptions({
                "bedrock-tenancy:directory": writeDirectory(directory),
                "bedrock-tenancy:shard": "ops-1",
                "aws:allowedAccountIds": [OPS_ACCOUNT],
                ...extra,
            }));
            opsProgram();
            await settled();
            return recorded;
        }

        it("plans only its own shard's tenants", async () => {
            const recorded = await plan(fleet());
            assert.deepStrictEqual(ofType(recorded, "aws:iam/role:Role").map((r) => r.inputs.name).sort(), [
                "BedrockTenancyQuotaEnforcer", "BedrockTenantAccess-customer-a", "BedrockTenantAccess-customer-c",
            ]);
        });

        it("refuses a customer account that a tenant of another shard already lists, naming both shards", async () => {
            const d = fleet();
            d.tenants[1].accounts = ["333333333333"];
            await assert.rejects(plan(d), /tenants\[2\] in shard "ops-1" \(customer-c\) lists account 333333333333, which .*tenants\[1\] in shard "ops-2" \(customer-b\) already lists/);
        });

        it("names a shard tenant's fault by the directory file and the shard, not as a bedrock-tenancy:tenants entry", async () => {
            const where = /^ArgumentError: bedrock-tenancy:directory ".*fleet\.yaml", shard "ops-1" \(its tenants in their order there\): /;
            // An entry the stack reads, and one the fleet checks.
            const d = fleet();
            (d.tenants[2] as Record<string, unknown>).tags = { team: "x" };
            await assert.rejects(plan(d), new RegExp(`${where.source}tenants\\[1\\]\\.tags is not an option of a tenant entry`));
            const e = fleet();
            (e.tenants[2] as Record<string, unknown>).budget = { limitUsd: 0.001 };
            await assert.rejects(plan(e), new RegExp(`${where.source}tenants\\[1\\] \\(customer-c\\): `));
        });

        it("refuses another shard's account over its roles quota at this shard's preview", async () => {
            const d = fleet();
            d.shards[1].quotas = { roles: 1, otherRoles: 1 };
            await assert.rejects(plan(d), /ops account 888888888888 \(shards "ops-2"\) would hold 2 roles, over its quota of 1/);
        });

        it("refuses a stack whose account is not its shard's, and a stack that also lists its own tenants", async () => {
            await assert.rejects(plan(fleet(), { "aws:allowedAccountIds": [OTHER_OPS] }), /shard "ops-1" of ".*fleet.yaml" is in ops account 999999999999, but this stack's aws:allowedAccountIds is \["888888888888"\]/);
            // Without the guard, the shard would deploy into whatever account the credentials reach.
            await assert.rejects(plan(fleet(), { "aws:allowedAccountIds": undefined }), /shard "ops-1" of ".*fleet.yaml" is in ops account 999999999999, but this stack's aws:allowedAccountIds is not set: set it to \["999999999999"\]/);
            await assert.rejects(plan(fleet(), { "bedrock-tenancy:tenants": [] }), /bedrock-tenancy:tenants is set in a shard's ops stack/);
            await assert.rejects(plan(fleet(), { "bedrock-tenancy:shard": undefined }), /bedrock-tenancy:directory is set without bedrock-tenancy:shard/);
        });
    });

    describe("moving a tenant to another shard", () => {
        const SECRET = "8fJq2xLw0Rk7Vb3NmZt5Yh1Dc9Gp4Ua6Se2Wn0Xr7Lq";
        async function rolesOf(directory: TenantDirectory, shard: string, account: string): Promise<Map<string, string>> {
            const recorded = await installMocks({
                ...opsMockOptions({
                    "bedrock-tenancy:directory": writeDirectory(directory),
                    "bedrock-tenancy:shard": shard,
                    "aws:allowedAccountIds": [account],
                    "bedrock-tenancy:externalIdSecret": SECRET,
                }),
                secretKeys: ["bedrock-tenancy:externalIdSecret"],
                account,
            });
            opsProgram();
            await settled();
            const externalIdOf = (role: RecordedResource) => JSON.stringify(parsePolicy(role.inputs.assumeRolePolicy)).match(/"sts:ExternalId":"([^"]+)"/)?.[1] ?? "";
            return new Map(ofType(recorded, "aws:iam/role:Role").map((r) => [String(r.inputs.name), externalIdOf(r)]));
        }

        it("creates the role in the new shard with the same ExternalId when the shards share the secret, drops it from the old shard, and repoints the customer stack", async () => {
            const before = fleet();
            const oldShard = await rolesOf(before, "ops-1", OPS_ACCOUNT);
            const externalId = oldShard.get("BedrockTenantAccess-customer-c");
            assert.match(externalId ?? "", /^bt1\./);

            const after = fleet();
            after.tenants[2].shard = "ops-2";
            const newShard = await rolesOf(after, "ops-2", OTHER_OPS);
            assert.strictEqual(newShard.get("BedrockTenantAccess-customer-c"), externalId);
            assert.ok(!(await rolesOf(after, "ops-1", OPS_ACCOUNT)).has("BedrockTenantAccess-customer-c"));
            const file = writeDirectory(after);
            assert.strictEqual(parseCustomerConfig((k) => ({ directory: file, tenantId: "customer-c" } as Record<string, string>)[k]).opsStack, "acme/bedrock-tenancy/ops-2");
        });
    });

    describe("a customer stack", () => {
        const reader = (values: Record<string, string>) => (key: string) => values[key];

        it("finds its tenant's ops stack through the directory", () => {
            const file = writeDirectory(fleet(), "fleet.json");
            assert.strictEqual(parseCustomerConfig(reader({ directory: file, tenantId: "customer-b" })).opsStack, "acme/bedrock-tenancy/ops-2");
        });

        it("refuses an opsStack that disagrees with the directory, and a tenant the directory lacks", () => {
            const file = writeDirectory(fleet());
            assert.throws(() => parseCustomerConfig(reader({ directory: file, tenantId: "customer-b", opsStack: "acme/bedrock-tenancy/ops-1" })), /bedrock-tenancy:opsStack "acme\/bedrock-tenancy\/ops-1" differs from "acme\/bedrock-tenancy\/ops-2"/);
            assert.throws(() => parseCustomerConfig(reader({ directory: file, tenantId: "customer-z" })), /tenant "customer-z" is not in .*fleet.yaml/);
        });

        it("refuses a directory that breaks a fleet rule, naming the file", () => {
            const d = fleet();
            d.tenants[2].id = "customer-a";
            const file = writeDirectory(d);
            assert.throws(() => loadTenantDirectory(file), /fleet.yaml.tenants\[2\] in shard "ops-1" \(customer-a\): the tenant id is already .*fleet.yaml.tenants\[0\] in shard "ops-1".s/);
            assert.throws(() => loadTenantDirectory(path.join(path.dirname(file), "missing.yaml")), /bedrock-tenancy:directory names ".*missing.yaml", which cannot be read/);
        });

        // The YAML reader refuses a repeated key; JSON.parse would keep the last, and the tenant get the second list of models.
        it("refuses a JSON directory that writes a key twice, as the YAML reader does", () => {
            const file = writeDirectory(fleet(), "fleet.json");
            fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(`"models":["${HAIKU}"]`, `"models":["${HAIKU}"],"models":["anthropic.claude-3-opus-20240229-v1:0"]`));
            assert.throws(() => loadTenantDirectory(file), /^ArgumentError: bedrock-tenancy:directory ".*fleet\.json" writes the key "models" twice in one object in tenants\[0\]: JSON keeps the last/);
        });
    });
});
