/**
 * STS `AssumeRole` on 127.0.0.1. The installed @aws-sdk/client-sts speaks the
 * awsQuery protocol: a form-encoded POST to `/` (`Action=AssumeRole&...`,
 * tags as `Tags.member.N.Key/Value`) answered with XML.
 */
import type * as http from "http";
import { LocalAwsServer, type RecordedRequest } from "./local-server";

export interface AssumeRoleCall {
    roleArn?: string;
    externalId?: string;
    roleSessionName?: string;
    durationSeconds?: number;
    tags: { Key: string; Value: string }[];
    sourceIdentity?: string;
    /** Access key that signed the request: the caller's own credentials. */
    accessKeyId?: string;
    /** Access key id of the credentials handed out. */
    issuedAccessKeyId: string;
}

export class LocalStsServer extends LocalAwsServer {
    readonly assumeRoleCalls: AssumeRoleCall[] = [];
    /** Lifetime of issued credentials. @default one hour */
    credentialLifetimeMs = 3600_000;
    /** Prefix of issued access key ids (a counter follows). */
    issuedKeyPrefix = "ASIAOPSSESSION";
    /**
     * When set, AssumeRole with any other ExternalId is refused with 403
     * AccessDenied, as the trust policy's `sts:ExternalId` condition does.
     * The refusal quotes the ExternalId received, a worst case AWS does not
     * do, so tests can prove the runtime never passes such a message on.
     */
    requiredExternalId: string | undefined;
    protected readonly throttle = { status: 400, errorType: "Throttling" };

    /** Also forgets AssumeRole calls and restores the one-hour lifetime and any ExternalId. */
    reset(): void {
        super.reset();
        this.assumeRoleCalls.length = 0;
        this.credentialLifetimeMs = 3600_000;
        this.requiredExternalId = undefined;
    }

    protected handle(request: RecordedRequest, res: http.ServerResponse): void {
        const form = new URLSearchParams(request.body);
        if (form.get("Action") !== "AssumeRole") {
            return this.sendError(res, 400, "InvalidAction", `unsupported action ${form.get("Action")}`);
        }
        if (this.requiredExternalId !== undefined && form.get("ExternalId") !== this.requiredExternalId) {
            return this.sendError(res, 403, "AccessDenied", `not authorized to perform sts:AssumeRole with ExternalId ${form.get("ExternalId")}`);
        }
        const tags: { Key: string; Value: string }[] = [];
        for (let i = 1; form.has(`Tags.member.${i}.Key`); i++) {
            tags.push({ Key: form.get(`Tags.member.${i}.Key`)!, Value: form.get(`Tags.member.${i}.Value`) ?? "" });
        }
        const issuedAccessKeyId = `${this.issuedKeyPrefix}${this.assumeRoleCalls.length + 1}`;
        const duration = form.get("DurationSeconds");
        this.assumeRoleCalls.push({
            roleArn: form.get("RoleArn") ?? undefined,
            externalId: form.get("ExternalId") ?? undefined,
            roleSessionName: form.get("RoleSessionName") ?? undefined,
            ...(form.has("SourceIdentity") ? { sourceIdentity: form.get("SourceIdentity")! } : {}),
            durationSeconds: duration ? Number(duration) : undefined,
            tags,
            accessKeyId: request.accessKeyId,
            issuedAccessKeyId,
        });
        const expiration = new Date(Date.now() + this.credentialLifetimeMs).toISOString();
        const roleArn = form.get("RoleArn") ?? "";
        const roleName = roleArn.split("/").pop();
        const account = roleArn.split(":")[4] || "999999999999";
        res.writeHead(200, { "content-type": "text/xml" });
        // The SDK's XML parser ignores namespaces, so the reply carries none (and names no AWS host).
        res.end(`<AssumeRoleResponse>
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>${issuedAccessKeyId}</AccessKeyId>
      <SecretAccessKey>opsSessionSecret</SecretAccessKey>
      <SessionToken>opsSessionToken${this.assumeRoleCalls.length}</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROAEXAMPLE:${form.get("RoleSessionName")}</AssumedRoleId>
      <Arn>arn:aws:sts::${account}:assumed-role/${roleName}/${form.get("RoleSessionName")}</Arn>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>sts-req-${this.assumeRoleCalls.length}</RequestId></ResponseMetadata>
</AssumeRoleResponse>`);
    }

    protected sendError(res: http.ServerResponse, status: number, errorType: string, message: string): void {
        // STS names the request in a header as well as the body; the SDK reads the header into `$metadata.requestId`.
        res.writeHead(status, { "content-type": "text/xml", "x-amzn-requestid": "sts-err" });
        res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>${errorType}</Code><Message>${message}</Message></Error><RequestId>sts-err</RequestId></ErrorResponse>`);
    }
}
