/**
 * `bedrock-tenancy/testing`: Pulumi mocks that answer as AWS would, for unit
 * tests of programs built on this package. Generated secrets have values,
 * ARNs carry the account and Region, `aws.getCallerIdentity` answers,
 * StackReferences return the outputs (and secret names) you give them, the
 * awsx VPC has subnet and security-group ids, and any other data-source call
 * fails naming its token. Exported by name (tests/package/export-lists.test.ts).
 */
// First: a test without @pulumi/pulumi learns so, and how to install it, as a program using the components does.
import "./peers";

export { installMocks, isSecretOutput, ofType, promiseOf, type MockOptions, type RecordedResource } from "./pulumi-mocks";
export { planStack, writeStackExport, type PlanOptions, type StackExport } from "./plan-file";
