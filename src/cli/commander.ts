/**
 * commander's classes, in one place for the verbs. The CLI runs from the esbuild bundle
 * (scripts/build-cli.mjs), which inlines this CommonJS package: no module resolution and no
 * CommonJS export scan at start-up.
 */
export { Command, Option, CommanderError, InvalidArgumentError } from 'commander';
