/**
 * The `migration-lint` command line. `run` never throws and never prints a stack trace: it returns
 * the exit code (0 clean, 1 error-level findings, 2 usage error).
 */
import { Command, CommanderError } from 'commander';
import { ALL_RULES, findRule } from '../rules/index.js';
import { explainRule, listRules } from '../rules/explain.js';
import { VERSION } from '../version.js';
import type { CliIO, CommandRegistrar } from './io.js';
import { UsageError } from '../config/settings.js';
import { addLintOptions, type LintFlags, lintCommand } from './lint-command.js';
import { initCommand } from './init-command.js';
import { registerTraceCommand } from './trace-command.js';
import { suggest } from '../config/schema.js';

export type { CliIO } from './io.js';
// for bin/load-bundle.js, which restores their defaults before the build writes the code cache
export { SMALL_RUN_V8_FLAGS } from './wasm-tier.js';

const rulesCommand: CommandRegistrar = (program, { io, setExit }) => {
  program
    .command('rules')
    .description('list every rule with its severity and summary')
    .action(() => {
      io.stdout(listRules(ALL_RULES));
      setExit(0);
    });
};

const explainCommand: CommandRegistrar = (program, { io, setExit }) => {
  program
    .command('explain')
    .description("print a rule's documentation")
    .argument('<rule>', 'rule id, e.g. require-concurrent-index-creation')
    .action(async (id: string) => {
      // trace's rules are documented here too; loaded only for this command
      const { findTraceRule, TRACE_RULES } = await import('../trace/findings.js');
      const rule = findRule(id) ?? findTraceRule(id);
      if (!rule)
        throw new UsageError(
          `unknown rule "${id}"${suggest(
            id,
            [...ALL_RULES, ...TRACE_RULES].map((r) => r.meta.id),
          )}; migration-lint rules lists them`,
        );
      io.stdout(explainRule(rule));
      setExit(0);
    });
};

const lspCommand: CommandRegistrar = (program) => {
  program
    .command('lsp')
    .description('run the language server (for editors) on stdin/stdout')
    .option('--stdio', 'talk the Language Server Protocol over stdin/stdout (the only transport)')
    .action(async () => {
      // The parse workers load the parsers while this thread loads the LSP libraries (loaded only here:
      // linting from the command line does not pay for them).
      const { startParseWorkers } = await import('../lsp/parse-pool.js');
      startParseWorkers();
      const { runStdioServer } = await import('../lsp/server.js');
      await runStdioServer();
    });
};

/** Subcommands besides the default lint action. Add one by adding its registrar here. */
const SUBCOMMANDS: CommandRegistrar[] = [rulesCommand, explainCommand, initCommand, registerTraceCommand, lspCommand];

function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command('migration-lint');
  program
    .description('Static safety linter for PostgreSQL schema migrations (SQL, TypeScript/JavaScript ORMs, Alembic).')
    .version(VERSION, '-v, --version');
  addLintOptions(program)
    .showHelpAfterError('(migration-lint --help shows usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action(async (paths: string[], flags: LintFlags) => {
      setExit(await lintCommand(paths, flags, io));
    });
  for (const register of SUBCOMMANDS) register(program, { io, setExit });
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  return program;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit through here with code 0
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UsageError) {
      io.stderr(`migration-lint: ${e.message}\n`);
      return 2;
    }
    io.stderr(
      `migration-lint: internal error: ${(e as { message?: string }).message ?? String(e)}\nPlease report this with the file that caused it.\n`,
    );
    return 2;
  }
}

export function processIO(): CliIO {
  return {
    stdout: (s) => process.stdout.write(s),
    stdoutBytes: (bytes) => process.stdout.write(bytes),
    stderr: (s) => process.stderr.write(s),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
    cwd: process.cwd(),
    // Typed boolean, but undefined when stdout is not a terminal.
    isTTY: (process.stdout.isTTY as boolean | undefined) === true,
    env: process.env,
  };
}
