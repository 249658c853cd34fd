/**
 * IAM `PutRolePolicy` / `DeleteRolePolicy` / `GetRolePolicy` /
 * `AttachRolePolicy` / `DetachRolePolicy` on 127.0.0.1,
 * over the awsQuery protocol @aws-sdk/client-iam speaks: a form-encoded POST
 * to `/` answered with XML. Roles exist only once a test creates them, so a
 * call naming any other role fails with NoSuchEntity as IAM does.
 */
import type * as http from "http";
import { LocalAwsServer, type RecordedRequest } from "./local-server";

export interface IamCall {
    action: string;
    roleName?: string;
    policyName?: string;
    policyDocument?: string;
    policyArn?: string;
}

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export class LocalIamServer extends LocalAwsServer {
    readonly calls: IamCall[] = [];
    /** Role name to its inline policies (name to JSON document). */
    readonly roles = new Map<string, Map<string, string>>();
    /** Role name to the ARNs of its attached managed policies. */
    readonly attached = new Map<string, Set<string>>();
    protected readonly throttle = { status: 400, errorType: "Throttling" };

    createRole(name: string): void {
        this.roles.set(name, new Map());
        this.attached.set(name, new Set());
    }

    /** The inline policy as a parsed document, or undefined. */
    inlinePolicy(roleName: string, policyName: string): unknown {
        const doc = this.roles.get(roleName)?.get(policyName);
        return doc === undefined ? undefined : JSON.parse(doc);
    }

    /** Also forgets every role. */
    reset(): void {
        super.reset();
        this.calls.length = 0;
        this.roles.clear();
        this.attached.clear();
    }

    protected handle(request: RecordedRequest, res: http.ServerResponse): void {
        const form = new URLSearchParams(request.body);
        const call: IamCall = {
            action: form.get("Action") ?? "",
            roleName: form.get("RoleName") ?? undefined,
            policyName: form.get("PolicyName") ?? undefined,
            policyDocument: form.get("PolicyDocument") ?? undefined,
            policyArn: form.get("PolicyArn") ?? undefined,
        };
        this.calls.push(call);
        if (!["PutRolePolicy", "DeleteRolePolicy", "GetRolePolicy", "AttachRolePolicy", "DetachRolePolicy"].includes(call.action)) {
            return this.sendError(res, 400, "InvalidAction", `unsupported action ${call.action}`);
        }
        const policies = this.roles.get(call.roleName ?? "");
        if (!policies) {
            return this.sendError(res, 404, "NoSuchEntity", `The role with name ${call.roleName} cannot be found.`);
        }
        const name = call.policyName ?? "";
        const attached = this.attached.get(call.roleName ?? "") ?? new Set<string>();
        this.attached.set(call.roleName ?? "", attached);
        switch (call.action) {
            case "AttachRolePolicy":
                attached.add(call.policyArn ?? "");
                return this.reply(res, call.action, "");
            case "DetachRolePolicy":
                if (!attached.delete(call.policyArn ?? "")) {
                    return this.sendError(res, 404, "NoSuchEntity", `Policy ${call.policyArn} was not found.`);
                }
                return this.reply(res, call.action, "");
            case "PutRolePolicy":
                try {
                    JSON.parse(call.policyDocument ?? "");
                } catch {
                    return this.sendError(res, 400, "MalformedPolicyDocument", "Syntax errors in policy.");
                }
                policies.set(name, call.policyDocument!);
                return this.reply(res, call.action, "");
            case "DeleteRolePolicy":
                if (!policies.delete(name)) {
                    return this.sendError(res, 404, "NoSuchEntity", `The role policy with name ${name} cannot be found.`);
                }
                return this.reply(res, call.action, "");
            default: {
                const doc = policies.get(name);
                if (doc === undefined) {
                    return this.sendError(res, 404, "NoSuchEntity", `The role policy with name ${name} cannot be found.`);
                }
                return this.reply(res, call.action, `<GetRolePolicyResult><RoleName>${call.roleName}</RoleName><PolicyName>${name}</PolicyName>` +
                    `<PolicyDocument>${xmlEscape(encodeURIComponent(doc))}</PolicyDocument></GetRolePolicyResult>`);
            }
        }
    }

    private reply(res: http.ServerResponse, action: string, result: string): void {
        res.writeHead(200, { "content-type": "text/xml" });
        res.end(`<${action}Response>${result}<ResponseMetadata><RequestId>iam-req-${this.calls.length}</RequestId></ResponseMetadata></${action}Response>`);
    }

    protected sendError(res: http.ServerResponse, status: number, errorType: string, message: string): void {
        res.writeHead(status, { "content-type": "text/xml" });
        res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>${errorType}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>iam-err</RequestId></ErrorResponse>`);
    }
}
