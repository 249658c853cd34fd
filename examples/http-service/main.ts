/**
 * Runs the chat service with settings from the environment and delivers every
 * buffered audit record before the process exits on SIGTERM or SIGINT.
 */
import { flushOnShutdown } from "bedrock-tenancy/runtime";
import { createChatService } from "./chat-service";

function required(name: string): string {
    const value = process.env[name];
    if (!value) {
        throw new Error(`environment variable ${name} is required`);
    }
    return value;
}

async function main(): Promise<void> {
    const service = createChatService({
        tenantId: required("TENANT_ID"),
        opsRoleArn: required("OPS_ROLE_ARN"),
        externalId: required("EXTERNAL_ID"),
        modelId: required("MODEL_ID"),
        inferenceProfileArn: process.env.INFERENCE_PROFILE_ARN || undefined,
        guardrail: process.env.GUARDRAIL_ARN ? { identifier: process.env.GUARDRAIL_ARN, version: required("GUARDRAIL_VERSION") } : undefined,
        logGroupName: required("AUDIT_LOG_GROUP"),
        region: required("AWS_REGION"),
        flushIntervalMs: process.env.AUDIT_FLUSH_INTERVAL_MS ? Number(process.env.AUDIT_FLUSH_INTERVAL_MS) : undefined,
    });
    const url = await service.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? "0.0.0.0");
    console.log(`listening on ${url}`);
    // ECS sends SIGTERM, then SIGKILL 30 s later: finish the calls in progress and deliver every record.
    flushOnShutdown(service.logger, { beforeFlush: () => service.close() });
}

main().catch((err) => {
    console.error((err as Error).message);
    process.exit(1);
});
