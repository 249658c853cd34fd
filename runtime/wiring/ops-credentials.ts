/**
 * Credentials for the tenant's ops-account role. One provider per container
 * (per user when sessions are tagged with the user): the SDK client caches
 * what it returns and refreshes five minutes before expiry, so warm
 * invocations make no STS call.
 */
import { fromTemporaryCredentials, fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { markStsFailure } from "../sts-failure";
import { OwnKeyCacheSignatureV4 } from "../signing-keys";
import { RuntimeSecrets, withoutSecrets } from "../secrets";
import { ArgumentError, raise, SESSION_TAG_KEYS, showBrief, type Problem } from "../../contract";

/** Session tag keys set on every ops session: the ones the tenant role's trust admits. */
export const SessionTagKey = SESSION_TAG_KEYS;

/** STS session names: 2-64 of `[\w+=,.@-]`. Tenant ids (1-32 of `[a-z0-9-]`) always fit. */
const SESSION_NAME_PREFIX = "bedrock-tenancy-";
/** STS session tag values: at most 256 of letters, digits, spaces and `_.:/=+-@`. */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/**
 * How long one AssumeRole attempt may take to connect, and then to answer.
 * STS answers in well under a second and a call waits for it: without these,
 * an endpoint that accepts and never answers holds a call for the SDK's
 * three attempts of its default socket timeout, over three minutes.
 */
export const DEFAULT_STS_CONNECTION_TIMEOUT_MS = 3000;
export const DEFAULT_STS_REQUEST_TIMEOUT_MS = 5000;

export interface OpsCredentialsOptions {
    roleArn: string;
    externalId: string;
    tenantId: string;
    /** Adds a `UserId` session tag. @default - tenant tag only */
    userId?: string;
    /** At most 3600: a Lambda role assuming another role is role chaining. */
    durationSeconds: number;
    /** Region of the STS endpoint. */
    region: string;
    /** The customer account's own credentials that call AssumeRole. @default - the default credential chain */
    customerCredentials?: AwsCredentialIdentityProvider;
    /** @default - {@link DEFAULT_STS_CONNECTION_TIMEOUT_MS}, {@link DEFAULT_STS_REQUEST_TIMEOUT_MS} */
    stsTimeouts?: { connectionMs: number; requestMs: number };
    /** Notes the identities it resolves, and keeps them and the ExternalId out of its errors. @default - the ExternalId only */
    secrets?: RuntimeSecrets;
}

export function sessionName(tenantId: string): string {
    return `${SESSION_NAME_PREFIX}${tenantId}`;
}

export function sessionTags(tenantId: string, userId?: string): { Key: string; Value: string }[] {
    const tags: { Key: string; Value: string }[] = [{ Key: SessionTagKey.tenantId, Value: tenantId }];
    if (userId !== undefined) {
        // test() would read a number as its digits and STS would then refuse the tag on every call.
        if (typeof userId !== "string") {
            throw new ArgumentError(`userId must be a string (an STS session tag value), got ${showBrief(userId)}`);
        }
        if (!TAG_VALUE.test(userId)) {
            throw new ArgumentError(`userId cannot be an STS session tag value (at most 256 of letters, digits, spaces and _.:/=+-@), got a string of ${userId.length} characters`);
        }
        tags.push({ Key: SessionTagKey.userId, Value: userId });
    }
    return tags;
}

/**
 * `value` must be credentials the AWS SDK takes: a provider function, or an
 * identity with its keys. Anything else fails only at the first AssumeRole,
 * where it reads as an STS failure of every call.
 */
export function customerCredentialsProblem(argName: string, value: unknown): Problem {
    if (typeof value === "function") return undefined;
    const identity = value as { accessKeyId?: unknown; secretAccessKey?: unknown } | null;
    if (typeof identity === "object" && identity !== null && typeof identity.accessKeyId === "string" && typeof identity.secretAccessKey === "string") return undefined;
    // The value may hold a secret key, so only its kind is shown.
    const kind =
        typeof value === "object" && value !== null
            ? `an object with keys ${Object.keys(value).join(", ") || "(none)"}`
            : typeof value === "string"
              ? `a string of ${value.length} characters`
              : showBrief(value);
    return `${argName} must be a credential provider function or { accessKeyId, secretAccessKey }, got ${kind}`;
}

/**
 * A provider that assumes the ops role with the ExternalId; create it once and
 * reuse it. Its failures are marked as STS's, so the call's record names
 * `AssumeRole` and STS's request id.
 */
export function createOpsCredentials(options: OpsCredentialsOptions): AwsCredentialIdentityProvider {
    raise(options.customerCredentials === undefined ? undefined : customerCredentialsProblem("customerCredentials", options.customerCredentials));
    const secrets = options.secrets ?? new RuntimeSecrets(options.externalId);
    const customer = options.customerCredentials ?? fromNodeProviderChain();
    if (typeof customer === "function") secrets.identityFrom(() => customer());
    const assume = fromTemporaryCredentials({
        params: {
            RoleArn: options.roleArn,
            ExternalId: options.externalId,
            RoleSessionName: sessionName(options.tenantId),
            DurationSeconds: options.durationSeconds,
            Tags: sessionTags(options.tenantId, options.userId),
        },
        masterCredentials:
            typeof customer === "function"
                ? async (props) => {
                      const identity = await customer(props);
                      secrets.noteIdentity(identity);
                      return identity;
                  }
                : (secrets.noteIdentity(customer), customer),
        clientConfig: {
            region: options.region,
            signerConstructor: OwnKeyCacheSignatureV4,
            // A socket timeout fails the attempt (a requestTimeout alone only logs a warning), and the SDK retries it.
            requestHandler: new NodeHttpHandler({
                connectionTimeout: options.stsTimeouts?.connectionMs ?? DEFAULT_STS_CONNECTION_TIMEOUT_MS,
                socketTimeout: options.stsTimeouts?.requestMs ?? DEFAULT_STS_REQUEST_TIMEOUT_MS,
            }),
        },
    });
    return async (props) => {
        try {
            const identity = await assume(props);
            secrets.noteIdentity(identity);
            return identity;
        } catch (err) {
            throw markStsFailure(withoutSecrets(err, secrets));
        }
    };
}
