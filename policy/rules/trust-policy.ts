/**
 * Rule: a tenant role's trust policy admits only named principals, and only
 * when they present the tenant's ExternalId.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { OPS_ROLE_PREFIX } from "../../contract/naming";
import { coversAction, hasWildcard, type PolicyStatement } from "../../contract/iam";
import { readPolicy } from "./read-policy";
import { isTenantRoleName } from "./tenant-scope";

export const IAM_ROLE_TYPE = "aws:iam/role:Role";
export const ASSUME_ROLE_ACTION = "sts:AssumeRole";
export const EXTERNAL_ID_KEY = "sts:ExternalId";
/** Only an exact match pins the ExternalId (`...IfExists` passes when it is absent). */
export const EXTERNAL_ID_OPERATOR = "StringEquals";

function principalProblems(statement: PolicyStatement): string[] {
    const problems: string[] = [];
    if (statement.notPrincipals !== undefined) {
        problems.push(`${statement.label} uses NotPrincipal with Allow, which trusts every principal it does not list`);
    }
    for (const [kind, values] of Object.entries(statement.principals ?? {})) {
        for (const value of values.filter(hasWildcard)) {
            problems.push(`${statement.label} names the wildcard principal ${kind} ${JSON.stringify(value)}`);
        }
    }
    return problems;
}

function externalIdProblems(statement: PolicyStatement): string[] {
    if (!coversAction(statement, ASSUME_ROLE_ACTION)) {
        return [];
    }
    const problems: string[] = [];
    if (statement.notActions !== undefined) {
        problems.push(`${statement.label} grants ${ASSUME_ROLE_ACTION} through NotAction; list the allowed actions instead`);
    }
    const ids = statement.conditions.filter((c) => c.operator === EXTERNAL_ID_OPERATOR && c.key === EXTERNAL_ID_KEY.toLowerCase()).flatMap((c) => c.values);
    if (ids.length === 0 || ids.some((id) => id === "")) {
        problems.push(`${statement.label} allows ${ASSUME_ROLE_ACTION} without a ${EXTERNAL_ID_OPERATOR} condition on ${EXTERNAL_ID_KEY}`);
    }
    return problems;
}

/** Everything wrong with a tenant role's trust policy, one message per finding. */
export function trustPolicyProblems(document: unknown): string[] {
    const parsed = readPolicy(document, "assumeRolePolicy");
    if ("problem" in parsed) {
        return [parsed.problem];
    }
    return parsed.statements
        .filter((statement) => statement.effect === "Allow")
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
