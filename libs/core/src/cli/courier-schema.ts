#!/usr/bin/env node
// The `courier-schema` bin of @courier-nest/core (package.json "bin"): prints or writes the
// SQL of the outbox / inbox schema chains installed beside it. See courier-schema.usage.ts.
import { runCourierSchema } from './courier-schema.command';

process.exitCode = runCourierSchema(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
