import type * as aws from "@pulumi/aws";
import { parseRecordedPolicy } from "./recorded-policy";
import type { MockOptions, RecordedResource } from "./pulumi-mocks";

export const OPS_ACCOUNT = "999999999999";
export const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
export const US_HAIKU_35 = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
export const GUARDRAIL_ARN = "arn:aws:bedrock:us-east-1:999999999999:guardrail/abcdefgh1234";

/** Mock options for an ops-account program; `getCallerIdentity` counts its calls in `counter`. */
export function opsMockOptions(config: Record<string, unknown> = {}, counter = { calls: 0 }): MockOptions {
    return {
        account: OPS_ACCOUNT,
        config: { "aws:region": "us-east-1", ...config },
        calls: {
            "aws:index/getCallerIdentity:getCallerIdentity": () => {
                counter.calls += 1;
                return { accountId: OPS_ACCOUNT, arn: `arn:aws:iam::${OPS_ACCOUNT}:user/deployer`, userId: "AIDEXAMPLE" };
            },
        },
    };
}

/** A policy input as the engine recorded it (a JSON string or a document object). */
export function parsePolicy(value: unknown): aws.iam.PolicyDocument {
    return parseRecordedPolicy(value, "recorded policy input");
}

/** The trust and permissions documents a `BedrockTenantAccess` named `name` registered. */
export function policiesOf(recorded: RecordedResource[], name: string): { trust: aws.iam.PolicyDocument; permissions: aws.iam.PolicyDocument; role: RecordedResource } {
    const role = recorded.find((r) => r.type === "aws:iam/role:Role" && r.name === `${name}-role`);
    const policy = recorded.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === `${name}-invoke`);
    if (!role || !policy) {
        throw new Error(`no role or role policy recorded for ${name}`);
    }
    return { trust: parsePolicy(role.inputs.assumeRolePolicy), permissions: parsePolicy(policy.inputs.policy), role };
}

/**
 * Waits until every registration the program started has reached the mock
 * engine (the SDK tracks them; `waitForRPCs` is exported but not typed).
 */
export async function settled(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the typed module does not declare it
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
    await settings.waitForRPCs();
}

/** The error an Output fails with (`promise()` is in the runtime, not the typings). */
export async function failureOf(output: unknown): Promise<Error> {
    try {
        await (output as { promise(): Promise<unknown> }).promise();
    } catch (e) {
        return e as Error;
    }
    throw new Error("expected the output to fail, but it resolved");
}
