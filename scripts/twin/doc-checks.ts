/**
 * The documented code that calls AWS, run under enforcement: the application
 * block of docs/runtime.md exactly as written (its own process, importing
 * `bedrock-tenancy/runtime` from the build), and the HTTP-service example,
 * each with credentials of the tenant's runtime role as the compute's own.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { createChatService } from "../../examples/http-service/chat-service";
import { check, ROOT, withEnv, type ExportedTenant, type Expectation } from "./check-context";
import type { TwinFunction } from "./plan-model";
import type { AwsTwin } from "./twin";

/** The `ts` block of docs/runtime.md that holds `marker`. */
export function runtimeDocBlock(marker: string): string {
    const markdown = fs.readFileSync(path.join(ROOT, "docs", "runtime.md"), "utf8");
    const block = [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]).find((code) => code.includes(marker));
    if (!block) throw new Error(`docs/runtime.md has no ts block with ${marker}`);
    return block;
}

/** The application block: `createTenantChatModel` on any compute. */
export const applicationBlock = () => runtimeDocBlock("createTenantChatModel({");
/** "The logger alone": a `ChatBedrockConverse` of the reader's own, the logger as a callback. */
export const loggerAloneBlock = () => runtimeDocBlock("new PrivateInvocationLogger({");

/** The guardrail variables the docs' blocks read, for a tenant whose role requires one. */
function guardrailEnv(tenant: ExportedTenant): Record<string, string> {
    return tenant.guardrail ? { GUARDRAIL_ARN: tenant.guardrail.identifier, GUARDRAIL_VERSION: tenant.guardrail.version } : {};
}

/** Environment the docs tell the reader to set for the block, from the tenant's export. */
export function blockEnv(tenant: ExportedTenant): Record<string, string> {
    return { EXTERNAL_ID: tenant.externalId, MODEL_ROUTES: JSON.stringify(tenant.inferenceProfileArns), ...guardrailEnv(tenant) };
}

async function runBlock(twin: AwsTwin, block: string, roleArn: string, tenant: ExportedTenant, env: Record<string, string>): Promise<void> {
    // Inside the package folder, so `bedrock-tenancy/runtime` resolves to this build as it would from node_modules.
    const dir = fs.mkdtempSync(path.join(ROOT, ".twin-check-"));
    const file = path.join(dir, "application.mjs");
    try {
        fs.writeFileSync(file, ts.transpileModule(block, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText);
        const credentials = await twin.credentialsFor(roleArn);
        await new Promise<void>((resolve, reject) => {
            execFile(process.execPath, [file], { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...twin.env(credentials, tenant.region), ...env }, timeout: 60_000 }, (err, _stdout, stderr) =>
                err ? reject(new Error(`the block failed: ${stderr.split("\n").filter((l) => /Error|Exception/.test(l)).slice(0, 2).join(" | ") || err.message}`)) : resolve(),
            );
        });
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

export function docExpectations(twin: () => AwsTwin, fn: TwinFunction, tenant: ExportedTenant | undefined): Expectation[] {
    const tenantId = fn.environment.BEDROCK_TENANCY_TENANT_ID;
    if (!tenant) return [];
    const expectations: Expectation[] = [];
    if (applicationBlock().includes(`tenantId: "${tenantId}"`)) {
        expectations.push({
            name: `the application block of docs/runtime.md, as written, runs as ${tenantId}'s runtime role and its two records reach ${fn.logGroup}`,
            run: async () => {
                const before = twin().logs.records(fn.logGroup!).length;
                await runBlock(twin(), applicationBlock(), fn.roleArn, tenant, blockEnv(tenant));
                const records = twin().logs.records(fn.logGroup!).slice(before);
                check(records.map((r) => `${r.operation as string}:${r.outcome as string}`).join(",") === "Converse:success,ConverseStream:success", `records: ${JSON.stringify(records.map((r) => [r.operation, r.outcome, r.errorCode]))}`);
            },
        });
    }
    const model = "anthropic.claude-3-haiku-20240307-v1:0";
    if (loggerAloneBlock().includes(`tenantId: "${tenantId}"`) && tenant.inferenceProfileArns[model]) {
        expectations.push({
            name: `the "logger alone" block of docs/runtime.md, as written, runs as ${tenantId}'s runtime role and its record reaches ${fn.logGroup}`,
            run: async () => {
                const before = twin().logs.records(fn.logGroup!).length;
                await runBlock(twin(), loggerAloneBlock(), fn.roleArn, tenant, {
                    BEDROCK_TENANCY_OPS_ROLE_ARN: tenant.roleArn, BEDROCK_TENANCY_EXTERNAL_ID: tenant.externalId, INFERENCE_PROFILE_ARN: tenant.inferenceProfileArns[model], ...guardrailEnv(tenant),
                });
                const records = twin().logs.records(fn.logGroup!).slice(before);
                check(records.map((r) => `${r.operation as string}:${r.outcome as string}`).join(",") === "Converse:success", `records: ${JSON.stringify(records.map((r) => [r.operation, r.outcome, r.errorCode]))}`);
            },
        });
    }
    expectations.push({
        name: `the HTTP-service example answers POST /chat as ${tenantId}'s runtime role and records the call in ${fn.logGroup}`,
        run: async () => {
            const credentials = await twin().credentialsFor(fn.roleArn);
            await withEnv(twin().env(credentials, tenant.region), async () => {
                const service = createChatService({
                    tenantId, opsRoleArn: tenant.roleArn, externalId: tenant.externalId, modelId: tenant.allowedModels[0],
                    inferenceProfileArn: tenant.inferenceProfileArns[tenant.allowedModels[0]], logGroupName: fn.logGroup!, region: tenant.region, guardrail: tenant.guardrail,
                });
                const url = await service.listen();
                try {
                    const res = await fetch(`${url}/chat`, { method: "POST", body: JSON.stringify({ prompt: "Summarise the contract.", userId: "user-17", requestId: "twin-http" }) });
                    check(res.status === 200, `POST /chat answered ${res.status} ${await res.text()}`);
                } finally {
                    await service.close();
                }
            });
            const record = twin().logs.records(fn.logGroup!).find((r) => r.clientRequestId === "twin-http");
            check(record?.outcome === "success", `the record says ${JSON.stringify(record && [record.outcome, record.errorCode])}`);
        },
    });
    return expectations;
}
