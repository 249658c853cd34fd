/**
 * A program that reads another stack, planned without that stack's outputs
 * among the mocks' `stackOutputs`, fails naming the stack and the option to
 * give, with the message as written: not under one "error serializing
 * property" layer per resource input that reads the reference.
 */
import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { planStack } from "../../testing/plan-file";

describe("a stack reference the mocks were given no outputs for", () => {
    it("fails the plan naming the stack and stackOutputs", async () => {
        const failure = await planStack(
            () => {
                const ops = new pulumi.StackReference("acme/acme-bedrock/ops");
                const role = new aws.iam.Role("runtime", { assumeRolePolicy: ops.getOutput("trust").apply(String) });
                new aws.iam.RolePolicy("runtime", { role: role.name, policy: ops.getOutput("policy").apply(String) });
                return { arn: role.arn };
            },
            { project: "acme-bedrock", stack: "customer-a", stackOutputs: { "acme/acme-bedrock/other": { outputs: {} } } },
        ).then(() => undefined, (e: Error) => e);
        assert.ok(failure, "the plan succeeded");
        assert.doesNotMatch(failure.message, /error serializing/);
        assert.equal(
            failure.message,
            'no mocked stack named "acme/acme-bedrock/ops": give its outputs in the mocks\' stackOutputs option (stackOutputs: { "acme/acme-bedrock/ops": { outputs: { … } } }); the mocks have "acme/acme-bedrock/other"',
        );
    });
});
