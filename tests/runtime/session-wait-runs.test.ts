import { strict as assert } from "assert";
import { abortedBeforeSession, afterOpsSession } from "../../runtime/sts-failure";

describe("a streamed run waiting for the ops session", () => {
    it("is known by its logger and its id together: another logger's run of the same id is not taken for it", async () => {
        let open!: () => void;
        const session = new Promise<void>((resolve) => (open = resolve));
        // Two tenants' loggers; a run id is unique for one logger only.
        const [tenantA, tenantB] = [{}, {}];
        const sent = afterOpsSession(() => session, new AbortController().signal, async () => "sent", { owner: tenantA, runId: "caller-request-42" });
        const stopped = AbortSignal.abort();

        assert.equal(abortedBeforeSession(stopped, { owner: tenantA, runId: "caller-request-42" }), true);
        assert.equal(abortedBeforeSession(stopped, { owner: tenantB, runId: "caller-request-42" }), false);
        open();
        assert.equal(await sent, "sent");
        assert.equal(abortedBeforeSession(stopped, { owner: tenantA, runId: "caller-request-42" }), false);
    });
});
