/**
 * The Bedrock Runtime client every runtime entry calls through: signed with
 * the tenant's ops-role session, never with the compute's own credentials.
 */
import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { RuntimeConfig } from "./config";
import { createOpsCredentials, customerCredentialsProblem } from "./ops-credentials";
import { afterOpsSession } from "../sts-failure";
import { OwnKeyCacheSignatureV4 } from "../signing-keys";
import { streamRunOf } from "../audited-chat-model";
import { RuntimeSecrets, holdSecrets, withoutSecrets } from "../secrets";
import { booleanProblem, firstProblem, httpUrlProblem, integerAtLeast, integerAtLeastProblem, membersUnreadableProblem, raise, recordProblem, regionProblem, show, type Problem } from "../../contract";

export interface OpsBedrockClientOptions {
    /** Tags the ops session with this user as well as the tenant. */
    userId?: string;
    /** Bedrock Runtime endpoint URL. @default - the SDK's */
    endpoint?: string;
    /**
     * Further client settings; `credentials` is always the ops session.
     * `cacheMiddleware` defaults to `true` here (see {@link createOpsBedrockClient}).
     */
    clientConfig?: Omit<BedrockRuntimeClientConfig, "credentials">;
    /** How long one attempt may take to connect, ms. @default DEFAULT_BEDROCK_CONNECTION_TIMEOUT_MS (3000) */
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
/**
 * The SDK's handler sets no connection limit: an endpoint that never
 * completes the handshake (a security group dropping it, say) would hold an
 * attempt for as long as the operating system keeps trying, minutes.
 */
export const DEFAULT_BEDROCK_CONNECTION_TIMEOUT_MS = 3000;

/**
 * Throws an `ArgumentError` for a bad option, named as the runtime entries
 * name it (`bedrockEndpoint`, ...). A caller that builds its clients later
 * (one per user) calls it at construction, so a bad option stops the cold
 * start instead of failing every call.
 */
export function checkOpsBedrockClientOptions(options: OpsBedrockClientOptions): void {
    raise(
        options.endpoint === undefined ? undefined : httpUrlProblem("bedrockEndpoint", options.endpoint),
        options.clientConfig === undefined ? undefined : clientConfigProblem("bedrockClientConfig", options.clientConfig),
        options.connectionTimeoutMs === undefined ? undefined : integerAtLeastProblem("bedrockConnectionTimeoutMs", options.connectionTimeoutMs, 1),
        options.customerCredentials === undefined ? undefined : customerCredentialsProblem("customerCredentials", options.customerCredentials),
    );
    integerAtLeast("bedrockMaxSockets", options.maxSockets ?? DEFAULT_BEDROCK_MAX_SOCKETS, 1);
}

/**
 * Settings of the SDK's client config that would sign calls with something
 * other than the ops session: `credentials` would be overridden by it, and a
 * bearer `token` would bypass it.
 */
const SIGNING_SETTINGS = ["credentials", "token"];

/**
 * `value` must be Bedrock client settings. The SDK's config has too many
 * fields, and grows with it, to list: the ones a typo or a wrong type would
 * turn into a silently different client are checked; others pass to the SDK
 * as given.
 */
function clientConfigProblem(argName: string, value: unknown): Problem {
    const problem = recordProblem(argName, value) ?? membersUnreadableProblem(argName, value);
    if (problem !== undefined) return problem;
    const config = value as Record<string, unknown>;
    const provided = (key: string, check: (v: unknown) => Problem) => () => (typeof config[key] === "function" || config[key] === undefined ? undefined : check(config[key]));
    const signing = SIGNING_SETTINGS.find((key) => config[key] !== undefined);
    return firstProblem(
        // A credential may hold a secret key: named, never shown.
        () => (signing === undefined ? undefined : `${argName}.${signing} is not accepted: every call is signed with the tenant's ops session (give the compute's own credentials as customerCredentials)`),
        () => {
            const nulled = Object.keys(config).find((key) => config[key] === null);
            return nulled === undefined ? undefined : `${argName}.${nulled} must be omitted (or undefined) to take its default, got null`;
        },
        provided("region", (v) => regionProblem(`${argName}.region`, v)),
        provided("maxAttempts", (v) => integerAtLeastProblem(`${argName}.maxAttempts`, v, 1)),
        provided("retryMode", (v) => (v === "standard" || v === "adaptive" || v === "legacy" ? undefined : `${argName}.retryMode must be "standard", "adaptive" or "legacy", got ${show(v)}`)),
        provided("useFipsEndpoint", (v) => booleanProblem(`${argName}.useFipsEndpoint`, v)),
        provided("useDualstackEndpoint", (v) => booleanProblem(`${argName}.useDualstackEndpoint`, v)),
        () => (config.cacheMiddleware === undefined ? undefined : booleanProblem(`${argName}.cacheMiddleware`, config.cacheMiddleware)),
        provided("endpoint", (v) => (typeof v === "string" ? httpUrlProblem(`${argName}.endpoint`, v) : recordProblem(`${argName}.endpoint`, v, "a URL, an endpoint object or a provider"))),
        provided("requestHandler", (v) => recordProblem(`${argName}.requestHandler`, v, "a request handler")),
        provided("retryStrategy", (v) => recordProblem(`${argName}.retryStrategy`, v, "a retry strategy")),
        provided("logger", (v) => recordProblem(`${argName}.logger`, v, "a logger")),
    );
}

/** A client over HTTP/1.1 (Converse needs no HTTP/2) with per-socket timeouts, as the runtime configures them. */
export function createOpsBedrockClient(config: RuntimeConfig, options: OpsBedrockClientOptions): BedrockRuntimeClient {
    checkOpsBedrockClientOptions(options);
    const maxSockets = integerAtLeast("bedrockMaxSockets", options.maxSockets ?? DEFAULT_BEDROCK_MAX_SOCKETS, 1);
    const secrets = new RuntimeSecrets(config.externalId);
    const client = sessionFirst(cachingBedrockClient({
        region: config.bedrockRegion,
        maxAttempts: config.bedrockMaxAttempts,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        requestHandler: new NodeHttpHandler({
            connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_BEDROCK_CONNECTION_TIMEOUT_MS,
            // The documented "socket timeout of one Bedrock attempt": an attempt whose socket stays silent this long fails
            // with a TimeoutError, which the SDK retries. `requestTimeout` only logs a warning in this handler, and as a
            // limit on the whole request it would cut a long stream that is still sending; an idle limit does not.
            socketTimeout: config.bedrockRequestTimeoutMs,
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
            secrets,
        }),
    }), secrets);
    holdSecrets(client, secrets);
    return client;
}

/**
 * The client, whose calls with an abort signal obtain the ops session first
 * as a step of their own ({@link afterOpsSession}), so a record of a call
 * stopped meanwhile can say it ended at AssumeRole.
 */
function sessionFirst(client: BedrockRuntimeClient, secrets: RuntimeSecrets): BedrockRuntimeClient {
    const send = client.send.bind(client) as Send;
    const sessionOf = () => client.config.credentials();
    const clean = (err: unknown) => {
        throw withoutSecrets(err, secrets);
    };
    const sendAfterSession: Send = (command, optionsOrCallback, callback) => {
        // The SDK's callback forms, `send(command, callback)` and `send(command, options, callback)`: the error reaches the callback cleaned too.
        const given = typeof optionsOrCallback === "function" ? optionsOrCallback : callback;
        if (typeof given === "function") {
            const cleaned = (err: unknown, output?: unknown) => (given as (err: unknown, output?: unknown) => void)(err == null ? err : withoutSecrets(err, secrets), output);
            return given === optionsOrCallback ? send(command, cleaned) : send(command, optionsOrCallback, cleaned);
        }
        const signal = typeof optionsOrCallback === "object" && optionsOrCallback !== null ? (optionsOrCallback as { abortSignal?: unknown }).abortSignal : undefined;
        if (!(signal instanceof AbortSignal)) return (send(command, optionsOrCallback) as Promise<unknown>).catch(clean);
        return afterOpsSession(sessionOf, signal, () => send(command, optionsOrCallback) as Promise<unknown>, streamRunOf(command)).catch(clean);
    };
    client.send = sendAfterSession as BedrockRuntimeClient["send"];
    return client;
}

type Send = (command: unknown, optionsOrCallback?: unknown, callback?: unknown) => unknown;

/**
 * A Bedrock Runtime client whose calls without an abort signal reuse the
 * handler the SDK resolved for the first call of their kind
 * (`cacheMiddleware`): building the middleware stack anew is 15 to 26
 * percent of a call's CPU in the client (bench section 3). `config` can turn
 * it off, and a retry strategy of the SDK's first kind (one without
 * `acquireInitialRetryToken`) keeps it off. A call with a signal has it
 * bound into a handler of its own, as before. ChatBedrockConverse passes
 * `{ abortSignal: options.signal }` on every call, `undefined` when the
 * caller gave no signal, and any options object turns the cache off for that
 * call; options that hold nothing are dropped here, options that hold
 * anything reach the SDK as given.
 */
export function cachingBedrockClient(config: BedrockRuntimeClientConfig): BedrockRuntimeClient {
    // A retry strategy of the SDK's first kind adds to the handler's context on every call, which a cached handler
    // keeps: its user agent would grow by one entry per call. Such a client keeps building a handler per call.
    const legacyRetries = config.retryStrategy !== undefined && typeof (config.retryStrategy as { acquireInitialRetryToken?: unknown }).acquireInitialRetryToken !== "function";
    const client = new BedrockRuntimeClient({ cacheMiddleware: !legacyRetries, signerConstructor: OwnKeyCacheSignatureV4, ...config });
    const send = client.send.bind(client) as Send;
    const sendWithoutEmpty: Send = (command, optionsOrCallback, callback) => send(command, holdsNothing(optionsOrCallback) ? undefined : optionsOrCallback, callback);
    client.send = sendWithoutEmpty as BedrockRuntimeClient["send"];
    return client;
}

function holdsNothing(options: unknown): boolean {
    if (typeof options !== "object" || options === null) return false;
    for (const key in options) {
        if ((options as Record<string, unknown>)[key] !== undefined) return false;
    }
    return true;
}
