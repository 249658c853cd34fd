/**
 * What the commands print for an option `util.parseArgs` refuses: its own
 * message names the option, then advises passing it as a positional after
 * `--`, which suggests a misspelt `--require-customers` is a file name. The
 * advice is cut, and a near miss of a known option is named instead.
 */
import { nearestName } from "../contract/validation";

/** Where parseArgs' advice on positional arguments begins. */
const POSITIONAL_ADVICE = ". To specify a positional argument";

export function optionErrorMessage(error: unknown, options: readonly string[]): string {
    const message = error instanceof Error ? error.message : String(error);
    const cut = message.indexOf(POSITIONAL_ADVICE);
    const head = cut < 0 ? message : message.slice(0, cut);
    if ((error as { code?: unknown } | undefined)?.code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION") return head;
    // parseArgs quotes the option as given: "Unknown option '--tenant'".
    const open = head.indexOf("'");
    const close = head.lastIndexOf("'");
    if (open < 0 || close <= open) return head;
    const given = head.slice(open + 1, close).replace(/^-+/, "");
    const meant = nearestName(given.split("=")[0], options);
    return meant === undefined ? head : `${head}; did you mean --${meant}?`;
}

/** An unknown command, with the one meant when it is a near miss (`verfy`). */
export function unknownCommand(given: string, commands: readonly string[], what: string): string {
    const meant = nearestName(given, commands);
    return `unknown ${what} ${JSON.stringify(given)}${meant === undefined ? "" : `; did you mean ${meant}?`}`;
}
