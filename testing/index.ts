/**
 * `bedrock-tenancy/testing`: Pulumi mocks that answer as AWS would, for unit
 * tests of programs built on this package. Generated secrets have values,
 * ARNs carry the account and Region, `aws.getCallerIdentity` answers,
 * StackReferences return the outputs (and secret names) you give them, the
 * awsx VPC has subnet and security-group ids, and any other data-source call
 * fails naming its token. Exported by name (tests/package/export-lists.test.ts).
 */
// First: the mocks serve programs built on the components, so a test missing a Pulumi peer learns which ones, as a program does.
import "../components/peers";

export { installMocks, isSecretOutput, ofType, promiseOf, type MockOptions, type RecordedResource } from "./pulumi-mocks";
export { planStack, writeStackExport, type PlanOptions, type StackExport } from "./plan-file";
