/**
 * The Pulumi packages are optional peers, so that an application using only
 * `bedrock-tenancy/runtime` installs none of them. The components need them:
 * this module is the entry point's first import, so a Pulumi program missing
 * one fails at load with the packages to install, not with a bare "Cannot
 * find module" from deep inside the package.
 */
import { ArgumentError } from "../contract/validation";

/** What the components load at once, with the ranges package.json declares. */
export const COMPONENT_PEERS: Readonly<Record<string, string>> = {
    "@pulumi/pulumi": "^3.248.0",
    "@pulumi/aws": "^7.48.0",
    "@pulumi/random": "^4.21.2",
};

/** The peers among `names` that `resolve` cannot find. */
export function missingPeers(names: readonly string[], resolve: (name: string) => unknown = require.resolve): string[] {
    return names.filter((name) => {
        try {
            resolve(name);
            return false;
        } catch {
            return true;
        }
    });
}

/** The message for missing peers, naming each and the command that installs them. */
export function missingPeersMessage(missing: readonly string[], feature: string, ranges: Readonly<Record<string, string>>): string {
    const specs = missing.map((name) => (ranges[name] ? `${name}@${ranges[name]}` : name));
    return `${feature} needs ${missing.join(", ")}, which ${missing.length === 1 ? "is" : "are"} not installed: run \`npm install ${specs.join(" ")}\``;
}

/**
 * Loads an optional peer that only one feature needs (e.g. `@pulumi/awsx` for
 * a new runtime VPC), with a message naming the feature when it is missing.
 * The feature is an argument the caller chose, so its error is an
 * ArgumentError, raised at preview like every other bad argument.
 */
export function loadOptionalPeer<T>(name: string, range: string, feature: string, resolve: (name: string) => unknown = require.resolve): T {
    if (missingPeers([name], resolve).length > 0) {
        throw new ArgumentError(missingPeersMessage([name], feature, { [name]: range }));
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when the feature is used
    return require(name) as T;
}

const missing = missingPeers(Object.keys(COMPONENT_PEERS));
if (missing.length > 0) {
    throw new Error(missingPeersMessage(missing, "bedrock-tenancy (the Pulumi components)", COMPONENT_PEERS));
}
