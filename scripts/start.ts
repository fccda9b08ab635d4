/** `npm start`: build when the build is missing or older than the sources, then serve. */
import { buildIfStale } from './build.ts';

buildIfStale();
await import('./serve.ts');
