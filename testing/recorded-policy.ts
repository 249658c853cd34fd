import type * as aws from "@pulumi/aws";
import { SECRET_SIG, SIG_KEY } from "../verifier/pulumi-formats";

/** The value with the engine's secret wrappers `{ [SIG]: SECRET_SIG, value }` removed. */
export function unwrapSecrets(value: unknown): unknown {
    if (value !== null && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG) {
        return unwrapSecrets((value as { value: unknown }).value);
    }
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/** A policy input as the engine received it: a JSON string or a document object, secret or not. */
export function parseRecordedPolicy(value: unknown, where: string): aws.iam.PolicyDocument {
    const plain = unwrapSecrets(value);
    if (typeof plain === "string") {
        try {
            return JSON.parse(plain);
        } catch {
            throw new Error(`${where} is not valid JSON`);
        }
    }
    if (plain && typeof plain === "object") return plain as aws.iam.PolicyDocument;
    throw new Error(`${where} has no policy document (got ${JSON.stringify(plain)})`);
}
