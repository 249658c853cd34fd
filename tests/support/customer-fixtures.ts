import * as fs from "fs";
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";
import type { PrivateInvocationLoggingArgs } from "../../components/private-invocation-logging/args";
import { PrivateInvocationLogging } from "../../components/private-invocation-logging/private-invocation-logging";
import { promiseOf } from "../../testing/pulumi-mocks";
import { makeTempDir } from "./temp-dir";

export const OPS_ACCOUNT = "999999999999";
export const CUSTOMER_A_ACCOUNT = "111111111111";
export const CUSTOMER_B_ACCOUNT = "222222222222";
export const US_HAIKU_35 = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
export const US_SONNET_37 = "us.anthropic.claude-3-7-sonnet-20250219-v1:0";
export const EXTERNAL_ID_A = "ext-7f3a9c2e-customer-a";
export const HAIKU_PROFILE_ARN = `arn:aws:bedrock:us-east-1:${OPS_ACCOUNT}:application-inference-profile/abc123haiku`;

export function opsRoleArnFor(tenantId: string): string {
    return `arn:aws:iam::${OPS_ACCOUNT}:role/BedrockTenantAccess-${tenantId}`;
}

/** A stand-in runtime bundle in a fresh temp dir (the component only packages the file). */
export function fixtureBundle(): string {
    const dir = makeTempDir("bedrock-tenancy-bundle-");
    const file = path.join(dir, "index.mjs");
    fs.writeFileSync(file, "export const handler = async () => ({ ok: true });\n");
    return file;
}

/** Valid arguments for customer-a; tests override what they examine. */
export function customerAArgs(overrides: Partial<PrivateInvocationLoggingArgs> = {}): PrivateInvocationLoggingArgs {
    return {
        tenantId: "customer-a",
        accountId: CUSTOMER_A_ACCOUNT,
        region: "us-east-1",
        opsRoleArn: opsRoleArnFor("customer-a"),
        externalId: EXTERNAL_ID_A,
        allowedModels: [US_HAIKU_35, US_SONNET_37],
        modelRoutes: { [US_HAIKU_35]: HAIKU_PROFILE_ARN },
        ...overrides,
    };
}

/** Waits until the component's outputs (and so its children) have resolved. */
export async function settle(c: PrivateInvocationLogging): Promise<void> {
    const outputs: pulumi.Output<unknown>[] = [c.functionName, c.functionArn, c.logGroupName, c.logGroupArn, c.kmsKeyArn, c.runtimeRoleArn, c.throttleAlarmArn, c.environment];
    await Promise.all(outputs.map((o) => promiseOf(o)));
}
