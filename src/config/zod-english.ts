/**
 * zod's English messages ("Invalid input: expected string, received number", …) for the config
 * schemas. `zod/mini` sets no locale, so this module sets English once, for every schema built
 * beside it, unless the embedding program has chosen a locale already (as classic `zod` does on
 * its first schema). It imports the English locale's own file: `z.locales.en` would bring every
 * locale into the bundle.
 */
import { config } from 'zod/mini';
import { globalConfig } from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';

if (globalConfig.localeError === undefined) config(en());
