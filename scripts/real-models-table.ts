/**
 * Prints the README's markdown list of the real models the studio is tested on, from the
 * real-model table (test/models/*.json): `npm run -s models:table`.
 */
import { realModelsMarkdown } from '../test/real-models/readme-table';

process.stdout.write(`${realModelsMarkdown()}\n`);
