/** The Pulumi wire format's marker for a secret value: `{ [SIG]: SECRET_SIG, value }`. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export const MASK = "[secret]";

function isSecretNode(v: unknown): v is { value: unknown } {
    return v !== null && typeof v === "object" && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Replaces every secret with {@link MASK}, for files a person reads. */
export function maskSecrets(value: unknown): unknown {
    return transform(value, () => MASK);
}

/** Removes the secret wrappers, for analysis in memory. */
export function unwrapSecrets(value: unknown): unknown {
    return transform(value, (v) => unwrapSecrets(v));
}

function transform(value: unknown, onSecret: (inner: unknown) => unknown): unknown {
    if (isSecretNode(value)) return onSecret(value.value);
    if (Array.isArray(value)) return value.map((v) => transform(v, onSecret));
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, transform(v, onSecret)]));
    }
    return value;
}
