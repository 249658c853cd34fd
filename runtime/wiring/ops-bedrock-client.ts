/**
 * The Bedrock Runtime client every runtime entry calls through: signed with
 * the tenant's ops-role session, never with the compute's own credentials.
 */
import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { RuntimeConfig } from "./config";
import { createOpsCredentials } from "./ops-credentials";
import { integerAtLeast } from "../../contract";

export interface OpsBedrockClientOptions {
    /** Tags the ops session with this user as well as the tenant. */
    userId?: string;
    /** Bedrock Runtime endpoint URL. @default - the SDK's */
    endpoint?: string;
    /** Further client settings; `credentials` is always the ops session. */
    clientConfig?: Omit<BedrockRuntimeClientConfig, "credentials">;
    /** Socket connection timeout in ms. @default - the SDK's */
    connectionTimeoutMs?: number;
    /** The compute's own credentials, which call AssumeRole. @default - the default credential chain */
    customerCredentials?: AwsCredentialIdentityProvider;
    /** Region of the STS call. @default - `config.bedrockRegion` */
    stsRegion?: string;
    /**
     * Most sockets the client opens to Bedrock at once; calls beyond it wait
     * for a free socket. @default DEFAULT_BEDROCK_MAX_SOCKETS (500)
     */
    maxSockets?: number;
}

/**
 * Sized for a service (ECS, EC2) that keeps hundreds of calls in flight on
 * one client: the SDK's own default of 50 queues every call beyond the 50th.
 * Idle sockets are kept alive, so this is a ceiling, not an allocation.
 */
export const DEFAULT_BEDROCK_MAX_SOCKETS = 500;

/** A client over HTTP/1.1 (Converse needs no HTTP/2) with per-socket timeouts, as the runtime configures them. */
export function createOpsBedrockClient(config: RuntimeConfig, options: OpsBedrockClientOptions): BedrockRuntimeClient {
    const maxSockets = integerAtLeast("bedrockMaxSockets", options.maxSockets ?? DEFAULT_BEDROCK_MAX_SOCKETS, 1);
    return new BedrockRuntimeClient({
        region: config.bedrockRegion,
        maxAttempts: config.bedrockMaxAttempts,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        requestHandler: new NodeHttpHandler({
            connectionTimeout: options.connectionTimeoutMs,
            requestTimeout: config.bedrockRequestTimeoutMs,
            httpsAgent: { keepAlive: true, maxSockets },
            httpAgent: { keepAlive: true, maxSockets },
        }),
        ...options.clientConfig,
        credentials: createOpsCredentials({
            roleArn: config.opsRoleArn,
            externalId: config.externalId,
            tenantId: config.tenantId,
            userId: options.userId,
            durationSeconds: config.sessionDurationSeconds,
            region: options.stsRegion ?? config.bedrockRegion,
            customerCredentials: options.customerCredentials,
        }),
    });
}
