import * as pulumi from "@pulumi/pulumi";
import { STACK_KIND_KEY, type StackKind } from "./stack-outputs";

/**
 * Entry point `Pulumi.yaml` runs. Each stack says which account it deploys to
 * with `bedrock-tenancy:kind` (`ops` or `customer`) in its `Pulumi.<stack>.yaml`.
 */
const kind = new pulumi.Config().require(STACK_KIND_KEY) as StackKind;

// Loaded lazily so an ops run never evaluates customer code and vice versa.
function program(): Record<string, unknown> {
    switch (kind) {
        case "ops":
            return require("./ops").opsProgram();
        case "customer":
            return require("./customer").customerProgram();
        default:
            throw new Error(`bedrock-tenancy:${STACK_KIND_KEY} must be "ops" or "customer", got ${JSON.stringify(kind)}`);
    }
}

export = program();
