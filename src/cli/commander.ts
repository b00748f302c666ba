/**
 * commander, loaded through `require`: it is a CommonJS package, and importing it as ESM costs
 * an extra export scan and wrapper on every start (~10 ms of `hooksctl --help`).
 */
import { createRequire } from 'node:module';

const commander = createRequire(import.meta.url)('commander') as typeof import('commander');

/** commander's Command class. */
export const Command = commander.Command;
/** commander's Command type. */
export type Command = import('commander').Command;
/** commander's Option class. */
export const Option = commander.Option;
/** commander's CommanderError class (thrown by exitOverride). */
export const CommanderError = commander.CommanderError;
/** commander's InvalidArgumentError class (thrown by option parsers). */
export const InvalidArgumentError = commander.InvalidArgumentError;
