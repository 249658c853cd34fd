import * as pulumi from "@pulumi/pulumi";
import type { PrivateInvocationLoggingArgs, RuntimeNetworkArgs, ThrottleAlarmArgs } from "../components/private-invocation-logging/args";
import type { AuditArchiveArgs } from "../components/private-invocation-logging/archive-args";
import { ArgumentError, assertTenantId, type AuditMode, type ContentMode } from "../contract";
import type { TenantDirectory } from "../contract/tenant-directory";
import { loadTenantDirectory, opsStackFromDirectory } from "./directory-config";
import type { TenantExport } from "./stack-outputs";

/** Config namespace of the project. */
export const CONFIG_NAMESPACE = "bedrock-tenancy";
/** Fully qualified stack name, `<organization>/<project>/<stack>`. */
export const OPS_STACK_PATTERN = /^[\w.-]+\/[\w.-]+\/[\w.-]+$/;

/** Component settings a customer stack may set in its config. */
export type CustomerSettings = Pick<
    PrivateInvocationLoggingArgs,
    | "logRetentionDays"
    | "contentMode"
    | "auditMode"
    | "memorySizeMb"
    | "timeoutSeconds"
    | "reservedConcurrency"
    | "throttleAlarm"
    | "networkIsolation"
    | "archive"
    | "lambdaBundlePath"
>;

export interface CustomerConfig {
    /** The ops stack whose `tenants` output names this tenant: `bedrock-tenancy:opsStack`, or the tenant's shard in `bedrock-tenancy:directory`. */
    opsStack: string;
    tenantId: string;
    settings: CustomerSettings;
}

/** Reads one config value: `undefined` when unset, the raw string otherwise. */
export type ConfigReader = (key: string) => string | undefined;

/** Parses the customer stack's config; errors name the full config key and the value. */
export function parseCustomerConfig(read: ConfigReader, loadDirectory: (file: string) => TenantDirectory = loadTenantDirectory): CustomerConfig {
    const key = (k: string) => `${CONFIG_NAMESPACE}:${k}`;
    const tenantId = read("tenantId");
    assertTenantId(tenantId, key("tenantId"));
    const directory = read("directory");
    const opsStack = directory === undefined ? read("opsStack") : opsStackFromDirectory(directory, tenantId, loadDirectory);
    if (directory !== undefined && read("opsStack") !== undefined && read("opsStack") !== opsStack) {
        throw new ArgumentError(`${key("opsStack")} ${JSON.stringify(read("opsStack"))} differs from ${JSON.stringify(opsStack)}, the ops stack ${key("directory")} ${JSON.stringify(directory)} assigns tenant ${JSON.stringify(tenantId)} to: remove ${key("opsStack")}`);
    }
    if (opsStack === undefined || !OPS_STACK_PATTERN.test(opsStack)) {
        throw new ArgumentError(`${key("opsStack")} must be a fully qualified stack name like "acme/bedrock-tenancy/ops", got ${JSON.stringify(opsStack)}`);
    }

    const number = (k: string): number | undefined => {
        const raw = read(k);
        if (raw === undefined) return undefined;
        const value = Number(raw);
        if (raw.trim() === "" || !Number.isFinite(value)) {
            throw new ArgumentError(`${key(k)} must be a number, got ${JSON.stringify(raw)}`);
        }
        return value;
    };
    const object = <T>(k: string): T | undefined => {
        const raw = read(k);
        if (raw === undefined) return undefined;
        let value: unknown;
        try {
            value = JSON.parse(raw);
        } catch {
            throw new ArgumentError(`${key(k)} must be an object, got ${JSON.stringify(raw)}`);
        }
        if (value === true) return {} as T;
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            throw new ArgumentError(`${key(k)} must be an object, got ${raw}`);
        }
        return value as T;
    };

    const settings: CustomerSettings = {
        logRetentionDays: number("logRetentionDays"),
        contentMode: read("contentMode") as ContentMode | undefined,
        auditMode: read("auditMode") as AuditMode | undefined,
        memorySizeMb: number("memorySizeMb"),
        timeoutSeconds: number("timeoutSeconds"),
        reservedConcurrency: number("reservedConcurrency"),
        throttleAlarm: object<ThrottleAlarmArgs>("throttleAlarm"),
        // `true` turns isolation on with a new VPC; an object configures it.
        networkIsolation: read("networkIsolation") === "false" ? undefined : object<RuntimeNetworkArgs>("networkIsolation"),
        // `true` turns the archive on with its defaults; an object configures it.
        archive: read("archive") === "false" ? undefined : object<AuditArchiveArgs>("archive"),
        lambdaBundlePath: read("lambdaBundlePath"),
    };
    // Unset keys stay out, so the component's documented defaults apply.
    for (const k of Object.keys(settings) as (keyof CustomerSettings)[]) {
        if (settings[k] === undefined) delete settings[k];
    }
    return { opsStack, tenantId, settings };
}

/** The stack's own config, as `pulumi.Config` sees it. */
export function readCustomerConfig(): CustomerConfig {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    return parseCustomerConfig((k) => config.get(k));
}

/** Why this account cannot use the tenant's ops role, or undefined when it can. */
export function tenantAccountProblem(entry: Pick<TenantExport, "accounts">, tenantId: string, accountId: string, opsStack: string): string | undefined {
    if (!entry.accounts.includes(accountId)) {
        return `account ${accountId} is not among the accounts ops stack ${JSON.stringify(opsStack)} trusts for tenant ${JSON.stringify(tenantId)} (${entry.accounts.join(", ")})`;
    }
    return undefined;
}
