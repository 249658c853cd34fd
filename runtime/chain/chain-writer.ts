/**
 * One writer's hash chain: numbers each record, stores in it the hash of the
 * one before, and stamps it with a write time that never goes back, so the
 * order CloudWatch stores events in (by timestamp) is the chain's order. A
 * clock stepped far back is met with a new chain (see ChainingSink), not with
 * times CloudWatch would refuse as too far ahead. The
 * state lives as long as the process: a Lambda container frozen and thawed
 * continues its chain; a new container starts a new one with a genesis record.
 */
import * as crypto from "crypto";
import { hostname } from "os";
import {
    AUDIT_CHAIN_SCHEMA_TYPE,
    AUDIT_CHAIN_VERSION,
    AUDIT_CHECKPOINT_SCHEMA_TYPE,
    boundRecordId,
    chainHash,
    chainView,
    sha256Hex,
    type ChainCheckpoint,
    type ChainLink,
    type ChainRecord,
    type StoredRecord,
    type WriterIdentity,
} from "../../contract";
import { safeStringify, stringifyRecord } from "../serialize";
import { canonicalForm } from "../../contract/canonical-form";

/**
 * The hash of a record as the checker will compute it from the stored line:
 * the hashed form goes through JSON first, so values JSON changes (an
 * `Error`, a `bigint`, `undefined`) are hashed as they are stored.
 */
export function storedChainHash(record: StoredRecord): string {
    return hashOf(record).hash;
}

/** {@link storedChainHash}, and `JSON.stringify(record)` when that is the text hashed. */
function hashOf(record: StoredRecord): { hash: string; json?: string } {
    const view = chainView(record as unknown as Record<string, unknown>, safeStringify);
    const canonical = canonicalForm(view);
    // A record with no JSON text throws here, before it joins the chain: it is lost (and counted), never hashed as a stand-in.
    if (canonical === undefined) return { hash: chainHash(JSON.parse(stringifyRecord(view))) };
    // The runtime's own record in canonical key order: one serialization is its hashed text and its line.
    const json = (view as unknown) === record && canonical.stringified ? canonical.text : undefined;
    return { hash: sha256Hex(canonical.text), json };
}

/** Who this process is, from what Lambda and ECS put in the environment. */
export function writerIdentity(env: Readonly<Record<string, string | undefined>> = process.env, startedAt = new Date()): WriterIdentity {
    // The environment can be the caller's (the `chain.env` option): each value is bounded as an id, so the genesis record's line stays within its limit.
    const bounded = (value: unknown) => (typeof value === "string" ? boundRecordId(value) : undefined);
    const task = bounded(typeof env.ECS_CONTAINER_METADATA_URI_V4 === "string" ? env.ECS_CONTAINER_METADATA_URI_V4.split("/").filter(Boolean).pop() : undefined);
    // Keys in canonical order, as every object a record holds (see contract/canonical-form.ts).
    return dropUndefined({
        function: bounded(env.AWS_LAMBDA_FUNCTION_NAME),
        functionVersion: bounded(env.AWS_LAMBDA_FUNCTION_VERSION),
        instance: bounded(env.AWS_LAMBDA_LOG_STREAM_NAME) ?? `${hostname()}/${process.pid}`,
        startedAt: startedAt.toISOString(),
        task,
    });
}

export interface ChainWriterOptions {
    tenantId: string;
    /** @default - from the environment ({@link writerIdentity}) */
    identity?: WriterIdentity;
    /** @default crypto.randomUUID() */
    writerId?: string;
    /** Milliseconds since the epoch. @default Date.now */
    now?: () => number;
}

/** A record with its chain link, and the hash the next record will hold. */
export interface Linked<T extends StoredRecord> {
    record: T;
    hash: string;
    /** `JSON.stringify(record)` when that is the text the hash covers: a line sink can write it as it is. */
    json?: string;
}

