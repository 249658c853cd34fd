/**
 * The pack reads IAM documents with the contract's one model, which fails
 * closed: a document it cannot read whole is one finding naming the input,
 * never a partial reading.
 */
import { parsePolicy, type PolicyStatement } from "../../contract/iam";

export function readPolicy(document: unknown, where: string): { statements: PolicyStatement[] } | { problem: string } {
    const parsed = parsePolicy(document);
    if ("statements" in parsed) return parsed;
    // Document-level problems read as "is not valid JSON"; statement-level ones start with the statement.
    const subject = parsed.problem.startsWith("Statement ") ? "" : "it ";
    return { problem: `${where} cannot be checked: ${subject}${parsed.problem}` };
}
