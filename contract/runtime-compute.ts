/**
 * Where a tenant's runtime runs, and the one service allowed to run as its
 * role: the components build the role's trust from it, and the verifier
 * holds the role to it.
 */

/** `lambda`: the component deploys the function. The others deploy no function. */
export const RUNTIME_COMPUTES = ["lambda", "ecs", "ec2", "existing-role"] as const;
export type RuntimeCompute = (typeof RUNTIME_COMPUTES)[number];

/** The service principal allowed to run as the runtime role, per compute that gets a new role. */
export const COMPUTE_SERVICE_PRINCIPAL = {
    lambda: "lambda.amazonaws.com",
    ecs: "ecs-tasks.amazonaws.com",
    ec2: "ec2.amazonaws.com",
} as const satisfies Record<Exclude<RuntimeCompute, "existing-role">, string>;
