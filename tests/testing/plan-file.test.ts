import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { BedrockTenantFleet } from "../../components";
import { planStack, writeStackExport } from "../../testing";
import { readStackState } from "../../verifier/pulumi-formats";
import { verifyFiles } from "../../verifier/verify";
import { makeTempDir } from "../support/temp-dir";

describe("bedrock-tenancy/testing planStack", () => {
    let file: string;
    const prototype = pulumi.ComponentResource.prototype as unknown as Record<string, unknown>;
    const pulumiOwn = prototype.registerOutputs;
    let duringPlan: unknown;

    before(async () => {
        const doc = await planStack(() => {
            duringPlan = prototype.registerOutputs;
            const fleet = new BedrockTenantFleet("tenants", {
                tenants: [{ tenantId: "customer-a", accounts: ["111111111111"], models: ["anthropic.claude-3-haiku-20240307-v1:0"] }],
            });
            return { tenants: fleet.tenants, plain: "visible" };
        }, { project: "acme", stack: "ops", account: "999999999999" });
        file = path.join(makeTempDir("plan-stack-"), "ops.json");
        writeStackExport(file, doc);
    });

    it("writes a stack export the verifier's reader takes, secrets as decrypted plaintext", () => {
        const raw = JSON.parse(fs.readFileSync(file, "utf8"));
        const stack = raw.deployment.resources.find((r: { type: string }) => r.type === "pulumi:pulumi:Stack");
        assert.strictEqual(stack.outputs.tenants["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
        assert.strictEqual(stack.outputs.plain, "visible");
        const state = readStackState(file, fs.readFileSync(file, "utf8"));
        assert.strictEqual(state.stack, "ops");
        const role = state.resources.find((r) => r.type === "aws:iam/role:Role");
        assert.strictEqual(role?.outputs.arn, "arn:aws:iam::999999999999:role/BedrockTenantAccess-customer-a");
    });

    it("keeps each component's registered outputs", () => {
        const state = readStackState(file, fs.readFileSync(file, "utf8"));
        const access = state.resources.find((r) => r.type === "bedrock-tenancy:index:BedrockTenantAccess");
        assert.strictEqual(access?.outputs.tenantId, "customer-a");
        assert.match(String(access?.outputs.externalId), /^[\w+=,.@:/-]{2,1224}$/);
    });

    it("leaves Pulumi's classes as they are while the program runs", () => {
        assert.strictEqual(duringPlan, pulumiOwn);
    });

    it("gives the verifier a plan it proves without violations", () => {
        assert.deepStrictEqual(verifyFiles([file]).violations, []);
    });
});
