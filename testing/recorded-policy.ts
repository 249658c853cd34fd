import type * as aws from "@pulumi/aws";
import { decodeSecrets } from "../verifier/pulumi-formats";

/** A policy input as the engine received it: a JSON string or a document object, secret or not. */
export function parseRecordedPolicy(value: unknown, where: string): aws.iam.PolicyDocument {
    const plain = decodeSecrets(value, where);
    if (typeof plain === "string") {
        try {
            return JSON.parse(plain) as aws.iam.PolicyDocument;
        } catch {
            throw new Error(`${where} is not valid JSON`);
        }
    }
    if (plain && typeof plain === "object") return plain as aws.iam.PolicyDocument;
    throw new Error(`${where} has no policy document (got ${JSON.stringify(plain)})`);
}
