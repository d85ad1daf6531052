#!/usr/bin/env node
// The `courier-console` bin of @courier-nest/console (package.json "bin"): the operations
// console's HTTP API from a terminal. `courier-console --help` lists the commands; the
// exit codes are 0 done, 1 refused / failed / unreachable, 2 a usage error.
import { runCourierConsole } from './cli.runner';

runCourierConsole(process.argv.slice(2), {
  env: process.env,
  io: { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) },
}).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    // A bug of ours, not the console's answer: its message only (the scrubber did not see it,
    // and a stack trace could hold the arguments).
    process.stderr.write(
      `courier-console: unexpected failure: ${error instanceof Error ? error.name : 'error'}\n`,
    );
    process.exitCode = 1;
  },
);
