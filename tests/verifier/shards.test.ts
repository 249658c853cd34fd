/**
 * A fleet spread over shards: one ops file per shard, each of its own ops
 * account, proved together with the customer files; the fleet-wide checks
 * span every file.
 */
import * as assert from "assert";
import * as fs from "fs";
import { readStackState } from "../../verifier/pulumi-formats";
import { verifyStates } from "../../verifier/verify";
import { shippedPlan } from "../support/plan-files";
import { SECOND_OPS_ACCOUNT, writeShardFiles } from "../support/shard-files";

const COMPONENT = "bedrock-tenancy:index:BedrockTenantAccess";

function proveFiles(files: string[]) {
    return verifyStates(files.map((f) => readStackState(f, fs.readFileSync(f, "utf8"))));
}

describe("the verifier on ops files of several shards", function () {
    this.timeout(300_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    it("proves two shards in different ops accounts with the customer file, each tenant in its own shard", () => {
        const result = proveFiles(writeShardFiles(plan));
        assert.deepStrictEqual(result.violations.map((v) => `${v.code} ${v.tenant}: ${v.why}`), []);
        assert.deepStrictEqual(result.tenants.map((t) => [t.intent.tenantId, t.intent.stack]).sort(), [["customer-a", "ops-1"], ["customer-b", "ops-2"]]);
        assert.ok(result.tenants.find((t) => t.intent.tenantId === "customer-b")!.intent.roleArn.includes(`::${SECOND_OPS_ACCOUNT}:role/`));
        assert.deepStrictEqual(result.customers.map((c) => c.tenantId), ["customer-a"]);
    });

    it("rejects a customer account listed by tenants of two shards, naming both tenants and both ops stacks", () => {
        const files = writeShardFiles(plan, (shards) => {
            shards["ops-2"].deployment.resources.find((r) => r.type === COMPONENT && r.urn.endsWith("::tenants-customer-b")).outputs.accounts.push("111111111111");
        });
        const result = proveFiles(files);
        const shared = result.violations.filter((v) => v.code === "BT-FLEET-SHARED" && v.why.includes("customer account 111111111111"));
        assert.deepStrictEqual(shared.map((v) => v.why), ["customer account 111111111111 belongs to both customer-a and customer-b (ops stacks ops-1 and ops-2)"]);
        assert.ok(result.violations.some((v) => v.code === "BT-FLEET-RULE" && /customer-b.*lists account 111111111111, which .*customer-a/.test(v.why)));
    });

    it("rejects a tenant id planned in two shards", () => {
        const files = writeShardFiles(plan, (shards) => {
            const b = shards["ops-2"].deployment.resources.find((r) => r.type === COMPONENT && r.urn.endsWith("::tenants-customer-b"));
            b.outputs.tenantId = "customer-a";
            b.inputs.tenantId = "customer-a";
        });
        const result = proveFiles(files);
        assert.ok(result.violations.some((v) => v.code === "BT-FLEET-RULE" && /tenants-customer-b of stack ops-2 \(customer-a\): the tenant id is already the BedrockTenantAccess tenants-customer-a of stack ops-1.s/.test(v.why)), result.violations.map((v) => v.why).join("\n"));
    });
});
