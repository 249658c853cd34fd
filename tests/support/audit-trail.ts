/** Trails of chained records for the checker's tests, written the way the runtime writes them. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AUDIT_SCHEMA_TYPE, AUDIT_SCHEMA_VERSION, type AuditRecord, type ChainCheckpoint, type StoredRecord } from "../../contract";
import { ChainWriter } from "../../runtime/chain/chain-writer";
import { Writable } from "stream";
import { allBreaks, type AuditCheck } from "../../verifier/audit";
import { main } from "../../verifier/cli";

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
    return fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-tenancy-audit-"));
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
