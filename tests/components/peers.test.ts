import * as assert from "assert";
import { COMPONENT_PEERS, loadOptionalPeer, missingPeers, missingPeersMessage } from "../../components/peers";
import { ArgumentError } from "../../contract/validation";
import * as pkg from "../../package.json";
import { TESTING_PEER } from "../../testing/peers";

describe("optional Pulumi peers", () => {
    it("are declared optional in package.json, with the ranges the components check", () => {
        const manifest = pkg as unknown as { peerDependencies: Record<string, string>; peerDependenciesMeta: Record<string, { optional?: boolean }>; dependencies: Record<string, string> };
        for (const [name, range] of Object.entries(COMPONENT_PEERS)) {
            assert.strictEqual(manifest.peerDependencies[name], range, name);
            assert.strictEqual(manifest.peerDependenciesMeta[name]?.optional, true, name);
        }
        assert.deepStrictEqual(Object.keys(manifest.dependencies).filter((d) => d.startsWith("@pulumi/")), [], "a Pulumi package among the ordinary dependencies is installed for runtime-only applications too");
        assert.strictEqual(manifest.peerDependencies[TESTING_PEER.name], TESTING_PEER.range, "the testing entry's install command names another range than package.json");
    });

    it("names each missing peer and the command that installs it", () => {
        const installed = new Set(["@pulumi/pulumi"]);
        const missing = missingPeers(Object.keys(COMPONENT_PEERS), (name) => {
            if (!installed.has(name)) throw Object.assign(new Error(`Cannot find module '${name}'`), { code: "MODULE_NOT_FOUND" });
            return name;
        });
        assert.deepStrictEqual(missing, ["@pulumi/aws", "@pulumi/random"]);
        assert.strictEqual(
            missingPeersMessage(missing, "bedrock-tenancy (the Pulumi components)", COMPONENT_PEERS),
            "bedrock-tenancy (the Pulumi components) needs @pulumi/aws, @pulumi/random, which are not installed: run `npm install @pulumi/aws@^7.48.0 @pulumi/random@^4.21.2`",
        );
    });

    it("finds the peers this repository installs", () => {
        assert.deepStrictEqual(missingPeers(Object.keys(COMPONENT_PEERS)), []);
    });

    it("loads a feature's optional peer only when it is there, naming the feature otherwise", () => {
        assert.throws(
            () => loadOptionalPeer("@pulumi/not-installed-anywhere", "^1.0.0", "networkIsolation without vpcId and subnetIds (a new VPC)"),
            (err: Error) => err instanceof ArgumentError && err.message === "networkIsolation without vpcId and subnetIds (a new VPC) needs @pulumi/not-installed-anywhere, which is not installed: run `npm install @pulumi/not-installed-anywhere@^1.0.0`",
        );
        const awsx = loadOptionalPeer<{ ec2: { Vpc: unknown } }>("@pulumi/awsx", "^3.9.0", "a new VPC");
        assert.strictEqual(typeof awsx.ec2.Vpc, "function");
    });
});
