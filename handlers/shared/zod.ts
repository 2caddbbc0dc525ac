import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini ships without messages ("Invalid input" for everything); bad input must say what was
// wrong. Imported for this effect by the modules that parse (lambda.ts, config.ts). Schemas import
// zod/mini themselves: re-exporting its namespace would defeat tree shaking (430 KB per bundle).
config(en());
