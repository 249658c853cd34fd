/** Trails of chained records for the checker's tests, written the way the runtime writes them. */
import * as fs from "fs";
import * as path from "path";
import { randomUUID } from "crypto";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { AUDIT_SCHEMA_TYPE, AUDIT_SCHEMA_VERSION, recordChainHash, type AuditMode, type AuditRecord, type ChainCheckpoint, type ContentMode, type StoredRecord } from "../../contract";
import { ChainWriter } from "../../runtime/chain/chain-writer";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { ArchivingSink } from "../../runtime/sinks/archive-sink";
import { Writable } from "stream";
import { allBreaks, type AuditCheck } from "../../verifier/audit";
import { main } from "../../verifier/cli";
import { MemorySink } from "./memory-sink";
import { makeTempDir } from "./temp-dir";

export function callRecord(i: number, extra: Partial<AuditRecord> = {}): AuditRecord {
    return {
        schemaType: AUDIT_SCHEMA_TYPE,
        schemaVersion: AUDIT_SCHEMA_VERSION,
        timestamp: new Date(Date.UTC(2026, 11, 5, 1, 0, 0, i)).toISOString(),
        outcome: "success",
        callId: `call-${i}`,
        tenantId: "customer-a",
        modelId: "amazon.nova-lite-v1:0",
        input: { inputTokenCount: 10 + i, inputCharCount: 40 },
        output: { outputTokenCount: 5, outputCharCount: 12 },
        estimatedCostUsd: 0.0001,
        contentMode: "none",
        ...extra,
    };
}

export interface Trail {
    writer: ChainWriter;
    records: StoredRecord[];
    checkpoints: ChainCheckpoint[];
}

/** A writer's `calls` records (the first its genesis), one ms apart, with a checkpoint every `every` records (none when 0); closed when asked. */
export function trail(calls: number, options: { every?: number; close?: boolean; start?: number } = {}): Trail {
    let clock = Date.UTC(2026, 11, 5, 1, 0, 0) + (options.start ?? 0);
    const writer = new ChainWriter({ tenantId: "customer-a", identity: { function: "fn", instance: "2026/12/05/[$LATEST]abc", startedAt: new Date(clock).toISOString() }, now: () => clock++ });
    const records: StoredRecord[] = [];
    const checkpoints: ChainCheckpoint[] = [];
    for (let i = 0; i < calls; i++) {
        records.push(writer.link(callRecord(i)).record);
        if (options.every && records.length % options.every === 0) checkpoints.push(writer.checkpoint()!);
    }
    if (options.close) {
        records.push(writer.close().record);
        checkpoints.push(writer.checkpoint(true)!);
    }
    return { writer, records, checkpoints };
}

export function tempDir(): string {
    return makeTempDir("bedrock-tenancy-audit-");
}

