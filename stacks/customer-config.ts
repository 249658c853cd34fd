import * as pulumi from "@pulumi/pulumi";
import type { PrivateInvocationLoggingArgs } from "../components/private-invocation-logging/args";
import { ArgumentError, assertTenantId, raise, showBrief } from "../contract";
import { keysInNamespace, unknownConfigKeyProblem } from "./config-keys";
import { parseConfigJson } from "./config-json";
import type { TenantDirectory } from "../contract/tenant-directory";
import { loadTenantDirectory, opsStackFromDirectory } from "./directory-config";
import { STACK_KIND_KEY } from "./stack-outputs";

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
    | "bedrockMaxAttempts"
    | "bedrockRequestTimeoutMs"
    | "sessionUserTag"
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

/** How a key's config text is read: as is, as a number, as `true` or `false`, as an object, or as an object that `true` and `false` also turn on and off. */
type ValueKind = "text" | "number" | "boolean" | "object" | "switch";

/** The component settings, each with how its text is read. */
const CUSTOMER_SETTING_KINDS: { readonly [K in keyof Required<CustomerSettings>]: ValueKind } = {
    logRetentionDays: "number",
    contentMode: "text",
    auditMode: "text",
    bedrockMaxAttempts: "number",
    bedrockRequestTimeoutMs: "number",
    sessionUserTag: "boolean",
    memorySizeMb: "number",
    timeoutSeconds: "number",
    reservedConcurrency: "number",
    throttleAlarm: "object",
    // `true` turns isolation on with a new VPC; an object configures it.
    networkIsolation: "switch",
    // `true` turns the archive on with its defaults; an object configures it.
    archive: "switch",
    lambdaBundlePath: "text",
};

/**
 * Every key a customer stack reads in {@link CONFIG_NAMESPACE}: the program
 * reads only through this table (its reader takes no other key), and any
 * other key set in the namespace fails the preview.
 */
export const CUSTOMER_CONFIG_KEYS = Object.freeze({
    [STACK_KIND_KEY]: "text",
    tenantId: "text",
    directory: "text",
    opsStack: "text",
    ...CUSTOMER_SETTING_KINDS,
} as const satisfies Record<string, ValueKind>);
type CustomerConfigKey = keyof typeof CUSTOMER_CONFIG_KEYS;

/** A number as a config value writes it: decimal digits, an optional sign and fraction, nothing around them. */
const DECIMAL_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * Parses the customer stack's config; errors name the full config key and
 * the value. `keys`, when given, are all the keys set in the namespace: one
 * the stack does not read is refused, naming the key meant.
 */
export function parseCustomerConfig(
    readAny: ConfigReader,
    loadDirectory: (file: string) => TenantDirectory = loadTenantDirectory,
    keys: readonly string[] = [],
): CustomerConfig {
    raise(unknownConfigKeyProblem(CONFIG_NAMESPACE, keys, Object.keys(CUSTOMER_CONFIG_KEYS), "a customer stack"));
    const read = (k: CustomerConfigKey) => readAny(k);
    const key = (k: CustomerConfigKey) => `${CONFIG_NAMESPACE}:${k}`;
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

    const number = (k: CustomerConfigKey): number | undefined => {
        const raw = read(k);
        if (raw === undefined) return undefined;
        const value = Number(raw);
        // Number() also reads "0x16D", "0b101" and " 365 ": a setting is written in decimal digits.
        if (!DECIMAL_NUMBER.test(raw) || !Number.isFinite(value)) {
            throw new ArgumentError(`${key(k)} must be a number, got ${JSON.stringify(raw)}`);
        }
        return value;
    };
    const object = (k: CustomerConfigKey, switched = false): object | undefined => {
        const raw = read(k);
        if (raw === undefined) return undefined;
        const value = parseConfigJson(key(k), raw);
        // Only a switch is turned on by `true`; for a settings object (throttleAlarm) it would read as every default, unnoticed.
        if (value === true && switched) return {};
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            throw new ArgumentError(`${key(k)} must be an object, got ${showBrief(value)}`);
        }
        return value;
    };
    const boolean = (k: CustomerConfigKey): boolean | undefined => {
        const raw = read(k);
        if (raw === undefined) return undefined;
        if (raw !== "true" && raw !== "false") throw new ArgumentError(`${key(k)} must be true or false, got ${JSON.stringify(raw)}`);
        return raw === "true";
    };
    const readers: Record<ValueKind, (k: CustomerConfigKey) => unknown> = {
        text: read,
        number,
        boolean,
        object,
        switch: (k) => (read(k) === "false" ? undefined : object(k, true)),
    };
    const settings: Record<string, unknown> = {};
    for (const [k, kind] of Object.entries(CUSTOMER_SETTING_KINDS) as [keyof CustomerSettings, ValueKind][]) {
        const value = readers[kind](k);
        // Unset keys stay out, so the component's documented defaults apply.
        if (value !== undefined) settings[k] = value;
    }
    // The component checks each setting's value, naming it.
    return { opsStack, tenantId, settings: settings };
}

/**
 * An `ArgumentError` the component raised about a setting this stack's
 * config gave, renamed by its config key: the component names its argument
 * (`memorySizeMb`, `throttleAlarm.threshold`), which the stack's config
 * spells `bedrock-tenancy:memorySizeMb`. Any other error is returned as it is.
 */
export function configSettingError(err: unknown, settings: CustomerSettings): unknown {
    if (!(err instanceof ArgumentError)) return err;
    const { message } = err;
    // The argument's name, then what follows a name in the component's messages: a space, a member or an element.
    const named = Object.keys(settings).some((k) => message.startsWith(k) && [" ", ".", "["].includes(message.charAt(k.length)));
    return named ? new ArgumentError(`${CONFIG_NAMESPACE}:${message}`, { cause: err }) : err;
}

/** The stack's own config, as `pulumi.Config` sees it. */
export function readCustomerConfig(): CustomerConfig {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    return parseCustomerConfig((k) => config.get(k), loadTenantDirectory, keysInNamespace(CONFIG_NAMESPACE));
}
