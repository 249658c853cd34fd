/**
 * Where the tenant's runtime runs, and who may run as its role. The ops role
 * trusts one role name per tenant (`runtimeRoleName`), so the account has one
 * runtime role per tenant, trusted by exactly the compute chosen.
 */
import type * as aws from "@pulumi/aws";
import { booleanProblem, oneOfProblem, runtimeRoleName, show, type Problem } from "../../contract";

import { COMPUTE_SERVICE_PRINCIPAL, RUNTIME_COMPUTES, type RuntimeCompute } from "../../contract";

export { COMPUTE_SERVICE_PRINCIPAL, RUNTIME_COMPUTES, type RuntimeCompute };

export interface ComputeArgs {
    tenantId: string;
    compute?: unknown;
    existingRoleName?: unknown;
    responseStreaming?: unknown;
    networkIsolation?: unknown;
    reservedConcurrency?: unknown;
    memorySizeMb?: unknown;
    timeoutSeconds?: unknown;
    lambdaBundlePath?: unknown;
}

/** The compute arguments must agree with each other and with the name the ops role trusts. */
export function computeProblem(args: ComputeArgs): Problem {
    const compute = args.compute ?? "lambda";
    const bad = oneOfProblem("compute", compute, RUNTIME_COMPUTES) ?? (args.responseStreaming === undefined ? undefined : booleanProblem("responseStreaming", args.responseStreaming));
    if (bad) {
        return bad;
    }
    const expected = runtimeRoleName(args.tenantId);
    if (compute === "existing-role") {
        if (args.existingRoleName !== expected) {
            return `existingRoleName must be ${show(expected)}, the only role name the tenant's ops role trusts, got ${show(args.existingRoleName)}`;
        }
    } else if (args.existingRoleName !== undefined) {
        return `existingRoleName is used only with compute "existing-role", got compute ${show(compute)}`;
    }
    if (compute !== "lambda") {
        // Settings of the function this component deploys only for "lambda": elsewhere they would be silently ignored.
        for (const lambdaOnly of ["responseStreaming", "networkIsolation", "reservedConcurrency", "memorySizeMb", "timeoutSeconds", "lambdaBundlePath"] as const) {
            if (args[lambdaOnly] !== undefined && args[lambdaOnly] !== false) {
                return `${lambdaOnly} applies to the Lambda only, got compute ${show(compute)}`;
            }
        }
    }
    return undefined;
}

/**
 * Only `service` may run as the runtime role. No `aws:SourceAccount`
 * condition: `iam:PassRole` cannot pass a role to another account's compute,
 * and support for that key on execution roles could not be confirmed offline
 * (a wrong guess would stop the compute from starting).
 */
export function runtimeTrustPolicy(compute: Exclude<RuntimeCompute, "existing-role"> = "lambda"): aws.iam.PolicyDocument {
    const sid = { lambda: "LambdaRunsTheRuntime", ecs: "EcsTasksRunTheRuntime", ec2: "Ec2InstancesRunTheRuntime" }[compute];
    return {
        Version: "2012-10-17",
        Statement: [{ Sid: sid, Effect: "Allow", Principal: { Service: COMPUTE_SERVICE_PRINCIPAL[compute] }, Action: "sts:AssumeRole" }],
    };
}
