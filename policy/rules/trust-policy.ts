/**
 * Rule: a tenant role's trust policy admits only named principals, and only
 * when they present the tenant's ExternalId.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { OPS_ROLE_PREFIX } from "../../contract/naming";
import { NormalizedStatement, conditionValues, hasWildcard, parsePolicyDocument, statementCovers } from "./policy-document";
import { isTenantRoleName } from "./tenant-scope";

export const IAM_ROLE_TYPE = "aws:iam/role:Role";
export const ASSUME_ROLE_ACTION = "sts:AssumeRole";
export const EXTERNAL_ID_KEY = "sts:ExternalId";
/** Only an exact match pins the ExternalId (`...IfExists` passes when it is absent). */
export const EXTERNAL_ID_OPERATOR = "StringEquals";

function principalEntries(principal: unknown): { kind: string | undefined; value: string }[] {
    if (typeof principal === "string") {
        return [{ kind: undefined, value: principal }];
    }
    if (typeof principal !== "object" || principal === null) {
        return [];
    }
    return Object.entries(principal).flatMap(([kind, values]) =>
        (Array.isArray(values) ? values : [values])
            .filter((value): value is string => typeof value === "string")
            .map((value) => ({ kind, value })),
    );
}

function principalProblems(statement: NormalizedStatement): string[] {
    const problems: string[] = [];
    if (statement.notPrincipal !== undefined) {
        problems.push(`${statement.label} uses NotPrincipal with Allow, which trusts every principal it does not list`);
    }
    for (const { kind, value } of principalEntries(statement.principal)) {
        if (hasWildcard(value)) {
            const shown = kind === undefined ? JSON.stringify(value) : `${kind} ${JSON.stringify(value)}`;
            problems.push(`${statement.label} names the wildcard principal ${shown}`);
        }
    }
    return problems;
}

function externalIdProblems(statement: NormalizedStatement): string[] {
    if (!statementCovers(statement, ASSUME_ROLE_ACTION)) {
        return [];
    }
    const problems: string[] = [];
    if (statement.notAction !== undefined) {
        problems.push(`${statement.label} grants ${ASSUME_ROLE_ACTION} through NotAction; list the allowed actions instead`);
    }
    const ids = conditionValues(statement, EXTERNAL_ID_OPERATOR, EXTERNAL_ID_KEY) ?? [];
    if (ids.length === 0 || ids.some((id) => id === "")) {
        problems.push(`${statement.label} allows ${ASSUME_ROLE_ACTION} without a ${EXTERNAL_ID_OPERATOR} condition on ${EXTERNAL_ID_KEY}`);
    }
    return problems;
}

/** Everything wrong with a tenant role's trust policy, one message per finding. */
export function trustPolicyProblems(document: unknown): string[] {
    const parsed = parsePolicyDocument(document);
    if (!parsed.ok) {
        return [`assumeRolePolicy cannot be checked: ${parsed.reason}`];
    }
    return parsed.statements
        .filter((statement) => statement.allows)
        .flatMap((statement) => [...principalProblems(statement), ...externalIdProblems(statement)]);
}

export const tenantRoleTrustPolicy: ResourceValidationPolicy = {
    name: "tenant-role-trust-requires-external-id",
    description:
        `Every tenant role (IAM role named ${OPS_ROLE_PREFIX}<tenant>) trusts only named principals ` +
        `and requires ${EXTERNAL_ID_KEY} on every statement that allows ${ASSUME_ROLE_ACTION}.`,
    enforcementLevel: "mandatory",
    severity: "critical",
    validateResource: (args, reportViolation) => {
        if (args.type !== IAM_ROLE_TYPE || !(isTenantRoleName(args.props.name) || isTenantRoleName(args.props.namePrefix))) {
            return;
        }
        // Absent only while the value is not known yet; there is nothing to judge.
        if (args.props.assumeRolePolicy === undefined) {
            return;
        }
        for (const problem of trustPolicyProblems(args.props.assumeRolePolicy)) {
            reportViolation(problem);
        }
    },
};
