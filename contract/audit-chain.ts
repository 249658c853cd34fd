/**
 * The audit chain: the rules the runtime that writes records and the checker
 * that verifies them must agree on. Each writer (one log stream of one Lambda
 * container or one process) numbers its records and stores in each the
 * SHA-256 of the one before, so a deleted, edited, reordered or repeated
 * record shows. The hash covers the record's canonical JSON (RFC 8785 JCS)
 * in a form both copies of a record share: the log copy (text cut, archive
 * pointer added) and the archive copy (text whole, its digest added).
 */
import * as crypto from "crypto";
import { archiveTenantPrefix } from "./archive";
import { canonicalForm, sortedCanonicalJson } from "./canonical-form";
import type { AuditRecord } from "./audit-schema";
import { RECORD_ID_FIELDS, TRUNCATION_MARKER, boundRecordId } from "./record-limits";

/** `schemaType` of the record a writer adds to its own chain: its close record. */
export const AUDIT_CHAIN_SCHEMA_TYPE = "BedrockTenancyAuditChain";
/** `schemaType` of a checkpoint object in the archive. */
export const AUDIT_CHECKPOINT_SCHEMA_TYPE = "BedrockTenancyAuditCheckpoint";
/** Version of the chain rules (bumped on any change to what is hashed). */
export const AUDIT_CHAIN_VERSION = "1.0";

/** A checkpoint is written after this many records of a writer. */
export const DEFAULT_CHECKPOINT_EVERY_RECORDS = 100;
/** ... or once a record is this old without one (the idle tail of a writer is checkpointed too). */
export const DEFAULT_CHECKPOINT_EVERY_MS = 60_000;

/** Where a record stands in its writer's chain. Every chained record carries it as `chain`. */
export interface ChainLink {
    /** The writer's id (random, one per container or process). */
    writer: string;
    /** 0 for the genesis record, then one more per record. */
    seq: number;
    /** Hex SHA-256 of the writer's previous record ({@link chainHash}); `null` for the genesis record. */
    prev: string | null;
    /**
     * ISO-8601 time the record was written, never earlier than the writer's
     * previous one: stored in this order (the CloudWatch event's timestamp),
     * so the log keeps the records in chain order.
     */
    at: string;
    /** Only on the genesis record (seq 0, the writer's first): who the writer is. */
    genesis?: WriterIdentity;
}

/** Who a writer is: named by its genesis record. */
export interface WriterIdentity {
    /** The Lambda function (`AWS_LAMBDA_FUNCTION_NAME`), when in Lambda. */
    function?: string;
    /** The function's version (`AWS_LAMBDA_FUNCTION_VERSION`). */
    functionVersion?: string;
    /** The ECS task (from `ECS_CONTAINER_METADATA_URI_V4`'s last path part), when on ECS. */
    task?: string;
    /** The container or process: the Lambda log stream, else `<host>/<pid>`. */
    instance: string;
    /** ISO-8601 time the writer started. */
    startedAt: string;
}

export type ChainEvent = "close";

/**
 * A writer's last record, written on a clean shutdown. (Its first record is
 * whatever it writes first, with the writer's identity in `chain.genesis`.)
 */
export interface ChainRecord {
    schemaType: typeof AUDIT_CHAIN_SCHEMA_TYPE;
    schemaVersion: typeof AUDIT_CHAIN_VERSION;
    event: ChainEvent;
    timestamp: string;
    tenantId: string;
    /** Records of the writer before this one. */
    records: number;
    chain: ChainLink;
    /** Log copy only, with the archive on: where the archive copy is. */
    archive?: AuditRecord["archive"];
}

/** Any line a writer stores: a call's record, or its close record. */
export type StoredRecord = AuditRecord | ChainRecord;

/** A writer's chain head, written to the Object Lock archive. */
export interface ChainCheckpoint {
    schemaType: typeof AUDIT_CHECKPOINT_SCHEMA_TYPE;
    schemaVersion: typeof AUDIT_CHAIN_VERSION;
    tenantId: string;
    writer: string;
    /** The sequence of the newest record the checkpoint covers. */
    seq: number;
    /** That record's {@link chainHash}. */
    hash: string;
    at: string;
    /** Written on close: the record at `seq` is the writer's close record. */
    final: boolean;
}

/** The text fields of a record's `input` and `output` and the digest fields that stand for them. */
const TEXT_FIELDS = [
    { part: "input", text: "inputText", sha: "inputSha256", cut: "inputTruncated", outOfView: new Set(["inputText", "inputSha256", "inputTruncated"]) },
    { part: "output", text: "outputText", sha: "outputSha256", cut: "outputTruncated", outOfView: new Set(["outputText", "outputSha256", "outputTruncated"]) },
] as const;