export class ChainWriter {
    readonly writer: string;
    readonly tenantId: string;
    readonly identity: WriterIdentity;
    private readonly now: () => number;
    private seq = 0;
    private prev: string | null = null;
    private lastAtMs = 0;
    private isoMs = -1;
    private iso = "";
    private closedAt: number | undefined;

    constructor(options: ChainWriterOptions) {
        this.writer = options.writerId ?? crypto.randomUUID();
        this.tenantId = options.tenantId;
        this.identity = options.identity ?? writerIdentity();
        this.now = options.now ?? Date.now;
    }

    /** Records linked so far, genesis included. */
    get length(): number {
        return this.seq;
    }

    /** The newest record's sequence and hash, once there is one. */
    head(): { seq: number; hash: string } | undefined {
        return this.prev === null ? undefined : { seq: this.seq - 1, hash: this.prev };
    }

    get closed(): boolean {
        return this.closedAt !== undefined;
    }

    /** The newest stamp given (`chain.at` of the last record or checkpoint), ms since the epoch; 0 before the first. */
    get lastStampMs(): number {
        return this.lastAtMs;
    }

    /**
     * Links `record` (the first one becomes the genesis record, naming the writer) (a copy gains `chain`; the record passed in is not changed).
     * `nowMs`: the clock as the caller just read it, so a record costs one reading.
     */
    link<T extends StoredRecord>(record: T, nowMs = this.now()): Linked<T> {
        if (this.closedAt !== undefined) throw new Error(`the audit chain of writer ${this.writer} is closed`);
        return this.append(record, false, nowMs);
    }

    /** The close record; nothing can be linked after it. */
    close(): Linked<ChainRecord> {
        const records = this.seq;
        if (this.closedAt !== undefined) throw new Error(`the audit chain of writer ${this.writer} is closed`);
        // Canonical key order, with the `chain` slot, as the runtime's call records.
        const record = { chain: undefined, event: "close", records, schemaType: AUDIT_CHAIN_SCHEMA_TYPE, schemaVersion: AUDIT_CHAIN_VERSION, tenantId: this.tenantId, timestamp: "" } as const;
        const linked = this.append<ChainRecord>(record, true, this.now());
        this.closedAt = this.lastAtMs;
        return linked;
    }

    /** A checkpoint of the head (undefined before the first record). */
    checkpoint(final = false): ChainCheckpoint | undefined {
        const head = this.head();
        if (!head) return undefined;
        return { schemaType: AUDIT_CHECKPOINT_SCHEMA_TYPE, schemaVersion: AUDIT_CHAIN_VERSION, tenantId: this.tenantId, writer: this.writer, seq: head.seq, hash: head.hash, at: new Date(this.stamp(this.now())).toISOString(), final };
    }

    /** `ownTime`: the writer's own record takes the write time as their timestamp; a call's record keeps its start. */
    private append<T extends StoredRecord>(record: Omit<T, "chain">, ownTime: boolean, nowMs: number): Linked<T> {
        const at = this.stampIso(nowMs);
        const chain: ChainLink = this.seq === 0 ? { at, genesis: this.identity, prev: this.prev, seq: this.seq, writer: this.writer } : { at, prev: this.prev, seq: this.seq, writer: this.writer };
        // A record built with its `chain` slot (the runtime's are) keeps it where canonical order puts it.
        const linked = { ...record, chain } as T;
        if (ownTime) linked.timestamp = at;
        const { hash, json } = hashOf(linked);
        this.seq++;
        this.prev = hash;
        return { record: linked, hash, json };
    }

    /** Now, but never before the previous stamp: stored order is chain order even if the clock steps back. */
    private stamp(nowMs: number): number {
        this.lastAtMs = Math.max(nowMs, this.lastAtMs);
        return this.lastAtMs;
    }

    /** {@link stamp} as ISO-8601; records written in the same millisecond share the text. */
    private stampIso(nowMs: number): string {
        const atMs = this.stamp(nowMs);
        if (atMs !== this.isoMs) {
            this.isoMs = atMs;
            this.iso = new Date(atMs).toISOString();
        }
        return this.iso;
    }
}

function dropUndefined<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
