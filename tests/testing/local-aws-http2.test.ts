import { strict as assert } from "assert";
import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import { LocalBedrockServer } from "../../testing/local-aws";

describe("the local AWS stand-ins over HTTP/2", () => {
    let bedrock: LocalBedrockServer;
    before(async () => {
        bedrock = await new LocalBedrockServer().start();
    });
    after(() => bedrock.close());

    it("answers a Bedrock Runtime client with the SDK's default handler, which speaks HTTP/2 in clear text", async () => {
        // No requestHandler: the client's own default, as code written for AWS builds it.
        const client = new BedrockRuntimeClient({ region: "us-east-1", endpoint: bedrock.url, credentials: { accessKeyId: "AKIDH2", secretAccessKey: "s" }, maxAttempts: 1 });
        const reply = await client.send(new ConverseCommand({ modelId: "m", messages: [{ role: "user", content: [{ text: "hi" }] }] }));
        client.destroy();
        assert.equal(reply.output?.message?.content?.[0].text, "ok");
        assert.equal(bedrock.calls[0].accessKeyId, "AKIDH2");
    });
});
