/**
 * Rule: a tenant role may invoke only the models and inference profiles it
 * names. Any grant of model invocation on `*`, on a Bedrock ARN whose
 * resource part holds a wildcard (`foundation-model/*`), or through
 * NotAction/NotResource is a violation. Region and account wildcards are
 * allowed: cross-Region inference needs the same model in every destination.
 */
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { BEDROCK_TENANT_ACCESS_TYPE, OPS_ROLE_PREFIX } from "../../contract/naming";
import { coversAction, hasWildcard, parseArn, type PolicyStatement } from "../../contract/iam";
import { readPolicy } from "./read-policy";
import { isTenantRoleName, isWithinComponent } from "./tenant-scope";
import { IAM_ROLE_TYPE } from "./trust-policy";

/** The actions Converse and ConverseStream are authorized as. */
export const MODEL_INVOKE_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"] as const;

export const IAM_ROLE_POLICY_TYPE = "aws:iam/rolePolicy:RolePolicy";
export const IAM_POLICY_TYPE = "aws:iam/policy:Policy";

/**
 * True when `resource` can name models it does not list: `*`, a wildcard
 * in the service or resource part of an ARN, or a wildcard that hides how
 * many ARN parts there are.
 */
export function isWildcardModelResource(resource: string): boolean {
    if (!hasWildcard(resource)) {
        return false;
    }
    const arn = parseArn(resource);
    if (arn === undefined || hasWildcard(arn.service)) {
        return true;
    }
    return arn.service === "bedrock" && hasWildcard(arn.resource);
}

function statementProblems(statement: PolicyStatement): string[] {
    const invoked = MODEL_INVOKE_ACTIONS.filter((action) => coversAction(statement, action));
    if (statement.effect !== "Allow" || invoked.length === 0) {
        return [];
    }
    const actions = invoked.join(", ");
    const problems: string[] = [];
    if (statement.notActions !== undefined) {
        problems.push(`${statement.label} grants ${actions} through NotAction; list the allowed actions instead`);
    }
    if (statement.notResources !== undefined) {
        problems.push(`${statement.label} grants ${actions} through NotResource, which covers every model it does not list`);
    }
    for (const resource of (statement.resources ?? []).filter(isWildcardModelResource)) {
        problems.push(`${statement.label} grants ${actions} on ${JSON.stringify(resource)}; name each model or inference profile`);
    }
    return problems;
}

/** Every grant of unlisted models in an identity policy, one message per finding. */
export function wildcardModelProblems(document: unknown, where: string): string[] {
    const parsed = readPolicy(document, where);
    if ("problem" in parsed) {
        return [parsed.problem];
    }
    return parsed.statements.flatMap((statement) => statementProblems(statement).map((problem) => `${where}: ${problem}`));
}

/** The identity policies a resource attaches to a tenant role, labelled for messages. */
function tenantPolicyDocuments(args: ResourceValidationArgs): { where: string; document: unknown }[] {
    const inComponent = isWithinComponent(args.urn, BEDROCK_TENANT_ACCESS_TYPE);
    const { props } = args;
    switch (args.type) {
        case IAM_ROLE_POLICY_TYPE:
            return inComponent || isTenantRoleName(props.role) ? [{ where: "policy", document: props.policy }] : [];
        case IAM_POLICY_TYPE:
            return inComponent ? [{ where: "policy", document: props.policy }] : [];
        case IAM_ROLE_TYPE: {
            if (!(inComponent || isTenantRoleName(props.name) || isTenantRoleName(props.namePrefix))) {
                return [];
            }
            const inline: unknown[] = Array.isArray(props.inlinePolicies) ? props.inlinePolicies : [];
            return inline.map((entry, index) => ({
                where: `inlinePolicies[${index}]`,
                document: (entry as { policy?: unknown } | null)?.policy,
            }));
        }
        default:
            return [];
    }
}

export const tenantRoleModelScopePolicy: ResourceValidationPolicy = {
    name: "tenant-role-no-wildcard-models",
    description:
        `No tenant role (IAM role named ${OPS_ROLE_PREFIX}<tenant>, or any policy of a BedrockTenantAccess) ` +
        `may invoke Bedrock models it does not name: no "*", no wildcard model ARNs, no NotAction/NotResource.`,
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, reportViolation) => {
        for (const { where, document } of tenantPolicyDocuments(args)) {
            // Absent only while the value is not known yet; there is nothing to judge.
            if (document === undefined) {
                continue;
            }
            for (const problem of wildcardModelProblems(document, where)) {
                reportViolation(problem);
            }
        }
    },
};
