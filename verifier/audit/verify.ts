/** `verifyAuditTrail`: reads an auditor's exports and checks every writer's chain. */
import { checkAuditInput, type AuditCheck, type CheckOptions } from "./check";
import { emptyInput, readAuditInput, UnreadableAuditInputError } from "./inputs";

/**
 * Checks the audit trail in `inputs`: files of JSON lines, `aws logs
 * filter-log-events` output, or folders of archive objects. Give the log
 * export and the archive of the same period together: copies of one record
 * are compared, and the archive's checkpoints show a cut tail or a deleted
 * stream. Throws {@link UnreadableAuditInputError} for input it cannot read
 * or that holds no audit record.
 */
export function verifyAuditTrail(inputs: readonly string[], options: CheckOptions = {}): AuditCheck {
    if (inputs.length === 0) throw new UnreadableAuditInputError("no input given: name files of JSON lines, aws logs output or archive folders");
    const input = emptyInput();
    inputs.forEach((file, i) => readAuditInput(file, i, input));
    if (input.entries.length === 0 && input.checkpoints.length === 0 && input.damaged.length === 0) {
        throw new UnreadableAuditInputError(`no audit record found in ${inputs.join(", ")} (${input.skipped} other lines)`);
    }
    return checkAuditInput(input, options);
}
