/**
 * Worker of the audit-chain benchmark. Part 1: the records of one call
 * written to a stdout sink (to /dev/null) with and without the chain,
 * interleaved, so the difference is what chaining adds. Part 2: a trail of
 * chained records written to a file, then read back by `verifyAuditTrail`,
 * beside a plain read-and-parse of the same file.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startedRecord, successRecord, type CallStart } from "../../runtime/audit-record";
import { ChainWriter } from "../../runtime/chain/chain-writer";
import { mergePriceTables } from "../../runtime/pricing";
import { ChainingSink } from "../../runtime/sinks/chaining-sink";
import { StdoutSink } from "../../runtime/sinks/stdout-sink";
import { verifyAuditTrail } from "../../verifier/audit";
import { reply } from "../child";
import { msSince } from "../stats";

export interface AuditChainParams {
    /** Measured calls per setup. */
    calls: number;
    warmup: number;
    /** Records in the trail the checker reads. */
    records: number;
    /** Times the trail is read by each reader. */
    reads: number;
}

export interface AuditChainSamples {
    params: AuditChainParams;
    /** Per call (a fail-closed call: its started and its completion record), ms. */
    plainMs: number[];
    chainedMs: number[];
    /** Seconds per read of the whole trail: as `verifyAuditTrail` chooses, on one thread, bare parse. */
    verifySeconds: number[];
    oneThreadSeconds: number[];
    readerThreads: number;
    parseSeconds: number[];
    trailBytes: number;
    breaks: number;
}

const START: CallStart = {
    callId: "0f8f3a8e-8d7e-4a43-9d55-3c4f4bb0d1a2",
    timestamp: new Date(),
    tenantId: "customer-a",
    contentMode: "hash",
    ids: { userId: "user-17", applicationId: "claims-app", clientRequestId: "req-001" },
    modelId: "amazon.nova-lite-v1:0",
    region: "us-east-1",
    inputText: "Summarise the contract in three sentences.",
    metadata: { ticket: "sha256:" + "ab".repeat(32) },
};

function callRecords() {
    const result = { outputText: "The contract covers services.", usage: { inputTokens: 23, outputTokens: 9, totalTokens: 32 }, stopReason: "end_turn", requestId: "8c1e4a0e-1111-2222-3333-444455556666", attempts: 1 };
    return [startedRecord(START), successRecord("Converse", START, result, 611, mergePriceTables(undefined))];
}

async function measureCalls(params: AuditChainParams): Promise<{ plainMs: number[]; chainedMs: number[] }> {
    const plain = new StdoutSink();
    const chained = new ChainingSink({ sink: new StdoutSink(), tenantId: "customer-a", onWarning: () => undefined });
    const setups = [plain, chained];
    const samples: number[][] = [[], []];
    for (let i = 0; i < params.warmup + params.calls; i++) {
        for (let k = 0; k < 2; k++) {
            const which = (i + k) % 2;
            const records = callRecords();
            const start = process.hrtime.bigint();
            for (const r of records) await setups[which].write(r);
            if (i >= params.warmup) samples[which].push(msSince(start));
        }
    }
    return { plainMs: samples[0], chainedMs: samples[1] };
}

function writeTrail(records: number): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-tenancy-bench-")), "trail.jsonl");
    const writers = [0, 1, 2, 3].map(() => new ChainWriter({ tenantId: "customer-a" }));
    const lines: string[] = [];
    for (let i = 0; i < records; i++) {
        const record = i % 2 === 0 ? startedRecord(START) : successRecord("Converse", START, { outputText: "x", usage: {} }, 5, mergePriceTables(undefined));
        lines.push(JSON.stringify(writers[i % writers.length].link(record).record));
        // A Lambda stream holds platform lines too.
        if (i % 50 === 0) lines.push(`REPORT RequestId: ${i}\tDuration: 12.00 ms`);
    }
    fs.writeFileSync(file, lines.join("\n") + "\n");
    return file;
}

function measureReads(file: string, params: AuditChainParams): Pick<AuditChainSamples, "verifySeconds" | "oneThreadSeconds" | "readerThreads" | "parseSeconds" | "breaks"> {
    const verifySeconds: number[] = [];
    const oneThreadSeconds: number[] = [];
    const parseSeconds: number[] = [];
    let breaks = 0;
    let readerThreads = 0;
    for (let i = 0; i < params.reads; i++) {
        let start = process.hrtime.bigint();
        const check = verifyAuditTrail([file]);
        verifySeconds.push(msSince(start) / 1000);
        readerThreads = check.readerThreads ?? 1;
        start = process.hrtime.bigint();
        const single = verifyAuditTrail([file], { threads: 1 });
        oneThreadSeconds.push(msSince(start) / 1000);
        breaks = Math.max(...[check, single].map((c) => c.writers.reduce((n, w) => n + w.breaks.length, c.other.length)));
        start = process.hrtime.bigint();
        let parsed = 0;
        for (const line of fs.readFileSync(file, "utf8").split("\n")) if (line.startsWith("{")) parsed += JSON.parse(line) ? 1 : 0;
        parseSeconds.push(msSince(start) / 1000);
        if (parsed === 0) throw new Error("the trail parsed to nothing");
    }
    return { verifySeconds, oneThreadSeconds, readerThreads, parseSeconds, breaks };
}

async function main(params: AuditChainParams): Promise<AuditChainSamples> {
    const calls = await measureCalls(params);
    const file = writeTrail(params.records);
    try {
        const reads = measureReads(file, params);
        return { params, ...calls, ...reads, trailBytes: fs.statSync(file).size };
    } finally {
        // A trail of 150 MiB is not left behind by a failed read either.
        fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
}

main(JSON.parse(process.argv[2])).then(reply, (err) => {
    console.error(err);
    process.exit(1);
});
