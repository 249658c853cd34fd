/**
 * The bedrock-tenancy policy pack: `pulumi preview --policy-pack policy`.
 * The rules live in ./rules so they can be tested without starting the
 * analyzer server that `PolicyPack` opens.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./rules";

new PolicyPack("bedrock-tenancy", { policies });
