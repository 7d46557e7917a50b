/**
 * What a person does in the task box before the page has hydrated. The box is in the server's HTML
 * and takes typing at once, but React, hydrating a `<textarea>`, sets its value back to the text
 * it was rendered with (react-dom's `initTextarea`), and until then Run is a plain form submit that
 * would navigate away. So a tiny script in the root layout, run by the HTML parser before any of
 * the app's JavaScript, records what was typed into `#task` and holds back a press of Run; the task
 * box, when it mounts, takes that record and goes on from it (components/run/task-form.tsx).
 */

/** Where the script keeps its record, on `window`. */
const RECORD = "__stepstreamEarlyTask";

/** What was done before hydration: the task box's text, if typed into, and whether Run was pressed. */
export interface EarlyTaskInput {
  value?: string;
  run: boolean;
}

interface EarlyRecord extends EarlyTaskInput {
  stop?: () => void;
}

/**
 * The script itself, inline in the root layout (the CSP allows inline scripts, as Next's own need
 * them). Plain ES5 with listeners on the document, so it works whichever page the box is on and
 * however late the box streams in.
 */
export const EARLY_TASK_INPUT_SCRIPT = `(function(){var d=document,r=window.${RECORD}={run:false};function isBox(t){return !!t&&t.tagName==="TEXTAREA"&&t.id==="task"}function input(e){if(isBox(e.target))r.value=e.target.value}function submit(e){var f=e.target;if(f&&f.tagName==="FORM"&&isBox(f.querySelector("textarea#task"))){e.preventDefault();r.value=f.querySelector("textarea#task").value;r.run=true}}d.addEventListener("input",input,true);d.addEventListener("submit",submit,true);r.stop=function(){d.removeEventListener("input",input,true);d.removeEventListener("submit",submit,true)}})();`;

/**
 * Takes the record once, on the task box's first mount, and stops the script's listeners: from
 * then on React handles the box, and a later page reached by client navigation never hydrates.
 */
export function takeEarlyTaskInput(): EarlyTaskInput | undefined {
  const scope = window as unknown as Record<string, EarlyRecord | undefined>;
  const record = scope[RECORD];
  if (!record) return undefined;
  record.stop?.();
  delete scope[RECORD];
  return { value: record.value, run: record.run };
}
