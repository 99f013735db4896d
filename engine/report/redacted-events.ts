// The runner's events with their secrets already replaced, before any reporter formats them:
// a reporter that escapes a value (JSON.stringify of a result that holds to_json output) would
// otherwise make a form of the secret that no text-level redaction knows. The reporters' own
// writes are redacted again on the way out (secrets learned later, the text they add).
import type { Redactor } from '../secrets/redactor.js';
import type { Reporter } from './types.js';

export function redactedEvents(reporter: Required<Reporter>, redactor: Redactor): Required<Reporter> {
  return {
    ...reporter,
    onPlayStart: (play) => reporter.onPlayStart({ ...play, name: redactor.redact(play.name) }),
    onNoHosts: (play) => reporter.onNoHosts({ ...play, name: redactor.redact(play.name) }),
    onTaskStart: (task) => reporter.onTaskStart({ ...task, name: redactor.redact(task.name) }),
    onWarning: (msg) => reporter.onWarning(redactor.redact(msg)),
    onHostDetail: (ev) => reporter.onHostDetail({ ...ev, text: redactor.redact(ev.text) }),
    onHostResult: (ev) =>
      reporter.onHostResult(
        redactor.active
          ? {
              ...ev,
              task: { ...ev.task, name: redactor.redact(ev.task.name) },
              result: redactor.redactValue(ev.result),
              ...(ev.item !== undefined ? { item: redactor.redactValue(ev.item) } : {}),
              ...(ev.args !== undefined ? { args: redactor.redactValue(ev.args) } : {}),
              ...(ev.itemLabel !== undefined ? { itemLabel: redactor.redact(ev.itemLabel) } : {}),
            }
          : ev,
      ),
  };
}
