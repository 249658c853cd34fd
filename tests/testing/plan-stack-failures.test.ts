/**
 * planStack settles when the program fails inside an Output's callback: it
 * rejects with the program's own message, whether or not the failing value
 * reaches a stack output or a resource, and leaves nothing to fail later.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { PrivateInvocationLogging, tenantAccessFrom } from "../../components";
import { planStack } from "../../testing";

const OPS = "acme/acme-bedrock/ops";
const TENANTS = {
    "customer-a": {
        roleArn: "arn:aws:iam::999999999999:role/BedrockTenantAccess-customer-a",
        externalId: "an-external-id-for-customer-a",
        runtimeRoleName: "BedrockTenancyRuntime-customer-a",
        accounts: ["111111111111"],
        allowedModels: ["anthropic.claude-3-haiku-20240307-v1:0"],
        inferenceProfileArns: { "anthropic.claude-3-haiku-20240307-v1:0": "arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/abc" },
        region: "us-east-1",
    },
};
const options = { project: "acme-bedrock", stack: "customer-z", account: "111111111111", stackOutputs: { [OPS]: { outputs: { tenants: TENANTS }, secretOutputNames: ["tenants"] } } };
const NOT_IN_OPS = 'tenant "customer-z" is not in the "tenants" output of ops stack "acme/acme-bedrock/ops" (it has "customer-a")';

/** Errors nothing caught while `run` ran, and for a while after it settled. */
async function uncaughtDuring<T>(run: () => Promise<T>): Promise<{ settled: PromiseSettledResult<T>; uncaught: unknown[] }> {
    const uncaught: unknown[] = [];
    const onError = (e: unknown) => uncaught.push(e);
    const mochaListeners = { rejection: process.listeners("unhandledRejection"), exception: process.listeners("uncaughtException") };
    process.removeAllListeners("unhandledRejection").removeAllListeners("uncaughtException");
    process.on("unhandledRejection", onError).on("uncaughtException", onError);
    try {
        const settled = await Promise.race([
            run().then((value) => ({ status: "fulfilled" as const, value }), (reason: unknown) => ({ status: "rejected" as const, reason })),
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error("planStack did not settle within 20 s")), 20_000).unref()),
        ]);
        await new Promise((resolve) => setTimeout(resolve, 500));
        return { settled, uncaught };
    } finally {
        process.removeListener("unhandledRejection", onError).removeListener("uncaughtException", onError);
        mochaListeners.rejection.forEach((l) => process.on("unhandledRejection", l));
        mochaListeners.exception.forEach((l) => process.on("uncaughtException", l));
    }
}

function assertRejected(settled: PromiseSettledResult<unknown>, message: string): void {
    assert.strictEqual(settled.status, "rejected");
    const reason: unknown = settled.reason;
    assert.ok(reason instanceof Error && reason.message.includes(message), String(reason));
}

describe("bedrock-tenancy/testing planStack when the program fails inside an Output", function () {
    this.timeout(60_000);

    it("rejects with the message when the failing value reaches a resource and a stack output (the README's customer program)", async () => {
        const { settled, uncaught } = await uncaughtDuring(() => planStack(() => {
            const access = tenantAccessFrom(OPS, "customer-z");
            const logging = new PrivateInvocationLogging("customer-z", {
                tenantId: "customer-z", contentMode: "hash",
                opsRoleArn: access.roleArn, externalId: access.externalId, bedrockRegion: access.region,
                allowedModels: access.allowedModels, modelRoutes: access.inferenceProfileArns,
            });
            return { functionName: logging.functionName, logGroupName: logging.logGroupName };
        }, options));
        assert.deepStrictEqual(uncaught, []);
        assertRejected(settled, NOT_IN_OPS);
    });

    it("rejects with the message when the failing value is never used", async () => {
        const { settled, uncaught } = await uncaughtDuring(() => planStack(() => {
            void tenantAccessFrom(OPS, "customer-z");
        }, options));
        assert.deepStrictEqual(uncaught, []);
        assertRejected(settled, NOT_IN_OPS);
    });

    it("rejects with the message when only a stack output fails", async () => {
        const { settled, uncaught } = await uncaughtDuring(() => planStack(() => ({
            broken: pulumi.output("x").apply((): string => { throw new Error("the program's own failure"); }),
        }), options));
        assert.deepStrictEqual(uncaught, []);
        assertRejected(settled, "the program's own failure");
    });

    it("still plans a program that does not fail", async () => {
        const doc = await planStack(() => ({ roleArn: tenantAccessFrom(OPS, "customer-a").roleArn }), options);
        const stack = doc.deployment.resources.find((r) => r.type === "pulumi:pulumi:Stack") as { outputs: Record<string, unknown> };
        assert.strictEqual(stack.outputs.roleArn, TENANTS["customer-a"].roleArn);
    });
});
