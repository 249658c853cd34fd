/**
 * Worker of the streaming and fail-closed benchmarks. Streaming: the tenant
 * model from `createTenantChatModel` (ops session, audit logger, request-id
 * middleware) against a bare `ChatBedrockConverse.stream`, both on the local
 * ConverseStream stand-in. Fail-closed: the same model with the CloudWatch
 * Logs sink (1000 ms batching timer) in both audit modes, and one bare
 * PutLogEvents round trip for reference. Calls are interleaved.
 */
import * as fs from "fs";
import { PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import { CloudWatchLogsSink } from "../../runtime/sinks/cloudwatch-logs-sink";
import { StdoutSink } from "../../runtime/sinks/stdout-sink";
import { reply } from "../child";
import { msSince } from "../stats";
import { LOG_GROUP, startRig } from "./runtime-rig";

export interface StreamingParams {
    n: number;
    warmup: number;
}

export interface StreamingSamples {
    params: StreamingParams;
    bare: { ttftMs: number[]; totalMs: number[] };
    tenant: { ttftMs: number[]; totalMs: number[] };
    bestEffortMs: number[];
    failClosedMs: number[];
    putLogEventsMs: number[];
    records: { streamed: number; bestEffort: number; failClosed: number };
    lost: number;
}

const quiet = () => undefined;

async function timeStream(model: BaseChatModel, prompt: string): Promise<{ ttft: number; total: number }> {
    const start = process.hrtime.bigint();
    let ttft = -1;
    for await (const chunk of await model.stream(prompt)) {
        if (ttft < 0 && typeof chunk.content === "string" && chunk.content.length > 0) {
            ttft = msSince(start);
        }
    }
    return { ttft, total: msSince(start) };
}

async function main(params: StreamingParams): Promise<StreamingSamples> {
    const rig = await startRig();
    rig.aws.bedrock.reply = () => ({ text: "one two three four five six seven eight", usage: { inputTokens: 12, outputTokens: 8 }, stopReason: "end_turn" });
    const bare = rig.bareModel();
    const devNull = fs.createWriteStream("/dev/null");
    const tenant = createTenantChatModel({ sink: new StdoutSink({ stream: devNull }), userId: "bench-user", onWarning: quiet });
    const cwSink = (stream: string) => new CloudWatchLogsSink({ logGroupName: LOG_GROUP, logStreamName: stream, flushOnExit: false, onWarning: quiet });
    const bestEffortSink = cwSink("bench/best-effort");
    const failClosedSink = cwSink("bench/fail-closed");
    const bestEffort = createTenantChatModel({ sink: bestEffortSink, auditMode: "best-effort", onWarning: quiet });
    const failClosed = createTenantChatModel({ sink: failClosedSink, auditMode: "fail-closed", onWarning: quiet });
    const logsClient = (failClosedSink as unknown as { client: { send(c: unknown): Promise<unknown> } }).client;

    const s: StreamingSamples = {
        params,
        bare: { ttftMs: [], totalMs: [] },
        tenant: { ttftMs: [], totalMs: [] },
        bestEffortMs: [],
        failClosedMs: [],
        putLogEventsMs: [],
        records: { streamed: 0, bestEffort: 0, failClosed: 0 },
        lost: 0,
    };
    const setups: ((i: number, keep: boolean) => Promise<void>)[] = [
        async (i, keep) => {
            const t = await timeStream(bare, `prompt ${i}`);
            if (keep) {
                s.bare.ttftMs.push(t.ttft);
                s.bare.totalMs.push(t.total);
            }
        },
        async (i, keep) => {
            const t = await timeStream(tenant, `prompt ${i}`);
            if (keep) {
                s.tenant.ttftMs.push(t.ttft);
                s.tenant.totalMs.push(t.total);
            }
        },
        async (i, keep) => {
            const start = process.hrtime.bigint();
            await bestEffort.invoke(`prompt ${i}`);
            if (keep) s.bestEffortMs.push(msSince(start));
        },
        async (i, keep) => {
            const start = process.hrtime.bigint();
            await failClosed.invoke(`prompt ${i}`);
            if (keep) s.failClosedMs.push(msSince(start));
        },
        async (i, keep) => {
            const start = process.hrtime.bigint();
            await logsClient.send(
                new PutLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: "bench/fail-closed", logEvents: [{ timestamp: Date.now(), message: `{"reference":${i}}` }] }),
            );
            if (keep) s.putLogEventsMs.push(msSince(start));
        },
    ];
    const total = params.warmup + params.n;
    for (let i = 0; i < total; i++) {
        for (let k = 0; k < setups.length; k++) {
            await setups[(i + k) % setups.length](i, i >= params.warmup);
        }
    }
    await Promise.all([tenant.auditLogger.flush(), bestEffort.auditLogger.flush(), failClosed.auditLogger.flush()]);
    s.records = { streamed: tenant.auditLogger.stats().records, bestEffort: bestEffort.auditLogger.stats().records, failClosed: failClosed.auditLogger.stats().records };
    s.lost = [tenant, bestEffort, failClosed].reduce((sum, m) => sum + m.auditLogger.stats().lost, 0);
    await Promise.all([bestEffortSink.close(), failClosedSink.close()]);
    await rig.close();
    return s;
}

main(JSON.parse(process.argv[2])).then(reply, (err) => {
    console.error(err);
    process.exit(1);
});
