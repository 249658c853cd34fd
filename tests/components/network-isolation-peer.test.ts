/**
 * `networkIsolation: {}` (a new VPC) without `@pulumi/awsx` installed: the
 * component refuses it as the bad argument it is, naming the argument the
 * caller wrote and the package to install.
 */
import * as assert from "assert";
import Module = require("module");
import { PrivateInvocationLogging } from "../../components/private-invocation-logging/private-invocation-logging";
import { ArgumentError } from "../../contract/validation";
import { installMocks } from "../../testing/pulumi-mocks";
import { CUSTOMER_A_ACCOUNT, customerAArgs, fixtureBundle } from "../support/customer-fixtures";

type Resolver = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolver };

describe("PrivateInvocationLogging networkIsolation without @pulumi/awsx", () => {
    const resolve = loader._resolveFilename;

    before(async () => {
        await installMocks({ stack: "customer-a", account: CUSTOMER_A_ACCOUNT });
        // As in an application that did not install the optional peer: only its resolution fails, for this test alone.
        loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
            if (request === "@pulumi/awsx") throw Object.assign(new Error(`Cannot find module '${request}'`), { code: "MODULE_NOT_FOUND" });
            return resolve.call(this, request, ...rest);
        };
    });

    after(() => {
        loader._resolveFilename = resolve;
    });

    it("throws an ArgumentError naming networkIsolation and the package to install", () => {
        assert.throws(
            () => new PrivateInvocationLogging("no-awsx", customerAArgs({ lambdaBundlePath: fixtureBundle(), networkIsolation: {} })),
            (err: Error) => {
                assert.ok(err instanceof ArgumentError, `${err.name}: ${err.message}`);
                assert.strictEqual(err.message, "networkIsolation without vpcId and subnetIds (a new VPC) needs @pulumi/awsx, which is not installed: run `npm install @pulumi/awsx@^3.9.0`");
                return true;
            },
        );
    });
});
