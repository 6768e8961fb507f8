#!/usr/bin/env node
// kubectl's plugin entry point: kubectl finds `kubectl-aviary` on PATH (npm links it there from
// package.json "bin") and runs `kubectl aviary <verb> ...` as `kubectl-aviary <verb> ...`. It is the
// aviary command itself; help and errors name it as kubectl shows it.
process.env.AVIARY_COMMAND_NAME ??= 'kubectl aviary';
await import('./aviary.js');
