/**
 * Who signed a request: every access key the enforcing stand-ins accept
 * belongs to a principal of the plans, minted for a test (as the compute's
 * own role, a service's, or an account's root) or issued by STS AssumeRole.
 */
import type { TwinRole } from "./plan-model";

export interface TwinCredentials {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string;
}

export interface TwinSession {
    credentials: TwinCredentials;
    /** What the evaluator calls the principal: the role ARN, or the account's root ARN. */
    principal: string;
    /** How AWS names the caller in a refusal: the assumed-role session ARN, or the root ARN. */
    callerArn: string;
    account: string;
    role?: TwinRole;
    tags: Record<string, string>;
    sourceIdentity?: string;
    /** A session obtained with another role's session: role chaining, capped at one hour. */
    chained: boolean;
}

export const sessionArn = (role: TwinRole, sessionName: string): string => `arn:aws:sts::${role.account}:assumed-role/${role.name}/${sessionName}`;

/** The Region and access key of a SigV4 `Authorization` header (`Credential=AKID/DATE/REGION/SERVICE/aws4_request`). */
export function signingScope(authorization: string | undefined): { accessKeyId?: string; region?: string } {
    const credential = authorization?.split("Credential=")[1]?.split(/[,\s]/)[0];
    if (!credential) return {};
    const [accessKeyId, , region] = credential.split("/");
    return { accessKeyId, region };
}

/** Context keys every request of a session carries. */
export function principalContext(session: TwinSession): Record<string, string | string[]> {
    const context: Record<string, string | string[]> = {
        "aws:PrincipalArn": session.principal,
        "aws:PrincipalAccount": session.account,
        // The stand-ins listen on plain HTTP on 127.0.0.1; they stand for AWS's TLS endpoints.
        "aws:SecureTransport": "true",
    };
    for (const [key, value] of Object.entries(session.tags)) context[`aws:PrincipalTag/${key}`] = value;
    if (session.sourceIdentity) context["aws:SourceIdentity"] = session.sourceIdentity;
    return context;
}
