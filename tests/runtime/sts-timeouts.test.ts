/**
 * An STS endpoint that accepts connections and never answers: AssumeRole
 * fails within its timeouts (three attempts of the request timeout), marked
 * as STS's, instead of holding the call for the SDK's default of over three
 * minutes.
 */
import { strict as assert } from "assert";
import * as net from "net";
import { createOpsCredentials, DEFAULT_STS_CONNECTION_TIMEOUT_MS, DEFAULT_STS_REQUEST_TIMEOUT_MS } from "../../runtime/wiring/ops-credentials";

describe("AssumeRole against an STS endpoint that never answers", () => {
    let server: net.Server;
    const sockets: net.Socket[] = [];
    let previous: string | undefined;
    before(async () => {
        // Accepts, reads, and never writes a byte back.
        server = net.createServer((socket) => {
            sockets.push(socket);
            socket.on("data", () => undefined);
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        previous = process.env.AWS_ENDPOINT_URL_STS;
        process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    });
    after(async () => {
        if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
        else process.env.AWS_ENDPOINT_URL_STS = previous;
        for (const s of sockets) s.destroy();
        await new Promise((resolve) => server.close(resolve));
    });

    const credentials = (stsTimeouts?: { connectionMs: number; requestMs: number }) => createOpsCredentials({
        roleArn: "arn:aws:iam::999999999999:role/BedrockTenantAccess-customer-a",
        externalId: "external-id-customer-a",
        tenantId: "customer-a",
        durationSeconds: 3600,
        region: "us-east-1",
        customerCredentials: () => Promise.resolve({ accessKeyId: "AKIDCUSTOMERA", secretAccessKey: "secret" }),
        ...(stsTimeouts ? { stsTimeouts } : {}),
    });

    it("fails each attempt at the request timeout, so the call fails in about three of them", async function () {
        this.timeout(20_000);
        const began = Date.now();
        await assert.rejects(credentials({ connectionMs: 200, requestMs: 300 })(), (err: Error) => /timed? ?out|timeout/i.test(`${err.name} ${err.message}`));
        const took = Date.now() - began;
        assert.ok(took < 5000, `took ${took} ms`);
        assert.ok(sockets.length >= 1);
    });

    it("fails within the default timeouts when none are given: seconds, not minutes", async function () {
        this.timeout(60_000);
        const began = Date.now();
        await assert.rejects(credentials()(), (err: Error) => /timed? ?out|timeout/i.test(`${err.name} ${err.message}`));
        const took = Date.now() - began;
        assert.ok(took < 3 * (DEFAULT_STS_CONNECTION_TIMEOUT_MS + DEFAULT_STS_REQUEST_TIMEOUT_MS), `took ${took} ms`);
    });
});
