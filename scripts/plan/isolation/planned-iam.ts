import type * as aws from "@pulumi/aws";
import type { PlannedResource } from "../plan-types";
import { unwrapSecrets } from "../secrets";

/** An IAM role as planned, with every policy that applies to it. */
export interface PlannedRole {
    stack: string;
    account: string;
    name: string;
    arn: string;
    /** Type of the component that created it (`bedrock-tenancy:index:...`), if any. */
    component?: string;
    trustPolicy: aws.iam.PolicyDocument;
    /** Inline and managed policies attached to the role. */
    identityPolicies: aws.iam.PolicyDocument[];
    /** Policy texts as planned, for size checks. */
    inlinePolicyTexts: string[];
}

export const ROLE = "aws:iam/role:Role";
export const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
export const KMS_KEY = "aws:kms/key:Key";
export const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
export const INVOCATION_LOGGING = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration";

/** A policy input as the engine received it: a JSON string or a document object. */
export function parsePolicy(value: unknown, where: string): aws.iam.PolicyDocument {
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

/** Size as IAM counts it for quotas: the JSON text without whitespace. */
export function policySize(doc: aws.iam.PolicyDocument): number {
    return JSON.stringify(doc).length;
}

/** Every role a stack plans, with its inline policies joined by role name. */
export function plannedRoles(stack: string, account: string, resources: PlannedResource[]): PlannedRole[] {
    const byKey = new Map(resources.map((r) => [`${r.type}::${r.name}`, r]));
    const roles = resources.filter((r) => r.type === ROLE);
    return roles.map((role) => {
        const name = String(unwrapSecrets(role.inputs.name) ?? role.name);
        const policies = resources.filter((r) => r.type === ROLE_POLICY && unwrapSecrets(r.inputs.role) === name);
        const identityPolicies = policies.map((p) => parsePolicy(p.inputs.policy, `${stack}: ${p.name}.policy`));
        return {
            stack,
            account,
            name,
            arn: `arn:aws:iam::${account}:role/${name}`,
            component: role.parent ? byKey.get(role.parent)?.type : undefined,
            trustPolicy: parsePolicy(role.inputs.assumeRolePolicy, `${stack}: ${role.name}.assumeRolePolicy`),
            identityPolicies,
            inlinePolicyTexts: identityPolicies.map((d) => JSON.stringify(d)),
        };
    });
}