/** A record's members its view replaces with the metadata's digest, or leaves out (the archive pointer). */
const OUT_OF_VIEW: ReadonlySet<string> = new Set(["archive", "metadata", "metadataTruncated", "metadataSha256"]);

/**
 * `source`'s own members but `outOfView`, and `key` (unless `value` is
 * undefined) where canonical order puts it among them: a record whose keys
 * are in canonical order gives a view in that order too, whose canonical
 * JSON `JSON.stringify` writes (see canonical-form.ts) instead of the sorting
 * library, for every record with metadata or text.
 */
function replacing(source: Readonly<Record<string, unknown>>, outOfView: ReadonlySet<string>, key: string, value: unknown): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let placed = value === undefined;
    for (const k in source) {
        // Own members only, as object rest takes them (a parsed record has no other).
        if (outOfView.has(k) || !Object.prototype.hasOwnProperty.call(source, k)) continue;
        if (!placed && key < k) {
            out[key] = value;
            placed = true;
        }
        // A parsed line can hold a "__proto__" member: it stays a member (and in the hash), as object rest keeps it.
        if (k === "__proto__") Object.defineProperty(out, k, { value: source[k], enumerable: true, writable: true, configurable: true });
        else out[k] = source[k];
    }
    if (!placed) out[key] = value;
    return out;
}

/**
 * The form of a parsed record that its chain hash covers: the record as
 * written, except where its log copy and its archive copy differ. The archive
 * pointer (only the log copy has it) is left out; each text and the metadata
 * are represented by the SHA-256 of the whole (carried by a copy cut for the
 * log, computed from a whole one); ids are taken as the log bounds them. So
 * both copies have one form, and a `hash` or `none` record is hashed as
 * written: chaining stores no content the mode does not.
 *
 * A carried digest stands for the whole only where the copy is marked cut
 * (a text flagged or ending in the truncation marker, metadata flagged):
 * elsewhere the content is there to hash, and a digest that came with it
 * could have been copied from another record. So the digest of a text or
 * metadata not marked cut is computed, and one carried without metadata is
 * not hashed; each such carried digest that does not match is named in
 * `problems`, when given.
 *
 * `stringify` must serialize metadata as the runtime's line does (the
 * checker reads parsed JSON, where `JSON.stringify` does).
 */
export function chainView(
    record: Readonly<Record<string, unknown>>,
    stringify: (value: unknown) => string = JSON.stringify,
    problems?: string[],
): Readonly<Record<string, unknown>> {
    // Most records (no pointer, no metadata, no text, short ids) are their own view: the writer hashes one per call.
    if (isOwnView(record)) return record;
    const { metadata, metadataTruncated, metadataSha256 } = record;
    let metadataDigest: unknown;
    if (metadata !== undefined) {
        if (metadataTruncated === true && metadataSha256 !== undefined) {
            metadataDigest = metadataSha256;
        } else {
            metadataDigest = sha256Hex(stringify(metadata));
            if (metadataSha256 !== undefined && metadataSha256 !== metadataDigest) problems?.push("its metadataSha256 is not the SHA-256 of its metadata, which is not marked cut");
        }
    } else if (metadataSha256 !== undefined) {
        problems?.push("it carries a metadataSha256 without metadata");
    }
    const view = replacing(record, OUT_OF_VIEW, "metadataSha256", metadataDigest);
    for (const f of RECORD_ID_FIELDS) {
        if (typeof view[f] === "string") view[f] = boundRecordId(view[f]);
    }
    for (const f of TEXT_FIELDS) {
        const part = view[f.part];
        // A parsed record has no undefined member; the writer's own may, and JSON drops it.
        if (typeof part !== "object" || part === null || (part as Record<string, unknown>)[f.text] === undefined) continue;
        const { [f.text]: text, [f.cut]: cut, [f.sha]: carried } = part as Record<string, unknown>;
        let digest: unknown;
        if (carried !== undefined && (cut === true || (typeof text === "string" && text.endsWith(TRUNCATION_MARKER)))) {
            digest = carried;
        } else {
            // A text not marked cut is whole; a cut one without the whole text's digest can only stand for itself.
            digest = sha256Hex(typeof text === "string" ? text : String(text));
            if (carried !== undefined && carried !== digest) problems?.push(`its ${f.part}.${f.sha} is not the SHA-256 of its ${f.text}, which is not marked cut`);
        }
        view[f.part] = replacing(part as Record<string, unknown>, f.outOfView, f.sha, digest);
    }
    return view;
}

const ID_FIELDS: ReadonlySet<string> = new Set(RECORD_ID_FIELDS);
const TEXT_OF_PART: ReadonlyMap<string, string> = new Map(TEXT_FIELDS.map((f) => [f.part, f.text]));

