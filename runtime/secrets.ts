/**
 * Keeps the runtime's secrets (the ExternalId, the secret key and session
 * token of the customer's credentials and of the ops session) out of the
 * errors a caller gets. An STS refusal may quote the ExternalId it was sent,
 * and a signature mismatch may quote the signed request, session token and
 * all; the SDK hands such a message on as the error's text, stack and parsed
 * fields, and LangChain rethrows it to the caller as it is.
 */

/** Stands for a secret in an error's text. */
export const REDACTED_SECRET = "[redacted]";

/**
 * Secrets held by one ops client: the ExternalId, and the keys of the latest
 * few identities it resolved (a call in flight may still fail with one that
 * has just been renewed).
 */
export class RuntimeSecrets {
    private static readonly KEPT_IDENTITIES = 4;
    private readonly fixed: string[];
    private identities: string[][] = [];
    private source?: () => Promise<unknown>;

    constructor(...fixed: (string | undefined)[]) {
        this.fixed = fixed.filter(isSecret);
    }

    /**
     * Where the customer's identity comes from. A fail-closed call's first
     * record is written, with the customer's credentials, before the ops
     * role is ever assumed: an error quoting them can come before any
     * identity was noted.
     */
    identityFrom(source: () => Promise<unknown>): void {
        this.source = source;
    }

    /** Notes the source's identity when none was noted yet; an identity that cannot be had cannot be quoted either. */
    async complete(): Promise<void> {
        if (this.identities.length > 0 || this.source === undefined) return;
        try {
            this.noteIdentity((await this.source()) as Parameters<RuntimeSecrets["noteIdentity"]>[0]);
        } catch {
            // Nothing to note.
        }
    }

    /** Notes an identity's secret parts; its access key id is no secret. */
    noteIdentity(identity: { secretAccessKey?: unknown; sessionToken?: unknown } | undefined): void {
        const parts = [identity?.secretAccessKey, identity?.sessionToken].filter(isSecret);
        if (parts.length === 0 || this.identities.some((known) => known[0] === parts[0])) return;
        this.identities = [parts, ...this.identities].slice(0, RuntimeSecrets.KEPT_IDENTITIES);
    }

    list(): string[] {
        return [...this.fixed, ...this.identities.flat()];
    }
}

function isSecret(value: unknown): value is string {
    return typeof value === "string" && value.length > 0;
}

/** Secrets by the client (or model) that holds them, for the errors thrown through it. */
const secretsByOwner = new WeakMap<object, RuntimeSecrets>();

export function holdSecrets(owner: object, secrets: RuntimeSecrets): void {
    secretsByOwner.set(owner, secrets);
}

export function secretsOf(owner: object): RuntimeSecrets | undefined {
    return secretsByOwner.get(owner);
}

/** How far into an error's causes and parsed fields secrets are looked for. */
const MAX_DEPTH = 8;

/**
 * `err` with every occurrence of a secret replaced by {@link REDACTED_SECRET}:
 * in its text, stack and string fields, and those of its causes, aggregated
 * errors and plain-data fields. Changed in place (a shared session failure
 * reaches every waiting call as one object); an error that will not be
 * changed is replaced by a plain one of the same name and cleaned text.
 */
export function withoutSecrets(err: unknown, secrets: RuntimeSecrets | undefined): unknown {
    const list = secrets?.list() ?? [];
    if (list.length === 0) return err;
    if (typeof err === "string") return redact(err, list);
    const walk = { list, seen: new Set<object>(), stuck: false };
    scrub(err, walk, 0);
    if (!walk.stuck) return err;
    const plain = new Error(redact(textOf(err, "message"), list));
    plain.name = redact(textOf(err, "name") || "Error", list);
    plain.stack = `${plain.name}: ${plain.message}`;
    return plain;
}

interface Walk {
    list: string[];
    seen: Set<object>;
    /** A field held a secret and could not be rewritten. */
    stuck: boolean;
}

function scrub(value: unknown, walk: Walk, depth: number): void {
    if (typeof value !== "object" || value === null || walk.seen.has(value) || depth > MAX_DEPTH || !isDataHolder(value)) return;
    walk.seen.add(value);
    let keys: (string | symbol)[];
    try {
        keys = Reflect.ownKeys(value);
    } catch {
        walk.stuck = true;
        return;
    }
    for (const key of keys) {
        let field: unknown;
        try {
            field = (value as Record<string | symbol, unknown>)[key];
        } catch {
            continue;
        }
        if (key === RAW_RESPONSE && value instanceof Error && typeof field === "object" && field !== null) {
            // Some SDK errors hold it in a read-only field: then the response keeps all but its body.
            if (!rewrite(value, key, responseSummary(field)) && !rewrite(field, "body", undefined)) walk.stuck = true;
            continue;
        }
        if (typeof field === "string") {
            const clean = redact(field, walk.list);
            if (clean !== field && !rewrite(value, key, clean)) walk.stuck = true;
        } else {
            scrub(field, walk, depth + 1);
        }
    }
}

/**
 * The SDK's raw HTTP response on its errors: its body is the socket's stream,
 * which links to the request as sent, signed headers (a session token) and
 * all. The status and headers are what a caller reads of it.
 */
const RAW_RESPONSE = "$response";

function responseSummary(response: object): Record<string, unknown> {
    const { statusCode, reason, headers } = response as Record<string, unknown>;
    // Response headers name no secret of the caller's; the copy is plain data all the same.
    return { statusCode, reason, headers: typeof headers === "object" && headers !== null ? { ...headers } : undefined };
}

/**
 * Errors, lists and plain objects: what an error's causes and parsed fields
 * are. Anything else an SDK error may point at (a response, its socket) is
 * not walked: it is no text a caller reads.
 */
function isDataHolder(value: object): boolean {
    try {
        if (value instanceof Error || Array.isArray(value)) return true;
        const proto: unknown = Object.getPrototypeOf(value);
        return proto === Object.prototype || proto === null;
    } catch {
        return false;
    }
}

function rewrite(holder: object, key: string | symbol, clean: unknown): boolean {
    try {
        (holder as Record<string | symbol, unknown>)[key] = clean;
        if ((holder as Record<string | symbol, unknown>)[key] === clean) return true;
        Object.defineProperty(holder, key, { value: clean });
        return (holder as Record<string | symbol, unknown>)[key] === clean;
    } catch {
        return false;
    }
}

function redact(text: string, secrets: readonly string[]): string {
    let clean = text;
    for (const secret of secrets) {
        if (clean.includes(secret)) clean = clean.split(secret).join(REDACTED_SECRET);
    }
    return clean;
}

function textOf(err: unknown, key: "message" | "name"): string {
    try {
        const value = (err as Record<string, unknown> | null)?.[key];
        return typeof value === "string" ? value : key === "message" ? String(err) : "";
    } catch {
        return "";
    }
}