/** Writes lines (records as JSON, strings as they are) to a new file. */
export function jsonLines(lines: (StoredRecord | ChainCheckpoint | string)[], dir = tempDir()): string {
    const file = path.join(dir, `trail-${Math.random().toString(36).slice(2)}.jsonl`);
    fs.writeFileSync(file, lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n");
    return file;
}

/** The output of `aws logs filter-log-events` for records stored in one stream at their chain time. */
export function filterLogEvents(records: StoredRecord[], stream = "2026/12/05/[$LATEST]abc", dir = tempDir()): string {
    const events = records.map((r, i) => ({ logStreamName: stream, timestamp: Date.parse(r.chain!.at), message: JSON.stringify(r), ingestionTime: Date.parse(r.chain!.at) + 300, eventId: `3${String(i).padStart(55, "0")}` }));
    const file = path.join(dir, "events.json");
    fs.writeFileSync(file, JSON.stringify({ events, searchedLogStreams: [{ logStreamName: stream, searchedCompletely: true }] }, null, 4));
    return file;
}

/** A folder shaped like the archive: one object per record and per checkpoint. */
export function archiveFolder(records: StoredRecord[], checkpoints: ChainCheckpoint[], dir = tempDir()): string {
    for (const r of [...records, ...checkpoints]) {
        const name = "chain" in r && r.chain ? `${r.chain.writer}-${r.chain.seq}.json` : `checkpoint-${(r as ChainCheckpoint).writer}-${(r as ChainCheckpoint).seq}.json`;
        fs.mkdirSync(path.join(dir, "tenant=customer-a"), { recursive: true });
        fs.writeFileSync(path.join(dir, "tenant=customer-a", name), JSON.stringify(r) + "\n");
    }
    return dir;
}

/** Every break of a check as `kind@seq`, in report order. */
export function breaks(check: AuditCheck): string[] {
    return allBreaks(check).map((b) => `${b.kind}@${b.seq}`);
}

/** `bedrock-tenancy audit verify ARGS` in this process: its exit code and what it printed. */
export function auditCli(args: string[]): { code: number; out: string; err: string } {
    let out = "";
    let err = "";
    const sink = (into: (s: string) => void) => new Writable({ write: (chunk, _enc, done) => (into(String(chunk)), done()) });
    const code = main(["audit", "verify", ...args], sink((s) => (out += s)), sink((s) => (err += s)));
    return { code, out, err };
}

/** An S3 client that keeps each object's body by its key, as the archive bucket stores it. */
export class MemoryBucket {
    readonly objects = new Map<string, string>();
    send(command: { input: { Key?: string; Body?: unknown } }): Promise<unknown> {
        this.objects.set(command.input.Key!, Buffer.from(command.input.Body as Buffer).toString("utf8"));
        return Promise.resolve({});
    }
}

/** One call a {@link runtimeTrail} makes. */
export interface TrailCall {
    prompt: string;
    completion: string;
    metadata?: Record<string, unknown>;
}

/** What the runtime wrote with the archive on: the log's lines and the archive's objects. */
export interface RuntimeTrail {
    /** The log copies, one line each, in the order written. */
    lines: string[];
    /** Each archive object's body (records, close record, checkpoints) by its key. */
    objects: Map<string, string>;
    writer: string;
}

/**
 * A trail the runtime's own logger writes through the ArchivingSink: each
 * call's log copy to the log, its archive copy and the chain's checkpoints
 * to the bucket. Closed (close record and final checkpoint) unless `close`
 * is false.
 */
export async function runtimeTrail(
    calls: TrailCall[],
    options: { contentMode?: ContentMode; auditMode?: AuditMode; maxContentBytes?: number; checkpointEveryRecords?: number; close?: boolean } = {},
): Promise<RuntimeTrail> {
    const primary = new MemorySink();
    const bucket = new MemoryBucket();
    const sink = new ArchivingSink({ primary, client: bucket, bucket: "btn-customer-a-archive-111111111111", kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab" });
    const logger = new PrivateInvocationLogger({
        sink,
        tenantId: "customer-a",
        contentMode: options.contentMode ?? "full",
        auditMode: options.auditMode ?? "fail-closed",
        maxContentBytes: options.maxContentBytes,
        chain: { checkpointEveryRecords: options.checkpointEveryRecords ?? 100 },
        onWarning: () => undefined,
    });
    for (const [i, call] of calls.entries()) {
        await logger.runStarted(`run-${i}`, [new HumanMessage(call.prompt)], call.metadata ?? {});
        await logger.runEnded(`run-${i}`, { generations: [[{ text: call.completion, message: new AIMessage(call.completion) } as never]] });
    }
    if (options.close === false) await logger.flush();
    else await logger.close();
    return { lines: [...primary.lines], objects: bucket.objects, writer: logger.chainWriter };
}

/** `count` ordinary calls for a {@link runtimeTrail}. */
export function trailCalls(count: number): TrailCall[] {
    return Array.from({ length: count }, (_, i) => ({ prompt: `prompt ${i}`, completion: `answer ${i}`, metadata: { userId: `user-${i}`, ticket: `T-${i}` } }));
}

/** The archive's objects under a new folder, each at its key, as `aws s3 sync` copies them. */
export function archiveObjects(objects: ReadonlyMap<string, string>, dir = tempDir()): string {
    for (const [key, body] of objects) {
        fs.mkdirSync(path.dirname(path.join(dir, key)), { recursive: true });
        fs.writeFileSync(path.join(dir, key), body);
    }
    return dir;
}

/** Log lines with each record's line passed through `change` (parsed; return undefined to delete it). */
export function changedLines(lines: readonly string[], change: (record: any) => unknown): string[] {
    return lines.flatMap((line) => {
        const changed = change(JSON.parse(line));
        return changed === undefined ? [] : [typeof changed === "string" ? changed : JSON.stringify(changed)];
    });
}

/** The trail's log with the record at `seq` passed through `change`. */
export function logWith(t: RuntimeTrail, seq: number, change: (r: any) => unknown): string {
    return jsonLines(changedLines(t.lines, (r) => (r.chain.seq === seq ? change(r) : r)));
}

/** The trail's first `count` log records re-chained as a new writer's (the chain has no secret), each given `pointer(record)` as its archive pointer. */
export function forgedWriter(t: RuntimeTrail, count: number, pointer: (r: any) => unknown): string[] {
    const writer = randomUUID();
    let prev: string | null = null;
    return t.lines.slice(0, count).map((line, seq) => {
        const r = JSON.parse(line);
        r.chain = { ...r.chain, writer, seq, prev };
        r.userId = "forged-user";
        r.archive = pointer(r);
        prev = recordChainHash(r);
        return JSON.stringify(r);
    });
}
