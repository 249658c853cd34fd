/**
 * What the expectations of `npm run twin:check` share: the plans, the tenants
 * the ops stacks export, the customer stacks' functions, and small helpers to
 * run code with an environment and to capture what a Lambda writes.
 */
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import { setEnv } from "../../testing/local-aws";
import type { StackState } from "../../verifier/pulumi-formats";
import { buildModel, type TwinFunction } from "./plan-model";
import { AwsTwin } from "./twin";

export interface Expectation {
    name: string;
    /** Throws, saying what AWS would have done instead, when the expectation does not hold. */
    run: () => Promise<void>;
}

/** One tenant as the ops stack's `tenants` output exports it. */
export interface ExportedTenant {
    tenantId: string;
    roleArn: string;
    externalId: string;
    allowedModels: string[];
    inferenceProfileArns: Record<string, string>;
    region: string;
    accounts: string[];
    runtimeRoleName: string;
    /** The guardrail the tenant's role requires on every call (its BedrockTenantAccess's `guardrailIdentifier`). */
    guardrail?: { identifier: string; version: string };
}

export const ROOT = path.resolve(__dirname, "..", "..");

/** Tenants of every ops stack of the plans. */
export function exportedTenants(stacks: StackState[]): ExportedTenant[] {
    return stacks.flatMap((s) => {
        const tenants = s.resources.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs.tenants as Record<string, Omit<ExportedTenant, "tenantId">> | undefined;
        const required = (tenantId: string) => {
            const access = s.resources.find((r) => r.type === "bedrock-tenancy:index:BedrockTenantAccess" && r.outputs.tenantId === tenantId);
            const arn = access?.outputs.guardrailIdentifier;
            // `arn:aws:bedrock:REGION:ACCOUNT:guardrail/ID:VERSION`
            return typeof arn === "string" ? { identifier: arn.slice(0, arn.lastIndexOf(":")), version: arn.slice(arn.lastIndexOf(":") + 1) } : undefined;
        };
        return Object.entries(tenants ?? {}).map(([tenantId, t]) => ({ ...t, tenantId, guardrail: required(tenantId) }));
    });
}

/** `guardrailConfig` of every call of a tenant whose role requires a guardrail. */
export function guardrailFields(tenant: ExportedTenant): { guardrailConfig?: { guardrailIdentifier: string; guardrailVersion: string } } {
    return tenant.guardrail ? { guardrailConfig: { guardrailIdentifier: tenant.guardrail.identifier, guardrailVersion: tenant.guardrail.version } } : {};
}

/** Functions that run the shipped runtime (they carry the tenant's ops role). */
export function runtimeFunctions(stacks: StackState[]): TwinFunction[] {
    return buildModel(stacks).functions.filter((f) => f.environment.BEDROCK_TENANCY_OPS_ROLE_ARN);
}

export function opsStacks(stacks: StackState[]): StackState[] {
    return stacks.filter((s) => exportedTenants([s]).length > 0 || s.resources.some((r) => r.type === "bedrock-tenancy:index:BedrockTenantAccess"));
}

/** Runs `fn` with these environment variables set, restoring them afterwards. */
export async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
    const restore = setEnv(vars);
    try {
        return await fn();
    } finally {
        restore();
    }
}

// A real import(), which ts-node would otherwise compile into require().
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importModule = new Function("url", "return import(url)") as (url: string) => Promise<any>;
let loads = 0;

/** A fresh instance of an ES module bundle: a cold start. */
export function coldStart(file: string): Promise<any> {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
    return importModule(`${pathToFileURL(file).href}?cold-start=${++loads}`);
}

export function check(condition: unknown, message: string): asserts condition {
    if (!condition) throw new Error(message);
}

/** The message of an AWS SDK error, or of any error. */
export const errorText = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/** Starts a twin for `stacks`, runs `fn`, always closes it. */
export async function withTwin<T>(stacks: StackState[], fn: (twin: AwsTwin) => Promise<T>): Promise<T> {
    const twin = await AwsTwin.start(stacks);
    try {
        return await fn(twin);
    } finally {
        await twin.close();
    }
}
