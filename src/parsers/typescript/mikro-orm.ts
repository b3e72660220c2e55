/**
 * MikroORM migrations: `export class Migration20240101 extends Migration { async up() { this.addSql('…'); } }`,
 * as `migration:create` generates them. `this.addSql(sql)` queues SQL, `this.execute(sql)` runs it
 * at once; both go through the SQL frontend with positions inside the string.
 *
 * Transactions: MikroORM runs each migration in a transaction (`transactional: true` by default)
 * unless the class's `isTransactional()` returns false. A class without `down()` inherits one that
 * throws "This migration cannot be reverted", so rolling it back fails.
 */
import type { TransactionMode } from '../../ir/types.js';
import { type Chain, type Node, nodeText, unwrap } from './ast.js';
import { downgradeFacts, type FrameworkSpec, frameworkParser, type ReadInput } from './frontend.js';
import { type FrameworkChain, FrameworkReader } from './reader.js';
import { bodyStatements } from './shape.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    'mikro-orm': true;
  }
}

class MikroOrmReader extends FrameworkReader {
  protected readonly objectName = 'migration (this)';

  constructor(input: ReadInput) {
    super(input.collector, input.scope, input.source);
  }

  protected override isFrameworkObject(node: Node | undefined): boolean {
    return unwrap(node)?.type === 'ThisExpression' || super.isFrameworkObject(node);
  }

  protected frameworkCall(_call: Node, _chain: FrameworkChain): boolean {
    return false;
  }

  protected override otherCall(call: Node, chain: Chain): boolean {
    if (chain.root.type !== 'ThisExpression') return false;
    const link = chain.links[0];
    if (!link?.args) return false;
    const what = nodeText(this.source, call);
    switch (link.name) {
      case 'addSql':
      case 'execute':
        if (!this.c.sql(link.args[0], { what, ...this.emitOptions() }))
          this.c.unknown(
            call,
            what,
            `the SQL passed to ${link.name}() is not text written in this file`,
            this.emitOptions(),
          );
        return true;
      case 'reset':
      case 'getQueries':
      case 'setTransactionContext':
        return true;
      default:
        this.c.unknown(call, what, `this.${link.name}() is not a call this frontend reads`, this.emitOptions());
        return true;
    }
  }
}

/** `isTransactional() { return false; }` (or `=> false`) turns the migration's transaction off. */
function mikroTransaction(input: ReadInput): TransactionMode {
  const fn = input.shape.members.get('isTransactional');
  if (!fn || (fn.type !== 'FunctionExpression' && fn.type !== 'ArrowFunctionExpression')) return 'wrapped';
  const stmts = bodyStatements(fn);
  const ret =
    stmts.find((s) => s.type === 'ReturnStatement')?.argument ??
    (fn.body.type !== 'BlockStatement' ? fn.body : undefined);
  return input.scope.known(ret) === false ? 'none' : 'wrapped';
}

export const mikroOrmSpec: FrameworkSpec = {
  format: 'mikro-orm',
  signals: [
    [/['"]@mikro-orm\/[\w-]+['"]/, 30],
    [/\bextends\s+Migration\b/, 10],
    [/\bthis\.addSql\s*\(/, 15],
  ],
  declaredBy: { packages: ['@mikro-orm/migrations'] },
  transactionFacts: {
    wrapped: {
      reason: 'MikroORM runs each migration in a transaction',
      fix: 'override isTransactional() to return false in this migration',
    },
  },
  formatHelp: {
    concurrentIndex:
      'With MikroORM: this.addSql(…) with that statement, in a migration whose isTransactional() returns false',
  },
  name: 'MikroORM',
  read(input) {
    const mode = mikroTransaction(input);
    if (input.shape.up) new MikroOrmReader(input).read(input.shape.up, 'upgrade');
    if (input.shape.down) new MikroOrmReader(input).read(input.shape.down, 'downgrade');
    const downgrade = downgradeFacts(input, {
      autoReversible: false,
      note: 'MikroORM\'s base Migration.down() throws "This migration cannot be reverted"',
    });
    return { transaction: { upgrade: mode, downgrade: mode }, downgrade };
  },
};

export const mikroOrm = frameworkParser(mikroOrmSpec);
