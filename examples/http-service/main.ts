/**
 * Runs the chat service with settings from the environment and delivers every
 * buffered audit record before the process exits on SIGTERM or SIGINT.
 */
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
        logGroupName: required("AUDIT_LOG_GROUP"),
        region: required("AWS_REGION"),
    });
    const url = await service.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? "0.0.0.0");
    console.log(`listening on ${url}`);
    const stop = () => {
        service.close().then(
            () => process.exit(0),
            (err) => {
                console.error(err);
                process.exit(1);
            },
        );
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
}

main().catch((err) => {
    console.error((err as Error).message);
    process.exit(1);
});
