import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CONFIG_NAMESPACE, EXTERNAL_ID_SECRET_KEY } from "../../stacks/ops-config";

/** Marks a stand-in for a `secure:` config value that cannot be decrypted offline. */
export const SECRET_PLACEHOLDER_PREFIX = "offline-placeholder-for-secret";

/** One `Pulumi.<stack>.yaml`, converted to what the Pulumi runtime reads. */
export interface StackFile {
    stack: string;
    file: string;
    /** `namespace:key` to value; objects JSON-encoded, as the Pulumi CLI passes them. */
    config: Record<string, string>;
    /** Keys whose value was (or contained) a `secure:` value. */
    secretKeys: string[];
    /** Keys whose secure values were replaced by placeholders. */
    placeholders: string[];
}

/** Stack names that have a `Pulumi.<stack>.yaml` in `dir`, ops-kind stacks first. */
export function listStacks(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

export function readStackFile(dir: string, stack: string, project: string): StackFile {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`stack "${stack}" has no config file ${file}`);
    }
    const doc = parse(fs.readFileSync(file, "utf8")) ?? {};
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const placeholders: string[] = [];
    for (const [rawKey, rawValue] of Object.entries<unknown>(doc.config ?? {})) {
        const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
        let sawSecret = false;
        const value = replaceSecure(rawValue, key, () => (sawSecret = true));
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
        if (sawSecret) {
            secretKeys.push(key);
            placeholders.push(key);
        }
    }
    // The ExternalIds derive from a stack secret, which a checked-in file cannot hold in clear: without
    // one, the plan derives them from a fixed stand-in named as such, so they are known, as at a preview.
    const secretKey = `${CONFIG_NAMESPACE}:${EXTERNAL_ID_SECRET_KEY}`;
    if (config[`${project}:kind`] === "ops" && config[secretKey] === undefined) {
        config[secretKey] = `${SECRET_PLACEHOLDER_PREFIX}.${secretKey}`;
        secretKeys.push(secretKey);
        placeholders.push(`${secretKey} (not set)`);
    }
    return { stack, file, config, secretKeys, placeholders };
}

/** Replaces every `{ secure: "..." }` node with a placeholder that names where it was. */
function replaceSecure(value: unknown, where: string, onSecret: () => void): unknown {
    if (Array.isArray(value)) {
        return value.map((v, i) => replaceSecure(v, `${where}[${i}]`, onSecret));
    }
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.length === 1 && entries[0][0] === "secure") {
            onSecret();
            return `${SECRET_PLACEHOLDER_PREFIX}.${where.replace(/[^\w+=,.@:/-]/g, "_")}`;
        }
        return Object.fromEntries(entries.map(([k, v]) => [k, replaceSecure(v, `${where}.${k}`, onSecret)]));
    }
    return value;
}

/** The stack's `bedrock-tenancy:kind`, or undefined. */
export function stackKind(file: StackFile, project: string): string | undefined {
    return file.config[`${project}:kind`];
}

/** Account the stack deploys to, from the AWS provider's `allowedAccountIds` guard. */
export function stackAccount(file: StackFile): string | undefined {
    const raw = file.config["aws:allowedAccountIds"];
    if (!raw) return undefined;
    const ids = JSON.parse(raw);
    return Array.isArray(ids) && ids.length === 1 ? String(ids[0]) : undefined;
}
