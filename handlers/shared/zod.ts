import * as z from 'zod/mini';
import { en } from 'zod/v4/locales';

// zod/mini ships without messages ("Invalid input" for everything); bad input must say what was wrong.
z.config(en());

export { z };
