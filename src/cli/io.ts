import type { Command } from 'commander';

/** Everything the CLI touches outside itself, so tests can run it in-process. */
export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<Buffer>;
  cwd: string;
  /** Whether stdout is a terminal. */
  isTTY: boolean;
  /** Environment variables (colours, GITHUB_WORKSPACE); none when unset, so in-process runs are reproducible. */
  env?: Readonly<Record<string, string | undefined>>;
}

export class UsageError extends Error {}

export interface CommandContext {
  io: CliIO;
  setExit(code: number): void;
}

/** A subcommand: adds itself to the program. */
export type CommandRegistrar = (program: Command, context: CommandContext) => void;
