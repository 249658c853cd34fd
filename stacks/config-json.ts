/**
 * Config values that hold JSON, parsed here rather than by Pulumi's
 * `getObject`: Pulumi's error quotes the whole value, a secret one too, and
 * `JSON.parse` keeps the last of a key written twice, so a value with two
 * `id`s or two `models` says two things and the stack would act on one of
 * them unnoticed.
 */
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError } from "../contract";
import { repeatedJsonKey } from "../contract/json-keys";

/** Keys the docs ask to be set as secrets; shown by name only, whatever the stack's settings say. */
const SECRET_BY_NAME = ["externalIds", "externalIdSecret"];

/**
 * Whether the stack holds `fullKey` as a secret, or undefined when that
 * cannot be told: Pulumi tells its programs only through an internal function.
 */
export function heldAsSecret(fullKey: string): boolean | undefined {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (key: string) => boolean };
        return typeof runtimeConfig.isConfigSecret === "function" ? runtimeConfig.isConfigSecret(fullKey) : undefined;
    } catch {
        return undefined;
    }
}

/** Whether a value must not be quoted: a secret by name or by the stack's settings, or one that cannot be told. */
function isSecretConfig(fullKey: string): boolean {
    return SECRET_BY_NAME.includes(fullKey.slice(fullKey.indexOf(":") + 1)) || heldAsSecret(fullKey) !== false;
}

/**
 * Why the keys the docs ask to be secrets are not, when the stack holds one
 * in plain text: it would sit in clear in `Pulumi.<stack>.yaml` and in the
 * state. Nothing is said when Pulumi cannot tell.
 */
export function plainTextSecretProblem(namespace: string, config: Pick<StackConfig, "get">): string | undefined {
    const key = SECRET_BY_NAME.find((k) => config.get(k) !== undefined && heldAsSecret(`${namespace}:${k}`) === false);
    return key === undefined ? undefined : `${namespace}:${key} is set in plain text: it holds what every tenant's ExternalId comes from, which would sit in clear in the stack's config file and state; set it with pulumi config set --secret`;
}

/** `text`, the value of `fullKey`, as JSON; throws an ArgumentError naming the key, quoting nothing of a secret. */
export function parseConfigJson(fullKey: string, text: string): unknown {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (e) {
        // V8's message quotes the start of the text, so a secret's is left out.
        const why = isSecretConfig(fullKey) ? `a secret of ${text.length} characters, not shown` : (e as Error).message;
        throw new ArgumentError(`${fullKey} is not valid JSON (${why})`);
    }
    const repeated = repeatedJsonKey(text, false);
    if (repeated !== undefined) {
        const where = repeated.steps.length === 0 ? "" : ` in ${repeated.path}`;
        throw new ArgumentError(`${fullKey} writes the key ${JSON.stringify(repeated.key)} twice in one object${where}: JSON keeps the last, so the value says two things; write each key once`);
    }
    return value;
}

/** A namespace's config, its JSON values read through {@link parseConfigJson}. */
export interface StackConfig {
    get(key: string): string | undefined;
    getObject<T>(key: string): T | undefined;
    requireObject<T>(key: string): T;
    getSecret(key: string): pulumi.Output<string> | undefined;
}

export function stackConfig(namespace: string): StackConfig {
    const config = new pulumi.Config(namespace);
    const getObject = <T>(key: string): T | undefined => {
        const text = config.get(key);
        return text === undefined ? undefined : (parseConfigJson(`${namespace}:${key}`, text) as T);
    };
    return {
        get: (key) => config.get(key),
        getObject,
        requireObject: <T>(key: string): T => {
            const value = getObject<T>(key);
            if (value === undefined) throw new ArgumentError(`${namespace}:${key} is required: set it with pulumi config set`);
            return value;
        },
        getSecret: (key) => config.getSecret(key),
    };
}
