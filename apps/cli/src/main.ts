import { CommanderError } from 'commander';
import { CliError, EXIT, oneLine } from './cli-error';
import { createProgram } from './program';

/**
 * `chat` (bin/chat.js, or node dist/apps/cli/src/main.js): runs one command. Output goes to
 * stdout; progress, notes and errors to stderr. An error is one line, `chat: <message>`, with
 * exit code 1 (error), 2 (usage) or 3 (a verification that failed); see cli-error.ts.
 */
export async function run(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version were printed and are a success; commander printed its errors itself.
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code))
        return err.exitCode === 0 || err.code !== 'commander.help' ? EXIT.ok : EXIT.usage;
      return EXIT.usage;
    }
    process.stderr.write(`chat: ${oneLine(err)}\n`);
    return err instanceof CliError ? err.exitCode : EXIT.error;
  }
}

if (require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // Nothing should be left running; should a driver keep a handle open, do not hang.
    setTimeout(() => process.exit(code), 2_000).unref();
  });
}
