import type { Command } from 'commander';

/** Everything the CLI touches outside itself, so tests can run it in-process. */
export interface CliIO {
  stdout: (s: string) => void;
  /** Writes bytes as they are (a stored report, `--cache`); without it they go to `stdout` as UTF-8 text. */
  stdoutBytes?: (bytes: Uint8Array) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<Buffer>;
  cwd: string;
  /** Whether stdout is a terminal. */
  isTTY: boolean;
  /** Environment variables (colours, GITHUB_WORKSPACE); none when unset, so in-process runs are reproducible. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface CommandContext {
  io: CliIO;
  setExit: (code: number) => void;
}

/** A subcommand: adds itself to the program. */
export type CommandRegistrar = (program: Command, context: CommandContext) => void;

/**
 * Whether to colour the output: `--color`/`--no-color` win; else FORCE_COLOR (`0`/`false` turn it
 * off, any other value on: for CI logs that render colours), which wins over NO_COLOR (any non-empty
 * value), as in Node itself; else colour on a terminal that is not TERM=dumb.
 */
export function useColor(flag: boolean | undefined, io: CliIO): boolean {
  if (flag !== undefined) return flag;
  const env = io.env ?? {};
  if (env.FORCE_COLOR !== undefined) return !['0', 'false'].includes(env.FORCE_COLOR.toLowerCase());
  if (env.NO_COLOR) return false;
  return io.isTTY && env.TERM !== 'dumb';
}

/**
 * Whether to write OSC 8 hyperlinks (clickable text): on a terminal only, since logs and pipes show
 * the escape codes raw; FORCE_HYPERLINK=1/0 overrides (the supports-hyperlinks convention).
 */
export function useHyperlinks(io: CliIO): boolean {
  const env = io.env ?? {};
  if (env.FORCE_HYPERLINK !== undefined) return !['0', 'false'].includes(env.FORCE_HYPERLINK.toLowerCase());
  return io.isTTY && env.TERM !== 'dumb';
}

/**
 * The repository root the CI formats (SARIF, GitHub, GitLab) give paths from (`repositoryRoot`, which
 * may run git: loaded only by runs that print those formats).
 */
export async function reportRoot(io: CliIO): Promise<string> {
  const { repositoryRoot } = await import('../report/paths.js');
  return repositoryRoot(io.cwd, io.env ?? {});
}
