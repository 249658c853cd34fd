/**
 * The HTTP service example as ECS runs it: a separate process under load gets
 * SIGTERM; the calls in progress finish and every record reaches the log
 * group before the process exits. Runs the compiled package (`npm run build`).
 */
import { strict as assert } from "assert";
import { spawn, type ChildProcess } from "child_process";
import { once } from "events";
import * as path from "path";
import { AUDIT_CHAIN_SCHEMA_TYPE, AUDIT_SCHEMA_TYPE } from "../../contract";
import { converseText, useLocalAws } from "../../testing/local-aws";

const ROOT = path.resolve(__dirname, "../..");
const LOG_GROUP = "/bedrock-tenancy/customer-a/ecs";
const CONCURRENCY = 16;

describe("ECS-style service under load receives SIGTERM", () => {
    const aws = useLocalAws();
    let child: ChildProcess | undefined;

    afterEach(() => {
        if (child && child.exitCode === null) {
            child.kill("SIGKILL");
        }
    });

    it("delivers the record of every call Bedrock answered before the process exits", async function () {
        this.timeout(60_000);
        aws().logs.createLogGroup(LOG_GROUP);
        aws().bedrock.reply = (call) => ({ text: `echo: ${converseText(call)}`, usage: { inputTokens: 7, outputTokens: 3 } });
        // Each answer takes 30 ms, so calls are in flight when the signal lands.
        aws().bedrock.faultFor = () => ({ kind: "slow", ms: 30 });
        child = spawn(process.execPath, ["-r", "ts-node/register", "examples/http-service/main.ts"], {
            cwd: ROOT,
            env: {
                ...process.env,
                ...aws().env,
                TS_NODE_TRANSPILE_ONLY: "true",
                TENANT_ID: "customer-a",
                OPS_ROLE_ARN: "arn:aws:iam::999999999999:role/BedrockTenantAccess-customer-a",
                EXTERNAL_ID: "ext-id-customer-a-7f3c",
                MODEL_ID: "amazon.nova-lite-v1:0",
                AUDIT_LOG_GROUP: LOG_GROUP,
                // Records stay buffered until shutdown: only the SIGTERM flush can deliver them.
                AUDIT_FLUSH_INTERVAL_MS: "3600000",
                PORT: "0",
                HOST: "127.0.0.1",
            },
            stdio: ["ignore", "pipe", "pipe"],
        });
        const url = await new Promise<string>((resolve, reject) => {
            child!.stdout!.on("data", (data: Buffer) => {
                const match = /listening on (\S+)/.exec(data.toString());
                if (match) resolve(match[1]);
            });
            child!.once("exit", (code) => reject(new Error(`service exited early with ${code}`)));
        });
        const exited = once(child, "exit");

        let answered = 0;
        let signalled = false;
        // Like a load balancer draining the task: no new requests once the signal is sent.
        const worker = async (w: number) => {
            for (let i = 0; !signalled; i++) {
                try {
                    const res = await fetch(`${url}/chat`, { method: "POST", body: JSON.stringify({ prompt: `p-${w}-${i}`, userId: `u-${w}` }) });
                    if (res.status === 200) answered++;
                    await res.arrayBuffer();
                } catch {
                    return; // the server stopped taking connections
                }
                if (answered >= 40 && !signalled) {
                    signalled = true;
                    child!.kill("SIGTERM");
                }
            }
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
        const [code] = await exited;

        assert.equal(code, 0);
        const lines = aws().logs.records(LOG_GROUP);
        // The clean shutdown ends the writer's chain with its close record, after every call's record.
        assert.deepEqual([lines.at(-1)?.schemaType, lines.at(-1)?.event], [AUDIT_CHAIN_SCHEMA_TYPE, "close"]);
        const stored = lines.filter((r) => r.schemaType === AUDIT_SCHEMA_TYPE);
        assert.equal(stored.length, lines.length - 1);
        assert.ok(answered >= 40);
        assert.equal(stored.length, aws().bedrock.calls.length, "one record per Bedrock call");
        assert.ok(stored.length >= answered, `${stored.length} records for ${answered} answers`);
        assert.ok(stored.every((r) => r.outcome === "success" && r.tenantId === "customer-a"));
    });
});
