/**
 * SigV4 for the AWS clients the runtime builds for itself (CloudWatch Logs,
 * STS, its Bedrock client), with a signing-key cache of their own. The
 * archive's S3 client keeps the SDK's signer: S3 signs with its multi-Region
 * one.
 *
 * The SDK's signer keeps one cache for the whole process, bounded by a queue
 * of 50 that gains an entry on every miss, and a key is stored only once its
 * derivation (four HMACs) has finished. Calls that miss together all queue
 * the same key, and once the queue overflows each later miss evicts the key
 * at its head, which is mostly that same key. With a second key in the
 * process (the audit upload's, say) the two evict each other for good: with
 * 200 Bedrock calls in flight and the Logs sink uploading beside them, every
 * call re-derived its key (6 HMACs a call against 2, bench section 3).
 * Keeping the runtime's own clients out of that cache leaves it to the
 * caller's clients alone, as it is without the runtime.
 */
import { createHmac } from "crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity } from "@smithy/types";

/** Keys kept at most: one per (credentials, day, Region, service), far more than the runtime's clients use at once. */
const MAX_KEYS = 64;

interface CachedKey {
    /** The secret the key was derived from: credentials rotated under the same key id derive a new one. */
    secretAccessKey: string;
    key: Uint8Array;
}

const keys = new Map<string, CachedKey>();

/** The SigV4 signing key: HMAC-SHA256 of the day, the Region, the service and `aws4_request` in turn. */
export function deriveSigningKey(secretAccessKey: string, shortDate: string, region: string, service: string): Uint8Array {
    let key: Uint8Array = Buffer.from(`AWS4${secretAccessKey}`, "utf8");
    for (const part of [shortDate, region, service, "aws4_request"]) key = createHmac("sha256", key).update(part, "utf8").digest();
    return key;
}

/** The cached key for this scope, derived at once (synchronously) on a miss: concurrent calls never derive it twice. */
export function cachedSigningKey(credentials: AwsCredentialIdentity, shortDate: string, region: string, service: string): Uint8Array {
    const id = `${credentials.accessKeyId}\n${credentials.sessionToken ?? ""}\n${shortDate}\n${region}\n${service}`;
    const cached = keys.get(id);
    if (cached !== undefined && cached.secretAccessKey === credentials.secretAccessKey) return cached.key;
    // Dropping them all at once is O(1) per key, and the runtime's few clients refill it on their next calls.
    if (keys.size >= MAX_KEYS) keys.clear();
    const key = deriveSigningKey(credentials.secretAccessKey, shortDate, region, service);
    keys.set(id, { secretAccessKey: credentials.secretAccessKey, key });
    return key;
}

/**
 * The SDK's SigV4 signer with {@link cachedSigningKey} in place of its
 * shared cache; everything else (canonical request, headers, presigning,
 * event streams) is the SDK's. Given to a client as `signerConstructor`.
 */
export class OwnKeyCacheSignatureV4 extends SignatureV4 {}

// The SDK declares the method private (its signing methods call it as `this.getSigningKey`), so it is replaced on the
// prototype rather than overridden in the class body. A test signs concurrently and counts HMACs, so an SDK that
// renames it fails there instead of quietly signing through the shared cache.
Object.defineProperty(OwnKeyCacheSignatureV4.prototype, "getSigningKey", {
    value: function getSigningKey(this: { service: string }, credentials: AwsCredentialIdentity, region: string, shortDate: string, service?: string): Promise<Uint8Array> {
        return Promise.resolve(cachedSigningKey(credentials, shortDate, region, service || this.service));
    },
    writable: true,
    configurable: true,
});
