/**
 * The CloudWatch Logs stand-in in a process of its own, for the concurrency
 * benchmark: the real service parses and stores the records elsewhere, so
 * its work must not share the measured process's CPU. Takes the log group
 * to create, sends its URL once listening, and reports how many events it
 * stored when asked.
 */
import { LocalLogsServer } from "../../testing/local-aws";

async function main(logGroup: string): Promise<void> {
    const logs = await new LocalLogsServer().start();
    logs.createLogGroup(logGroup);
    process.on("message", (message) => {
        if (message === "stored") process.send?.({ stored: logs.eventCount(logGroup) });
    });
    // The benchmark process went away: so does its stand-in.
    process.on("disconnect", () => void logs.close().then(() => process.exit(0)));
    process.send?.({ url: logs.url });
}

main(process.argv[2]).catch((err) => {
    console.error(err);
    process.exit(1);
});