/** One pass over the record's own keys (reading absent fields by name costs more than the whole check). */
function isOwnView(record: Readonly<Record<string, unknown>>): boolean {
    for (const key in record) {
        const value = record[key];
        if (value === undefined) continue;
        if (key === "archive" || key === "metadata" || key === "metadataTruncated" || key === "metadataSha256") return false;
        if (typeof value === "string") {
            if (ID_FIELDS.has(key) && boundRecordId(value) !== value) return false;
        } else {
            const text = TEXT_OF_PART.get(key);
            if (text !== undefined && typeof value === "object" && value !== null && (value as Record<string, unknown>)[text] !== undefined) return false;
        }
    }
    return true;
}

/**
 * The RFC 8785 (JCS) canonical JSON of `view`: the text {@link chainHash}
 * hashes. The runtime and the checker both call this, so they cannot
 * disagree on which library or options make it. Throws for a value that has
 * no JSON text.
 */
export function chainCanonicalJson(view: unknown): string {
    // Keys already in canonical order (every record the runtime writes, read back): JSON.stringify writes the text.
    const form = canonicalForm(view);
    if (form !== undefined) return form.text;
    const text = sortedCanonicalJson(view);
    // Only `undefined`, a symbol or a function at the top: nothing JSON can hold.
    if (text === undefined) throw new TypeError("no canonical JSON for a value JSON cannot hold");
    return text;
}

/** Hex SHA-256 of the RFC 8785 canonical JSON of `view` (a {@link chainView} of a parsed record). */
export function chainHash(view: unknown): string {
    return sha256Hex(chainCanonicalJson(view));
}

/** The chain hash of a record as parsed from its JSON; `problems` as {@link chainView} fills it. */
export function recordChainHash(record: Readonly<Record<string, unknown>>, problems?: string[]): string {
    return chainHash(chainView(record, JSON.stringify, problems));
}

// One-shot hashing (Node 20.12 and later) skips building a Hash object per record: the same digest of the same UTF-8 bytes.
const oneShotHash: typeof crypto.hash | undefined = typeof crypto.hash === "function" ? crypto.hash : undefined;

export function sha256Hex(text: string): string {
    return oneShotHash ? oneShotHash("sha256", text, "hex") : crypto.createHash("sha256").update(text, "utf8").digest("hex");
}

/** The SHA-256 of bytes as stored (an archive object's), in hex: what a record's archive pointer carries. */
export function sha256HexOfBytes(bytes: Uint8Array): string {
    return oneShotHash ? oneShotHash("sha256", bytes, "hex") : crypto.createHash("sha256").update(bytes).digest("hex");
}

/** Folder of a writer's chain objects in the archive, beside (not inside) the `dt=` partitions the Athena table reads. */
export function archiveChainPrefix(tenantId: string, writer: string): string {
    return `${archiveTenantPrefix(tenantId)}chain/${writer}/`;
}

/** Key of a writer's checkpoint at `seq`: zero-padded so a listing reads in chain order. */
export function archiveCheckpointKey(tenantId: string, writer: string, seq: number): string {
    return `${archiveChainPrefix(tenantId, writer)}checkpoint-${String(seq).padStart(12, "0")}.json`;
}

/** Key of the archive copy of a writer's close record. */
export function archiveChainRecordKey(tenantId: string, writer: string, seq: number, event: ChainEvent): string {
    return `${archiveChainPrefix(tenantId, writer)}${String(seq).padStart(12, "0")}-${event}.json`;
}

/** Writer ids: what `crypto.randomUUID` makes, safe in an S3 key and a log line. */
export const WRITER_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Whether `value` is a hash as the chain writes one: 64 lowercase hex digits. */
export function isSha256Hex(value: unknown): value is string {
    return typeof value === "string" && SHA256_HEX.test(value);
}

/** The chain link of a parsed record, or a reason it has none that can be trusted. */
export function chainLinkOf(record: Readonly<Record<string, unknown>>): ChainLink | string {
    const link = record.chain as Partial<ChainLink> | undefined;
    if (typeof link !== "object" || link === null) return "it has no chain link";
    if (typeof link.writer !== "string" || !WRITER_ID_PATTERN.test(link.writer)) return "its chain.writer is not a writer id";
    if (!Number.isSafeInteger(link.seq) || (link.seq as number) < 0) return "its chain.seq is not a whole number";
    if (link.prev !== null && !isSha256Hex(link.prev)) return "its chain.prev is not a SHA-256";
    if (typeof link.at !== "string" || Number.isNaN(Date.parse(link.at))) return "its chain.at is not a time";
    if (link.genesis !== undefined && (typeof link.genesis !== "object" || link.genesis === null)) return "its chain.genesis is not an object";
    return link as ChainLink;
}
