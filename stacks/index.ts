import * as pulumi from "@pulumi/pulumi";
import { STACK_KIND_KEY, type StackKind } from "./stack-outputs";

/**
 * Entry point `Pulumi.yaml` runs. Each stack says which account it deploys to
 * with `bedrock-tenancy:kind` (`ops` or `customer`) in its `Pulumi.<stack>.yaml`.
 */
const kind = new pulumi.Config().require<StackKind>(STACK_KIND_KEY);

// Loaded lazily (require, not import) so an ops run never evaluates customer code and vice versa.
/* eslint-disable @typescript-eslint/no-require-imports */
function program(): Record<string, unknown> {
    switch (kind) {
        case "ops":
            return (require("./ops") as typeof import("./ops")).opsProgram();
        case "customer":
            return (require("./customer") as typeof import("./customer")).customerProgram();
        default:
            throw new Error(`bedrock-tenancy:${STACK_KIND_KEY} must be "ops" or "customer", got ${JSON.stringify(kind)}`);
    }
}
/* eslint-enable @typescript-eslint/no-require-imports */

export = program();
