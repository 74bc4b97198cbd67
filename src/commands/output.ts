// Output as the SSM agent and service keep it: GetCommandInvocation shows the first 24,000
// characters of stdout and 8,000 of stderr; ListCommandInvocations (Details) shows one combined
// `Output` of at most 2,500 characters, built by the agent from stdout and stderr with an error
// banner and truncation markers inside a 2,400-character budget.

export const MAX_STDOUT = 24_000;
export const MAX_STDERR = 8_000;
const PLUGIN_OUTPUT_BUDGET = 2_400;
const ERROR_TITLE = '\n----------ERROR-------\n';
const OUT_TRUNCATED = '\n---Output truncated---';
const ERROR_TRUNCATED = '\n---Error truncated----';

export function capStdout(text: string): string {
  return text.length > MAX_STDOUT ? text.slice(0, MAX_STDOUT) : text;
}

export function capStderr(text: string): string {
  return text.length > MAX_STDERR ? text.slice(0, MAX_STDERR) : text;
}

/** Appends an agent message to stderr on its own line, as the agent's AppendError does. */
export function appendLine(text: string, line: string): string {
  return text.length > 0 ? `${text}\n${line}` : line;
}

/** The combined plugin Output of ListCommandInvocations (Details=true). */
export function pluginOutput(stdout: string, stderr: string): string {
  const title = stderr.length > 0 ? ERROR_TITLE : '';
  const available = PLUGIN_OUTPUT_BUDGET - title.length;
  if (stdout.length + stderr.length < available) return `${stdout}${title}${stderr}`;
  if (stdout.length > available / 2 && stderr.length > available / 2) {
    const half = Math.floor((available - ERROR_TRUNCATED.length - OUT_TRUNCATED.length) / 2);
    return `${stdout.slice(0, half)}${OUT_TRUNCATED}${title}${stderr.slice(0, half)}${ERROR_TRUNCATED}`;
  }
  if (stdout.length < available / 2) {
    const room = available - ERROR_TRUNCATED.length - stdout.length;
    return `${stdout}${title}${stderr.slice(0, room)}${ERROR_TRUNCATED}`;
  }
  const room = available - OUT_TRUNCATED.length - stderr.length;
  return `${stdout.slice(0, room)}${OUT_TRUNCATED}${title}${stderr}`;
}
