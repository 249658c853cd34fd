import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import { createHandler, type HandlerOptions, type LambdaContextLike } from "../runtime/lambda/handler";
import { RuntimeEnv } from "../contract/runtime-environment";
import { StdoutSink, type LineWriter } from "../runtime/sinks/stdout-sink";
import type { AuditRecord } from "../contract";

export const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
export const NOVA_LITE = "amazon.nova-lite-v1:0";
export const UNPRICED = "cohere.command-r-v1:0";
export const NOVA_PROFILE_ARN = "arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/novalite01";
export const OPS_ROLE_ARN = "arn:aws:iam::999999999999:role/BedrockTenantAccess-customer-a";
export const EXTERNAL_ID = "bt-customer-a-5d1f0c9e-external";

/** What `PrivateInvocationLogging` would set for customer-a. */
export const TENANT_ENV: Record<string, string> = {
    [RuntimeEnv.opsRoleArn]: OPS_ROLE_ARN,
    [RuntimeEnv.externalId]: EXTERNAL_ID,
    [RuntimeEnv.tenantId]: "customer-a",
    [RuntimeEnv.defaultModel]: HAIKU,
    [RuntimeEnv.allowedModels]: `${HAIKU},${NOVA_LITE},${UNPRICED}`,
    [RuntimeEnv.modelRoutes]: JSON.stringify({ [NOVA_LITE]: NOVA_PROFILE_ARN }),
    [RuntimeEnv.bedrockRegion]: "us-east-1",
};

/** Collects what a StdoutSink writes. */
export class CapturedStdout implements LineWriter {
    readonly text: string[] = [];
    write(chunk: string, callback: (err?: Error | null) => void): boolean {
        this.text.push(chunk);
        callback();
        return true;
    }
    records(): AuditRecord[] {
        return this.text.join("").split("\n").filter(Boolean).map((l) => JSON.parse(l) as AuditRecord);
    }
    all(): string {
        return this.text.join("");
    }
}

export const CONTEXT: LambdaContextLike = { getRemainingTimeInMillis: () => 30_000 };

/** Retries without waiting, so retry tests do not sleep through SDK backoff. */
export function fastRetries(maxAttempts: number) {
    return { retryStrategy: new ConfiguredRetryStrategy(maxAttempts, () => 1) };
}

/** A handler reading `env`, writing records into a captured stdout. */
export function handlerWithCapture(env: Record<string, string>, options: HandlerOptions = {}) {
    const stdout = new CapturedStdout();
    const handler = createHandler({
        env: { ...env, ...TENANT_ENV },
        sink: new StdoutSink({ stream: stdout }),
        bedrockClientConfig: fastRetries(3),
        onWarning: () => undefined,
        ...options,
    });
    return { handler, stdout };
}

export function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { prompt: "Summarise the contract.", userId: "user-17", applicationId: "claims-app", ...overrides };
}
