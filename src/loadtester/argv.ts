/**
 * Splits a webhook's `metadata.cmd` into argv the way a POSIX shell would split a simple command,
 * without running a shell. Quotes and backslashes behave as in `sh`; anything that would make `sh`
 * do more than run one program (pipes, redirections, `;`, `&`, `$VAR`, `$(...)`, backticks, comments)
 * is refused, so a command never means something different here than it did under Flagger's `sh -c`.
 */

export class CommandSyntaxError extends Error {
  override readonly name = 'CommandSyntaxError';
}

const SHELL_OPERATORS = new Set(['|', '&', ';', '<', '>', '(', ')', '`', '\n']);
const WHITESPACE = new Set([' ', '\t', '\r']);

function needsShell(what: string): CommandSyntaxError {
  return new CommandSyntaxError(
    `cmd uses ${what}, which needs a shell; commands of type "cmd" run without one. ` +
      'Remove it, quote it, or use metadata.type "bash" (the loadtester must be started with --allow-bash)',
  );
}

export function splitCommand(cmd: string): string[] {
  const argv: string[] = [];
  let current = '';
  // A word exists once anything, even an empty quoted string, has been seen since the last separator.
  let inWord = false;
  let i = 0;

  const endWord = (): void => {
    if (inWord) argv.push(current);
    current = '';
    inWord = false;
  };

  while (i < cmd.length) {
    const ch = cmd[i] as string;

    if (WHITESPACE.has(ch)) {
      endWord();
      i++;
      continue;
    }
    if (ch === '\\') {
      const next = cmd[i + 1];
      if (next === undefined) throw new CommandSyntaxError('cmd ends with a lone backslash');
      // Backslash-newline is a line continuation in sh.
      if (next !== '\n') current += next;
      inWord = true;
      i += 2;
      continue;
    }
    if (ch === "'") {
      const end = cmd.indexOf("'", i + 1);
      if (end < 0) throw new CommandSyntaxError(`cmd has an unterminated single quote at position ${i}`);
      current += cmd.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (ch === '"') {
      i = readDoubleQuoted(cmd, i, (s) => (current += s));
      inWord = true;
      continue;
    }
    if (ch === '$') throw needsShell('"$" (variable or command substitution)');
    if (ch === '#' && !inWord) throw needsShell('"#" (a comment)');
    if (SHELL_OPERATORS.has(ch)) throw needsShell(ch === '\n' ? 'a newline' : `"${ch}"`);

    current += ch;
    inWord = true;
    i++;
  }
  endWord();

  if (argv.length === 0) throw new CommandSyntaxError('cmd is empty');
  return argv;
}

/** Reads `"..."` starting at `start` (the opening quote); returns the index after the closing quote. */
function readDoubleQuoted(cmd: string, start: number, append: (s: string) => void): number {
  let i = start + 1;
  while (i < cmd.length) {
    const ch = cmd[i] as string;
    if (ch === '"') return i + 1;
    if (ch === '\\') {
      const next = cmd[i + 1];
      // Inside double quotes sh only treats \ as an escape before these characters.
      if (next === '"' || next === '\\' || next === '$' || next === '`') {
        append(next);
        i += 2;
        continue;
      }
      if (next === '\n') {
        i += 2;
        continue;
      }
      append(ch);
      i++;
      continue;
    }
    if (ch === '$' || ch === '`') throw needsShell(`"${ch}" inside double quotes (expansion)`);
    append(ch);
    i++;
  }
  throw new CommandSyntaxError(`cmd has an unterminated double quote at position ${start}`);
}
