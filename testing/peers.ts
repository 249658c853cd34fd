/**
 * The mocks are Pulumi's own, and `@pulumi/pulumi` is an optional peer of the
 * package (an application using only `bedrock-tenancy/runtime` installs no
 * Pulumi package): a test missing it fails at load naming it and the command
 * that installs it, not with a bare "Cannot find module".
 */

/** The range package.json declares for the peer (a test holds them equal). */
export const TESTING_PEER = { name: "@pulumi/pulumi", range: "^3.248.0" } as const;

try {
    require.resolve(TESTING_PEER.name);
} catch {
    throw new Error(`bedrock-tenancy/testing (the Pulumi mocks) needs ${TESTING_PEER.name}, which is not installed: run \`npm install ${TESTING_PEER.name}@${TESTING_PEER.range}\``);
}
